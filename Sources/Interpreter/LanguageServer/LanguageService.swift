import Foundation
import Lexer

/// One document the editor has open: its text as it is now, unsaved edits included.
public struct LSPDocument: Sendable {
    public let uri: String
    /// The file path the document stands for (the key of its overlay).
    public let path: String
    public let text: String
    public let version: Int?
    public let map: PositionMap

    init(uri: String, path: String, text: String, version: Int?) {
        self.uri = uri
        self.path = path
        self.text = text
        self.version = version
        self.map = PositionMap(path: path, text: text)
    }
}

/// What `policy lsp` knows and computes, independent of the protocol's
/// transport: the open documents, their diagnostics (the checker and the
/// linter of `policy check`), hover, definitions, completion, formatting (the
/// formatter of `policy fmt`) and document symbols.
///
/// Every open document's text is put in the workspace's overlays, so that
/// checking a county's policy reads its province's unsaved text too.
public final class PolicyLanguageService {
    public private(set) var engine: PolicyEngine
    public let language: Language
    var documents: [String: LSPDocument] = [:]
    /// The types of parameters and `let`s from the last time each policy
    /// checked, for completion while the text has errors.
    var valueTypes: [String: [String: ValueType]] = [:]

    public init(language: Language = .en, workspace: Workspace = Workspace()) {
        self.language = language
        self.engine = PolicyEngine(workspace: workspace)
    }

    // MARK: Documents

    /// The file path of a `file:` URI (percent-decoded, `.` and `..` removed);
    /// another URI stands for itself.
    public static func path(forURI uri: String) -> String {
        guard let url = URL(string: uri), url.scheme?.lowercased() == "file", !url.path.isEmpty else { return uri }
        return URL(fileURLWithPath: url.path).standardizedFileURL.path
    }

    /// The URI of a path: an open document's own URI, else a `file:` URI.
    public func uri(forPath path: String) -> String {
        if let open = documents.values.first(where: { $0.path == path }) { return open.uri }
        let absolute = path.hasPrefix("/") ? path : Workspace.join(FileManager.default.currentDirectoryPath, path)
        return URL(fileURLWithPath: absolute).standardizedFileURL.absoluteString
    }

    public func document(_ uri: String) -> LSPDocument? { documents[uri] }

    public var openURIs: [String] { documents.keys.sorted() }

    public func open(uri: String, text: String, version: Int?) {
        let document = LSPDocument(uri: uri, path: PolicyLanguageService.path(forURI: uri), text: text, version: version)
        documents[uri] = document
        engine.workspace.overlays[document.path] = text
    }

    /// Replaces a document's text (full synchronisation).
    public func change(uri: String, text: String, version: Int?) {
        open(uri: uri, text: text, version: version)
    }

    public func close(uri: String) {
        guard let document = documents.removeValue(forKey: uri) else { return }
        engine.workspace.overlays[document.path] = nil
    }

    // MARK: Diagnostics

    /// The diagnostics of every open document, as `policy check` gives them:
    /// the checker's and the linter's. A problem in another file is given to
    /// that file when it is open, else noted on the first line of the
    /// document whose check found it.
    public func publications() -> [LSPPublication] {
        let open = documents.values.sorted { $0.uri < $1.uri }
        var byPath: [String: [LSPDiagnostic]] = [:]
        var seen: [String: Set<String>] = [:]
        for document in open { byPath[document.path] = [] }
        func add(_ diagnostic: LSPDiagnostic, to path: String) {
            let key = "\(diagnostic.code)|\(diagnostic.range.start.line):\(diagnostic.range.start.character)-\(diagnostic.range.end.line):\(diagnostic.range.end.character)|\(diagnostic.message)"
            guard seen[path, default: []].insert(key).inserted else { return }
            byPath[path, default: []].append(diagnostic)
        }
        for document in open {
            for diagnostic in check(document) {
                if let file = diagnostic.file, let target = open.first(where: { $0.path == file.path }) {
                    add(convert(diagnostic, in: target), to: target.path)
                } else {
                    add(convertElsewhere(diagnostic, noteIn: document), to: document.path)
                }
            }
        }
        return open.map { LSPPublication(uri: $0.uri, version: $0.version, diagnostics: byPath[$0.path] ?? []) }
    }

