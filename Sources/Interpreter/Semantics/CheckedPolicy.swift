import Lexer

/// A policy that passed `policy check`: names resolved, types and units
/// agreeing, ready to be planned and evaluated.
public struct CheckedPolicy: Sendable {
    public let metadata: PolicyMetadata
    public let schema: Schema
    public let parameters: [CheckedValue]
    public let derived: [CheckedValue]
    public let categories: [CheckedRule]
    public let exclusions: [CheckedRule]
    public let exception: CheckedRule?
    public let monitored: CheckedMonitored?
    public let elimination: [CheckedEliminationCondition]
    public let alerts: [CheckedAlert]
    public let procedures: [CheckedProcedure]
    public let calendar: WorkingCalendar?
    public let file: SourceFile
    /// The tests written in the policy's own file (not its base's).
    public let tests: [CheckedTest]
}

/// A whole number of days, working days or months.
public struct Duration: Sendable, Equatable, CustomStringConvertible {
    public let amount: Int64
    public let unit: DurationUnit

    public var description: String { "\(amount) \(unit.rawValue)" }
}

/// An alert: which department, when it fires, and by when it is due.
public struct CheckedAlert: Sendable {
    public let name: String
    public let label: String?
    public let department: String
    public let trigger: CheckedTrigger?
    public let condition: TypedExpr?
    public let schedules: [CheckedSchedule]
    /// The months of the year it applies in (first may be after last: `11..2`).
    public let months: (first: Int, last: Int)?
    public let provenance: Provenance
}

/// `on e in events where …`: the dated elements that fire an alert.
public struct CheckedTrigger: Sendable {
    public let list: TypedExpr
    /// Checked with the element as variable 0.
    public let filter: TypedExpr?
    /// The slot of the element's `date` field.
    public let dateSlot: Int
}

public enum ScheduleInterval: Sendable, Equatable {
    case within(Duration)
    case every(Duration)
    case halfMonth
    case month(byDay: Int?)
    case nextMonth(byDay: Int)
    case quarter
    case immediately

    /// Whether the due date depends on the date of the event that fired the
    /// alert (the others count from the evaluation date only).
    var countsFromTheEvent: Bool {
        switch self {
        case .within, .nextMonth: return true
        case .every, .halfMonth, .month, .quarter, .immediately: return false
        }
    }

    /// As written in the policy, for results and traces.
    public var text: String {
        switch self {
        case .within(let duration): return "within \(duration)"
        case .every(let duration): return "every \(duration)"
        case .halfMonth: return "every half month"
        case .month(let day?): return "every month by day \(day)"
        case .month(nil): return "every month"
        case .nextMonth(let day): return "next month by day \(day)"
        case .quarter: return "every quarter"
        case .immediately: return "immediately"
        }
    }
}

public struct CheckedSchedule: Sendable {
    public let interval: ScheduleInterval
    public let guardCondition: TypedExpr?
}

/// A procedure: its steps, for households with the decisions it applies to.
public struct CheckedProcedure: Sendable {
    public let name: String
    public let label: String?
    /// Decision names (`include`, `eliminate`, …).
    public let decisions: [String]
    public let start: TypedExpr?
    public let steps: [CheckedStep]
    public let deadline: Duration?
    public let greenChannel: TypedExpr?
    public let provenance: Provenance
}

public struct CheckedStep: Sendable {
    public let name: String
    public let label: String?
    public let duration: Duration?
    /// The index of the earlier step it runs alongside.
    public let alongside: Int?
    public let skipWhen: TypedExpr?
    public let fixedDate: CivilDate?
    public let provenance: Provenance
}

/// What the header says.
public struct PolicyMetadata: Sendable {
    public let id: String
    public let title: String?
    public let region: [String]
    public let year: Int?
    public let schemaID: String
    public let document: String?
    /// The policy this one extends, if any.
    public let base: String?
    public let calendarID: String?
}

/// A `param` or a `let`.
public struct CheckedValue: Sendable {
    public let name: String
    public let expression: TypedExpr
    public let provenance: Provenance
    public let range: SourceRange
}

/// A category, an exclusion or the exception.
public struct CheckedRule: Sendable {
    public let name: String
    public let label: String?
    public let condition: TypedExpr
    public let provenance: Provenance
    public let range: SourceRange
}

/// How to tell an already-monitored household, and its category.
public struct CheckedMonitored: Sendable {
    public let condition: TypedExpr
    /// Gives a member of an enumeration whose member names are category names.
    public let category: TypedExpr?
    /// For each member of that enumeration, the index of the policy category of the same name.
    public let categoryOfMember: [Int?]
    public let provenance: Provenance
}

public struct CheckedEliminationCondition: Sendable {
    public let kind: EliminationCondition.Kind
    public let name: String
    public let label: String?
    public let condition: TypedExpr
    public let provenance: Provenance
    public let range: SourceRange
}
