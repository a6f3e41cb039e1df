import Lexer

/// The declared shape of the records a policy reads, built from a schema file
/// such as `policies/schema/household/v1.policy`. The interpreter knows nothing
/// about households: every field, enumeration and data check comes from here.
public struct Schema: Sendable {
    public let id: String
    public let title: String?
    public internal(set) var enumerations: [EnumerationType]
    public internal(set) var records: [RecordType]
    /// The record a file of records holds one of per line or row.
    public let root: Int
    /// The parsed schema file, for diagnostics that point into it.
    public let file: SourceFile?

    public var rootRecord: RecordType { records[root] }

    public func enumerationIndex(named name: String) -> Int? {
        enumerations.firstIndex { $0.name == name }
    }

    public func recordIndex(named name: String) -> Int? {
        records.firstIndex { $0.name == name }
    }

    /// How a type reads in messages: `yuan/year`, `list of member`, `enum labour`.
    public func describe(_ type: ValueType) -> String {
        switch type {
        case .bool: return "bool"
        case .text: return "text"
        case .date: return "date"
        case .number(let unit): return unit.isNone ? "number" : unit.description
        case .duration(let unit): return "duration in \(unit.rawValue)"
        case .enumeration(let index): return "`\(enumerations[safe: index]?.name ?? "?")`"
        case .record(let index): return "record `\(records[safe: index]?.name ?? "?")`"
        case .list(let element): return "list of \(describe(element))"
        case .error: return "an invalid value"
        }
    }
}

/// An enumeration: its members in order, with Chinese labels and aliases that
/// readers accept in place of the identifier.
public struct EnumerationType: Sendable {
    public struct Member: Sendable {
        public let name: String
        public let label: String?
        public let aliases: [String]
    }

    public let name: String
    public let label: String?
    public let members: [Member]
    let lookup: [String: Int]

    init(name: String, label: String?, members: [Member]) {
        self.name = name
        self.label = label
        self.members = members
        var lookup: [String: Int] = [:]
        for (index, member) in members.enumerated() {
            lookup[member.name] = lookup[member.name] ?? index
        }
        self.lookup = lookup
    }

    /// The member of this name, by identifier only.
    public func index(of name: String) -> Int? { lookup[name] }

    /// The member a record value names: the identifier, or (for spreadsheets)
    /// its Chinese label or an alias.
    public func index(reading value: String) -> Int? {
        if let index = lookup[value] { return index }
        return members.firstIndex { $0.label == value || $0.aliases.contains(value) }
    }
}

/// A record type: named fields, each with a slot, and the data checks on them.
public struct RecordType: Sendable {
    public let name: String
    public let label: String?
    /// What one element counts as when a list of these is counted (`person`).
    public let unit: Unit
    public internal(set) var fields: [Field]
    public internal(set) var checks: [DataCheck] = []
    var lookup: [String: Int]

    public func field(named name: String) -> Field? {
        lookup[name].map { fields[$0] }
    }

    public func slot(of name: String) -> Int? { lookup[name] }
}

/// A field of a record type.
public struct Field: Sendable {
    public let name: String
    public let slot: Int
    public let type: ValueType
    /// Whole numbers only (`int`).
    public let isInteger: Bool
    public let required: Bool
    public let nonEmpty: Bool
    public let label: String?
    public let aliases: [String]
    public let bounds: ClosedRange<Rational>?
    public let csv: CSVMapping
    /// Computed when the record leaves the field out.
    public internal(set) var defaultValue: TypedExpr?

    public enum CSVMapping: Sendable, Equatable {
        /// The column's name when the schema does not give one: the field path joined by `_`.
        case automatic
        case column(String)
        /// One row per element, columns prefixed `PREFIX_`.
        case rows(prefix: String)
        case none
    }
}

/// A check on the data of a record (`check … on field: condition`), reported
/// as a warning or an error naming the field when the condition is false.
public struct DataCheck: Sendable {
    public let name: String
    public let message: String
    public let isError: Bool
    /// The field path the message names, relative to the record.
    public let field: String
    public let condition: TypedExpr
}

extension Array {
    subscript(safe index: Int) -> Element? {
        indices.contains(index) ? self[index] : nil
    }
}
