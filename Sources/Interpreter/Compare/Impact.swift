/// Whom a change of policy affects (`policy impact --from OLD --to NEW`):
/// every household evaluated under both, and the households whose decision
/// or category moves, with the rule that made the difference. Only counts
/// are kept, so memory does not grow with the input.
public struct ImpactOutcome: Sendable {
    public let id: String?
    public let line: Int?
    public let township: String?
    public let village: String?
    public let old: HouseholdResult
    public let new: HouseholdResult

    public init(old: HouseholdResult, new: HouseholdResult) {
        self.id = new.id ?? old.id
        self.line = new.line ?? old.line
        self.township = new.township ?? old.township
        self.village = new.village ?? old.village
        self.old = old
        self.new = new
    }

    /// The category a result states, or the one that matched.
    static func category(_ result: HouseholdResult) -> String? { result.category ?? result.matchedCategory }

    /// Whether the household's decision or category differs.
    public var moves: Bool {
        old.decision != new.decision || ImpactOutcome.category(old) != ImpactOutcome.category(new)
    }

    /// `include → not_eligible`.
    public var transition: String { "\(old.decision.rawValue) → \(new.decision.rawValue)" }

    /// The rules that made the difference, in the order a decision takes them.
    public func reasons(in language: Language = .en) -> [String] {
        var reasons: [String] = []
        let say = language.pick
        let before = ImpactOutcome.category(old), after = ImpactOutcome.category(new)
        if before != after {
            switch (before, after) {
            case let (was?, now?): reasons.append(say("category `\(was)` → `\(now)`", "类别 `\(was)` → `\(now)`"))
            case let (was?, nil): reasons.append(say("category `\(was)` no longer holds", "不再符合类别 `\(was)`"))
            case let (nil, now?): reasons.append(say("category `\(now)` now holds", "现符合类别 `\(now)`"))
            default: break
            }
        }
        for name in new.exclusions where !old.exclusions.contains(name) {
            reasons.append(say("exclusion `\(name)` now applies", "排除情形 `\(name)` 现适用"))
        }
        for name in old.exclusions where !new.exclusions.contains(name) {
            reasons.append(say("exclusion `\(name)` no longer applies", "排除情形 `\(name)` 不再适用"))
        }
        if old.exception != new.exception {
            reasons.append(new.exception ? say("the exception now holds", "例外情形现成立") : say("the exception no longer holds", "例外情形不再成立"))
        }
        // What blocks elimination matters only to a household already monitored.
        let monitored: Set<DecisionKind> = [.continue, .eliminate]
        let elimination = monitored.contains(old.decision) || monitored.contains(new.decision)
        for name in new.blockedBy where elimination && !old.blockedBy.contains(name) {
            reasons.append(say("elimination condition `\(name)` now blocks", "风险消除条件 `\(name)` 现阻止消除"))
        }
        for name in old.blockedBy where elimination && !new.blockedBy.contains(name) {
            reasons.append(say("elimination condition `\(name)` no longer blocks", "风险消除条件 `\(name)` 不再阻止消除"))
        }
        if reasons.isEmpty, !new.missing.isEmpty || !old.missing.isEmpty {
            reasons.append(say("missing data: ", "缺少数据：") + (new.missing.isEmpty ? old.missing : new.missing).joined(separator: ", "))
        }
        if reasons.isEmpty, new.decision == .error || old.decision == .error {
            reasons.append(say("the record is an error under one policy", "记录在其中一个政策下有误"))
        }
        return reasons
    }
}

/// The counts of an impact run.
public struct ImpactSummary: Sendable {
    public private(set) var households = 0
    public private(set) var movers = 0
    /// Every household by `old → new` decision, movers or not.
    public private(set) var transitions: [String: Int] = [:]
    /// Movers by `old category → new category`.
    public private(set) var categories: [String: Int] = [:]
    /// Exclusions that start or stop applying: `+deposits`, `-vehicle`.
    public private(set) var exclusions: [String: Int] = [:]
    /// Movers by township, and by township and village, then by transition.
    public private(set) var townships: [String: [String: Int]] = [:]
    public private(set) var villages: [String: [String: Int]] = [:]

    public init() {}

    public mutating func add(_ outcome: ImpactOutcome) {
        households += 1
        transitions[outcome.transition, default: 0] += 1
        for name in outcome.new.exclusions where !outcome.old.exclusions.contains(name) { exclusions["+" + name, default: 0] += 1 }
        for name in outcome.old.exclusions where !outcome.new.exclusions.contains(name) { exclusions["-" + name, default: 0] += 1 }
        guard outcome.moves else { return }
        movers += 1
        categories["\(ImpactOutcome.category(outcome.old) ?? "–") → \(ImpactOutcome.category(outcome.new) ?? "–")", default: 0] += 1
        let township = outcome.township ?? "?"
        townships[township, default: [:]][outcome.transition, default: 0] += 1
        villages["\(township) \(outcome.village ?? "?")", default: [:]][outcome.transition, default: 0] += 1
    }

    /// Rows sorted by count, largest first, then by name.
    public static func sorted(_ counts: [String: Int]) -> [(key: String, count: Int)] {
        counts.map { (key: $0.key, count: $0.value) }.sorted { $0.count != $1.count ? $0.count > $1.count : $0.key < $1.key }
    }
}
