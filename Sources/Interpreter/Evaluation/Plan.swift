/// A checked policy compiled for evaluation: parameters computed once, field
/// paths resolved to slots, each operation chosen. Evaluating a household
/// walks these nodes and does no name lookup. A class: it is shared, never
/// changed, and handing it on costs one reference count, not one per part.
public final class Plan: Sendable {
    public let metadata: PolicyMetadata
    public let schema: Schema
    public let parameters: [(name: String, value: Value)]
    public let derived: [PlannedValue]
    public let categories: [PlannedRule]
    public let exclusions: [PlannedRule]
    public let exception: PlannedRule?
    public let monitored: PlannedMonitored?
    public let elimination: [PlannedCondition]
    /// The data checks and defaults of each record type of the schema.
    public let recordRules: [PlannedRecordRules]
    public let alerts: [PlannedAlert]
    public let procedures: [PlannedProcedure]
    public let calendar: WorkingCalendar?
    /// The deepest nesting of quantifiers, to size the variable stack once.
    public let maxVariables: Int
    /// The schema's tables for the fast reader, made once per plan.
    let recordTables: FastRecordDecoder.Tables

    init(metadata: PolicyMetadata, schema: Schema, parameters: [(name: String, value: Value)], derived: [PlannedValue],
         categories: [PlannedRule], exclusions: [PlannedRule], exception: PlannedRule?, monitored: PlannedMonitored?,
         elimination: [PlannedCondition], recordRules: [PlannedRecordRules], alerts: [PlannedAlert], procedures: [PlannedProcedure],
         calendar: WorkingCalendar?, maxVariables: Int) {
        self.metadata = metadata
        self.schema = schema
        self.parameters = parameters
        self.derived = derived
        self.categories = categories
        self.exclusions = exclusions
        self.exception = exception
        self.monitored = monitored
        self.elimination = elimination
        self.recordRules = recordRules
        self.alerts = alerts
        self.procedures = procedures
        self.calendar = calendar
        self.maxVariables = maxVariables
        recordTables = FastRecordDecoder.Tables(schema)
    }
}

public struct PlannedAlert: Sendable {
    public let name: String
    public let label: String?
    public let department: String
    /// The dated list, the filter (element bound as variable 0) and the date slot.
    public let trigger: (list: PlanNode, filter: PlanNode?, dateSlot: Int)?
    public let condition: PlanNode?
    public let schedules: [(interval: ScheduleInterval, guardCondition: PlanNode?)]
    public let months: (first: Int, last: Int)?
    public let inputs: [TraceInput]
}

public struct PlannedProcedure: Sendable {
    public let name: String
    public let label: String?
    public let decisions: Set<DecisionKind>
    public let start: PlanNode?
    public let steps: [PlannedStep]
    public let deadline: Duration?
    public let greenChannel: PlanNode?
    public let greenChannelInputs: [TraceInput]
}

public struct PlannedStep: Sendable {
    public let name: String
    public let label: String?
    public let duration: Duration?
    public let alongside: Int?
    public let skipWhen: PlanNode?
    public let skipInputs: [TraceInput]
    public let fixedDate: CivilDate?
}

public struct PlannedValue: Sendable {
    public let name: String
    public let node: PlanNode
    public let type: ValueType
    /// The names the value reads directly, shown by `--explain`.
    public let inputs: [TraceInput]
}

public struct PlannedRule: Sendable {
    public let name: String
    public let label: String?
    public let condition: PlanNode
    /// The names the condition reads (values, parameters, fields), shown by `--explain`.
    public let inputs: [TraceInput]
}

public struct PlannedMonitored: Sendable {
    public let condition: PlanNode
    public let category: PlanNode?
    public let categoryOfMember: [Int?]
    public let inputs: [TraceInput]
}

public struct PlannedCondition: Sendable {
    public let kind: EliminationCondition.Kind
    public let name: String
    public let label: String?
    public let condition: PlanNode
    public let inputs: [TraceInput]
}

public struct PlannedRecordRules: Sendable {
    /// (slot, expression) for fields computed when absent.
    public let defaults: [(slot: Int, node: PlanNode)]
    public let checks: [(check: DataCheck, node: PlanNode)]
    /// Fields holding records or lists of records, whose own rules apply in turn.
    public let nested: [(slot: Int, record: Int, isList: Bool)]
}

/// A name a rule reads, and how to get its value for a trace.
public struct TraceInput: Sendable {
    public let name: String
    public let node: PlanNode
    public let type: ValueType
}

public enum ComparisonOperator: Sendable {
    case equal, notEqual, less, lessEqual, greater, greaterEqual

    /// Whether `x op y` holds, for an ordering operator (`equal` and `notEqual` too).
    @inline(__always)
    func orders<T: Comparable>(_ x: T, _ y: T) -> Bool {
        switch self {
        case .equal: return x == y
        case .notEqual: return x != y
        case .less: return x < y
        case .lessEqual: return x <= y
        case .greater: return x > y
        case .greaterEqual: return x >= y
        }
    }
}

public enum ArithmeticOperator: Sendable { case add, subtract, multiply, divide }

/// One node of a plan.
public indirect enum PlanNode: Sendable {
    case constant(Value)
    case today
    /// A `let`, computed at most once per household.
    case derived(Int)
    /// Slots from the household; `path` names it in `missing`.
    case rootPath([Int], path: String)
    /// Slots from the record a schema check is declared in.
    case currentPath([Int], path: String)
    /// Slots from a quantifier's variable; `suffix` follows the variable's own path.
    case variablePath(depth: Int, [Int], suffix: String)
    case member(PlanNode, slot: Int, name: String)
    case not(PlanNode)
    case negateNumber(PlanNode)
    case negateDuration(PlanNode)
    case and(PlanNode, PlanNode)
    case or(PlanNode, PlanNode)
    case compare(ComparisonOperator, PlanNode, PlanNode)
    case contains(element: PlanNode, list: PlanNode, negated: Bool)
    case arithmetic(ArithmeticOperator, PlanNode, PlanNode)
    case shiftDate(PlanNode, by: PlanNode, unit: DurationUnit, negative: Bool)
    case durationArithmetic(subtract: Bool, PlanNode, PlanNode)
    case scaleDuration(PlanNode, by: PlanNode)
    case conditional(PlanNode, PlanNode, PlanNode)
    case otherwise(PlanNode, PlanNode)
    case call(Builtin, [PlanNode])
    case quantifier(QuantifierKind, depth: Int, list: PlanNode, filter: PlanNode?, body: PlanNode?, zero: Value)
    case list([PlanNode])
}
