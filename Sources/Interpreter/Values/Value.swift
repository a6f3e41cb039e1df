/// A value during evaluation. `unknown` is a value like the others: it stands
/// for data the record does not give, and carries the field paths it came from
/// so that a `needs_data` result can say what to collect.
public enum Value: Sendable, Equatable {
    case unknown(Missing)
    case bool(Bool)
    case number(Rational)
    case text(String)
    case date(CivilDate)
    /// A whole number of the duration's unit (days, working days or months);
    /// the unit is known from the type.
    case duration(Int64)
    /// The index of a member of the value's enumeration.
    case enumeration(Int)
    case record(RecordValue)
    case list([Value])

    /// A field the record leaves out, before evaluation names its path.
    public static let absent = Value.unknown(Missing())

    public var isUnknown: Bool {
        if case .unknown = self { return true }
        return false
    }
}

/// The field paths an unknown value depends on, such as `members[0].labour`.
public struct Missing: Sendable, Equatable {
    public private(set) var paths: [String]

    public init(_ paths: [String] = []) { self.paths = paths }

    public init(path: String) { self.paths = [path] }

    public var isEmpty: Bool { paths.isEmpty }

    /// Both sets of paths, each once, in first-seen order.
    public func union(_ other: Missing) -> Missing {
        if other.paths.isEmpty { return self }
        if paths.isEmpty { return other }
        var merged = paths
        for path in other.paths where !merged.contains(path) { merged.append(path) }
        return Missing(merged)
    }
}

/// The fields of one record, by slot (the field's position in its record type).
public struct RecordValue: Sendable, Equatable {
    public var fields: [Value]

    public init(fields: [Value]) { self.fields = fields }

    public subscript(slot: Int) -> Value {
        slot >= 0 && slot < fields.count ? fields[slot] : .absent
    }
}
