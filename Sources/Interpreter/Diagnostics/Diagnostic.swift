import Lexer

/// A problem found in a policy file or a record, as a value: what it is (a
/// `DiagnosticKind`, whose code and text come from `DiagnosticCatalog`), where
/// it is, and what may help.
public struct Diagnostic: Error, Sendable {
    public let kind: DiagnosticKind
    /// The file the range belongs to; nil for problems with no place in a policy
    /// file (a record, a command line).
    public let file: SourceFile?
    public let range: SourceRange?
    /// Further places worth showing, each with a short label.
    public let related: [(range: SourceRange, label: String)]

    public init(_ kind: DiagnosticKind, file: SourceFile? = nil, range: SourceRange? = nil,
                related: [(range: SourceRange, label: String)] = []) {
        self.kind = kind
        self.file = file
        self.range = range
        self.related = related
    }

    public var code: DiagnosticCode { DiagnosticCatalog.code(of: kind) }
    public var severity: Severity { DiagnosticCatalog.severity(of: kind) }
    public var message: String { DiagnosticCatalog.message(of: kind) }
    /// A short text printed under the caret.
    public var label: String? { DiagnosticCatalog.label(of: kind) }
    public var help: String? { DiagnosticCatalog.help(of: kind) }

    public func message(in language: Language) -> String { DiagnosticCatalog.message(of: kind, in: language) }
    public func label(in language: Language) -> String? { DiagnosticCatalog.label(of: kind, in: language) }
    public func help(in language: Language) -> String? { DiagnosticCatalog.help(of: kind, in: language) }

    /// Where it is, as `path:line:column`, or nil.
    public var location: SourceLocation? {
        guard let file, let range else { return nil }
        return file.location(of: range.start)
    }
}

public enum Severity: String, Sendable, Comparable {
    case warning, error

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs == .warning && rhs == .error }
}

/// A stable code such as `E0302`. Codes never change meaning; `docs/diagnostics.md`
/// lists each with an example and its fix.
public struct DiagnosticCode: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: String

    public init(_ rawValue: String) { self.rawValue = rawValue }

    public static func < (lhs: DiagnosticCode, rhs: DiagnosticCode) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { rawValue }
}

extension Array where Element == Diagnostic {
    public var hasErrors: Bool { contains { $0.severity == .error } }

    /// In file order, then by position, errors before warnings at one place.
    public func sortedByPosition() -> [Diagnostic] {
        enumerated().sorted { left, right in
            let a = left.element, b = right.element
            let pathA = a.file?.path ?? "", pathB = b.file?.path ?? ""
            if pathA != pathB { return pathA < pathB }
            let startA = a.range?.start ?? -1, startB = b.range?.start ?? -1
            if startA != startB { return startA < startB }
            return left.offset < right.offset
        }.map(\.element)
    }
}