    /// The checker's and the linter's diagnostics for one document, each once.
    func check(_ document: LSPDocument) -> [Diagnostic] {
        var diagnostics = engine.check(path: document.path)
        let (parsed, syntax) = engine.parse(path: document.path)
        if let file = parsed, !syntax.hasErrors, file.header?.kind == .policy {
            diagnostics += engine.lint(files: [document.path])
            if let policy = engine.load(path: document.path).policy { remember(policy, for: document.path) }
        }
        var seen: Set<String> = []
        return diagnostics.filter { seen.insert(DiagnosticRenderer.render($0, in: language)).inserted }
    }

    func remember(_ policy: CheckedPolicy, for path: String) {
        valueTypes[path] = Dictionary((policy.parameters + policy.derived).map { ($0.name, $0.expression.type) },
                                      uniquingKeysWith: { first, _ in first })
    }

    func text(of diagnostic: Diagnostic) -> String {
        var message = diagnostic.message(in: language)
        if let label = diagnostic.label(in: language), !label.isEmpty { message += "\n" + label }
        if let help = diagnostic.help(in: language), !help.isEmpty { message += "\n" + help }
        return message
    }

    func convert(_ diagnostic: Diagnostic, in document: LSPDocument) -> LSPDiagnostic {
        let map = diagnostic.file.map { PositionMap(source: $0, hasByteOrderMark: document.map.hasByteOrderMark) } ?? document.map
        let range = diagnostic.range.map { map.range(of: $0) } ?? LSPRange.zero
        let related = diagnostic.related.map { (location: LSPLocation(uri: document.uri, range: map.range(of: $0.range)), message: $0.label) }
        return LSPDiagnostic(range: range, severity: diagnostic.severity == .error ? 1 : 2, code: diagnostic.code.rawValue,
                             message: text(of: diagnostic), related: related)
    }

    /// A diagnostic of a file that is not open (a base, the schema), noted on
    /// the first line of the document, its place named in the message.
    func convertElsewhere(_ diagnostic: Diagnostic, noteIn document: LSPDocument) -> LSPDiagnostic {
        var message = text(of: diagnostic)
        var related: [(location: LSPLocation, message: String)] = []
        if let file = diagnostic.file {
            if let range = diagnostic.range {
                let location = file.location(of: range.start)
                message = "\(display(file.path)):\(location.line):\(location.column): " + message
                related.append((LSPLocation(uri: uri(forPath: file.path), range: PositionMap(source: file).range(of: range)),
                                diagnostic.message(in: language)))
            } else {
                message = "\(display(file.path)): " + message
            }
        }
        return LSPDiagnostic(range: document.map.lineRange(0), severity: diagnostic.severity == .error ? 1 : 2,
                             code: diagnostic.code.rawValue, message: message, related: related)
    }

