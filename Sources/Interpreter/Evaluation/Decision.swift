/// What the policy decides for one household (`evaluation-output.md`).
public enum DecisionKind: String, Sendable, CaseIterable {
    case include, exclude
    case notEligible = "not_eligible"
    case `continue`, eliminate, remove
    case needsData = "needs_data"
    case error

    /// Its place in the order decisions are listed in.
    public var order: Int { DecisionKind.allCases.firstIndex(of: self) ?? 0 }

    /// What a caseworker calls the decision.
    public var chineseLabel: String {
        switch self {
        case .include: return "纳入监测"
        case .exclude: return "不纳入（排除）"
        case .notEligible: return "不符合条件"
        case .continue: return "继续监测"
        case .eliminate: return "风险消除"
        case .remove: return "清退"
        case .needsData: return "需补充数据"
        case .error: return "记录有误"
        }
    }
}

/// The result for one household: the decision and everything that explains it.
public struct HouseholdResult: Sendable {
    public var id: String?
    /// The line (JSON Lines, JSON) or first row (CSV) of the record in its input.
    public var line: Int?
    public var policy: String
    public var asOf: CivilDate
    public var decision: DecisionKind
    /// The monitored category for `include`, `continue` and `eliminate`.
    public var category: String?
    /// The first category whose conditions hold, whatever the decision.
    public var matchedCategory: String?
    public var exclusions: [String] = []
    public var exception = false
    public var eliminationEligible = false
    public var blockedBy: [String] = []
    public var missing: [String] = []
    public var alerts: [AlertResult] = []
    /// The steps of the procedure still ahead, with their due dates.
    public var procedure: [StepResult] = []
    public var greenChannel = false
    public var warnings: [String] = []
    public var messages: [String] = []
    public var trace: [TraceEntry] = []
    /// Where the household lives, as its record states (for reports by place;
    /// not part of the written result).
    public var township: String?
    public var village: String?

    public init(id: String?, line: Int?, policy: String, asOf: CivilDate, decision: DecisionKind) {
        self.id = id
        self.line = line
        self.policy = policy
        self.asOf = asOf
        self.decision = decision
    }
}

/// An alert that fired: which department must push it, and by when.
public struct AlertResult: Sendable, Equatable {
    public let rule: String
    public let label: String?
    public let department: String
    public let due: CivilDate
    /// The screening interval that gave the due date, as written.
    public let interval: String
    /// The date of the event that fired it, if an event did.
    public let eventDate: CivilDate?
    /// The due date is before the as-of date.
    public let overdue: Bool
}

/// A step of a procedure and the date it is due.
public struct StepResult: Sendable, Equatable {
    public let procedure: String
    public let step: String
    public let label: String?
    public let due: CivilDate
    /// The due date is before the as-of date (a fixed date already passed).
    public let overdue: Bool
}

/// One rule as `--explain` shows it: what it is, what it read and what it gave.
public struct TraceEntry: Sendable, Equatable {
    public let kind: String
    public let rule: String
    public let label: String?
    /// `true`, `false` or `unknown`.
    public let outcome: String
    public let inputs: [Input]
    public let missing: [String]

    public struct Input: Sendable, Equatable {
        public let name: String
        public let value: String
    }
}
