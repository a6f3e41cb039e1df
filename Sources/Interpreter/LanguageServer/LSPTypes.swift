import Foundation
import Lexer

/// The values the Language Server Protocol exchanges, as plain Swift values.
/// Each gives its JSON shape (`json`), ready for `JSONSerialization`; the
/// protocol loop itself lives in the command line (`policy lsp`).
public struct LSPPosition: Equatable, Sendable {
    /// 0-based line.
    public var line: Int
    /// 0-based column in UTF-16 code units, as the protocol counts.
    public var character: Int

    public init(line: Int, character: Int) {
        self.line = line
        self.character = character
    }

    public var json: [String: Any] { ["line": line, "character": character] }
}

public struct LSPRange: Equatable, Sendable {
    public var start: LSPPosition
    public var end: LSPPosition

    public init(start: LSPPosition, end: LSPPosition) {
        self.start = start
        self.end = end
    }

    public static let zero = LSPRange(start: LSPPosition(line: 0, character: 0), end: LSPPosition(line: 0, character: 0))

    public var json: [String: Any] { ["start": start.json, "end": end.json] }
}

public struct LSPLocation: Sendable {
    public var uri: String
    public var range: LSPRange

    public init(uri: String, range: LSPRange) {
        self.uri = uri
        self.range = range
    }

    public var json: [String: Any] { ["uri": uri, "range": range.json] }
}

public struct LSPDiagnostic: Sendable {
    public var range: LSPRange
    /// 1 error, 2 warning.
    public var severity: Int
    public var code: String
    public var message: String
    public var related: [(location: LSPLocation, message: String)] = []

    public init(range: LSPRange, severity: Int, code: String, message: String, related: [(location: LSPLocation, message: String)] = []) {
        self.range = range
        self.severity = severity
        self.code = code
        self.message = message
        self.related = related
    }

    public var json: [String: Any] {
        var object: [String: Any] = ["range": range.json, "severity": severity, "code": code, "source": "policy", "message": message]
        if !related.isEmpty {
            object["relatedInformation"] = related.map { ["location": $0.location.json, "message": $0.message] as [String: Any] }
        }
        return object
    }
}

/// The diagnostics of one document, for `textDocument/publishDiagnostics`.
public struct LSPPublication: Sendable {
    public var uri: String
    public var version: Int?
    public var diagnostics: [LSPDiagnostic]

    public var json: [String: Any] {
        var object: [String: Any] = ["uri": uri, "diagnostics": diagnostics.map(\.json)]
        if let version { object["version"] = version }
        return object
    }
}

public struct LSPHover: Sendable {
    public var markdown: String
    public var range: LSPRange?

    public var json: [String: Any] {
        var object: [String: Any] = ["contents": ["kind": "markdown", "value": markdown]]
        if let range { object["range"] = range.json }
        return object
    }
}

public struct LSPTextEdit: Sendable {
    public var range: LSPRange
    public var newText: String

    public var json: [String: Any] { ["range": range.json, "newText": newText] }
}

public struct LSPCompletionItem: Sendable {
    /// The protocol's CompletionItemKind.
    public enum Kind: Int, Sendable {
        case function = 3, field = 5, variable = 6, value = 12, keyword = 14, enumMember = 20, constant = 21
    }

    public var label: String
    public var kind: Kind
    public var detail: String?
    public var documentation: String?

    public init(label: String, kind: Kind, detail: String? = nil, documentation: String? = nil) {
        self.label = label
        self.kind = kind
        self.detail = detail
        self.documentation = documentation
    }

    public var json: [String: Any] {
        var object: [String: Any] = ["label": label, "kind": kind.rawValue]
        if let detail { object["detail"] = detail }
        if let documentation { object["documentation"] = ["kind": "markdown", "value": documentation] }
        return object
    }
}

public struct LSPDocumentSymbol: Sendable {
    /// The protocol's SymbolKind.
    public enum Kind: Int, Sendable {
        case file = 1, module = 2, namespace = 3, `class` = 5, method = 6, property = 7, field = 8
        case `enum` = 10, function = 12, variable = 13, constant = 14, boolean = 17, object = 19
        case enumMember = 22, `struct` = 23, event = 24
    }

    public var name: String
    public var detail: String?
    public var kind: Kind
    public var range: LSPRange
    public var selectionRange: LSPRange
    public var children: [LSPDocumentSymbol] = []

    public var json: [String: Any] {
        var object: [String: Any] = ["name": name, "kind": kind.rawValue, "range": range.json, "selectionRange": selectionRange.json]
        if let detail, !detail.isEmpty { object["detail"] = detail }
        if !children.isEmpty { object["children"] = children.map(\.json) }
        return object
    }
}