    /// A path as shown to people: from the folder holding the policies root
    /// (`policies/hebei/2022.policy`), else as it is.
    func display(_ path: String) -> String {
        guard path.hasPrefix("/") else { return path }
        let root = engine.workspace.policiesRoot(for: path)
        let top = URL(fileURLWithPath: root).deletingLastPathComponent().path
        let prefix = top.hasSuffix("/") ? top : top + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    // MARK: Formatting

    /// One edit replacing the whole text with what `policy fmt` writes; none
    /// when the text is formatted already or does not parse; nil for a
    /// document that is not open.
    public func formatting(uri: String) -> [LSPTextEdit]? {
        guard let document = documents[uri] else { return nil }
        guard case .success(let formatted) = Formatter.format(document.map.source) else { return [] }
        var current = document.text
        if document.map.hasByteOrderMark { current.unicodeScalars.removeFirst() }
        if formatted == current { return [] }
        var whole = document.map.wholeRange
        whole.start = LSPPosition(line: 0, character: 0)
        return [LSPTextEdit(range: whole, newText: formatted)]
    }

    // MARK: Symbols

    public func documentSymbols(uri: String) -> [LSPDocumentSymbol]? {
        guard let document = documents[uri] else { return nil }
        let (file, _) = Parser.parse(document.map.source)
        let map = document.map
        func symbol(_ name: String, _ detail: String?, _ kind: LSPDocumentSymbol.Kind, _ range: SourceRange, _ selection: SourceRange,
                    _ children: [LSPDocumentSymbol] = []) -> LSPDocumentSymbol {
            let whole = range.union(selection)
            return LSPDocumentSymbol(name: name.isEmpty ? "?" : name, detail: detail, kind: kind, range: map.range(of: whole),
                                     selectionRange: map.range(of: selection), children: children)
        }
        func symbols(_ declaration: Declaration, range outer: SourceRange, prefix: String) -> [LSPDocumentSymbol] {
            switch declaration {
            case .header(let header):
                return [symbol(header.id.description, header.title?.value ?? header.kind.rawValue, .file, outer, header.id.range)]
            case .value(let value):
                return [symbol(value.name.text, prefix + value.kind.rawValue, value.kind == .param ? .constant : .variable, outer, value.name.range)]
            case .rule(let rule):
                let kind: LSPDocumentSymbol.Kind = rule.kind == .category ? .class : (rule.kind == .exclude ? .object : .boolean)
                let name = rule.kind == .monitored ? "monitored" : rule.name.text
                return [symbol(name, prefix + rule.kind.rawValue + (rule.label.map { " " + $0.value } ?? ""), kind, outer, rule.name.range)]
            case .eliminate(let block):
                let children = block.conditions.map {
                    symbol($0.name.text, $0.kind.rawValue + ($0.label.map { " " + $0.value } ?? ""), .property, $0.range, $0.name.range)
                }
                let selection = SourceRange(start: outer.start, end: min(outer.end, outer.start + 9))
                return [symbol("eliminate", prefix + (block.label?.value ?? ""), .namespace, outer, selection, children)]
            case .alert(let alert):
                return [symbol(alert.name.text, prefix + "alert" + (alert.label.map { " " + $0.value } ?? ""), .event, outer, alert.name.range)]
            case .procedure(let procedure):
                let children = procedure.steps.map {
                    symbol($0.name.text, "step" + ($0.label.map { " " + $0.value } ?? ""), .method, $0.range, $0.name.range)
                }
                return [symbol(procedure.name.text, prefix + "procedure" + (procedure.label.map { " " + $0.value } ?? ""), .function,
                               outer, procedure.name.range, children)]
            case .test(let test):
                return [symbol(test.name.text, "test" + (test.label.map { " " + $0.value } ?? ""), .method, outer, test.name.range)]
            case .enumeration(let node):
                let children = node.members.map { symbol($0.name.text, $0.label?.value, .enumMember, $0.name.range, $0.name.range) }
                return [symbol(node.name.text, "enum" + (node.label.map { " " + $0.value } ?? ""), .enum, outer, node.name.range, children)]
            case .record(let node):
                let children = node.fields.map { symbol($0.name.text, $0.label?.value, .field, $0.range, $0.name.range) }
                return [symbol(node.name.text, "record" + (node.label.map { " " + $0.value } ?? ""), .struct, outer, node.name.range, children)]
            case .override(let inner, _):
                return symbols(inner, range: outer, prefix: "override ")
            case .remove(let removal):
                return [symbol(removal.name.text, "remove " + removal.kind.text, .object, outer, removal.name.range)]
            case .calendarDay(let day):
                let first = day.days.first.map { $0.first } ?? ""
                return [symbol(day.label?.value ?? first, (day.isHoliday ? "holiday " : "workday ") + first, .event, outer, outer)]
            }
        }
        return file.declarations.flatMap { symbols($0, range: $0.range, prefix: "") }
    }
}
