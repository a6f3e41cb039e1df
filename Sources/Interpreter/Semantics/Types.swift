/// The unit of a number, as powers of the three dimensions money rules need:
/// yuan, person and year. `6000 yuan/person/year` is yuan¹·person⁻¹·year⁻¹;
/// a count of members is person¹; a plain number has no dimension.
///
/// Units make `policy check` refuse to compare a household's total income with
/// a per-person line, or money with a count.
public struct Unit: Hashable, Sendable, CustomStringConvertible {
    public var yuan: Int8
    public var person: Int8
    public var year: Int8

    public init(yuan: Int8 = 0, person: Int8 = 0, year: Int8 = 0) {
        self.yuan = yuan
        self.person = person
        self.year = year
    }

    public static let none = Unit()
    public static let yuan = Unit(yuan: 1)
    public static let person = Unit(person: 1)

    public var isNone: Bool { self == .none }
    /// Amounts with a yuan dimension are money: read with at most two decimals.
    public var isMoney: Bool { yuan != 0 }

    public static func * (lhs: Unit, rhs: Unit) -> Unit {
        Unit(yuan: lhs.yuan &+ rhs.yuan, person: lhs.person &+ rhs.person, year: lhs.year &+ rhs.year)
    }

    public static func / (lhs: Unit, rhs: Unit) -> Unit {
        Unit(yuan: lhs.yuan &- rhs.yuan, person: lhs.person &- rhs.person, year: lhs.year &- rhs.year)
    }

    /// `yuan/person/year`, `person`, `yuan²`, or `number` for no unit.
    public var description: String {
        let parts: [(String, Int8)] = [("yuan", yuan), ("person", person), ("year", year)]
        func power(_ name: String, _ exponent: Int8) -> String {
            exponent == 1 ? name : "\(name)^\(exponent)"
        }
        let numerator = parts.filter { $0.1 > 0 }.map { power($0.0, $0.1) }
        let denominator = parts.filter { $0.1 < 0 }.map { power($0.0, -$0.1) }
        if numerator.isEmpty && denominator.isEmpty { return "number" }
        let top = numerator.isEmpty ? "1" : numerator.joined(separator: "·")
        return ([top] + denominator).joined(separator: "/")
    }
}

/// The unit of a duration. Durations of different units never compare: a month
/// is not a fixed number of days, and working days depend on a calendar.
public enum DurationUnit: String, Hashable, Sendable {
    case days, workingDays = "working days", months
}

/// The type of a value in the language.
public indirect enum ValueType: Hashable, Sendable {
    case bool
    case text
    case date
    /// An exact number with a unit (`Unit.none` for plain numbers and counts).
    case number(Unit)
    case duration(DurationUnit)
    /// An enumeration of the schema, by index.
    case enumeration(Int)
    /// A record type of the schema, by index.
    case record(Int)
    case list(ValueType)
    /// The type of an expression that already has an error: it agrees with
    /// everything, so one mistake gives one message.
    case error

    public var isError: Bool {
        if case .error = self { return true }
        return false
    }

    public var elementType: ValueType? {
        if case .list(let element) = self { return element }
        return nil
    }
}
