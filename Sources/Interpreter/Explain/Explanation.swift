/// A decision told as a caseworker would read it to a family (`policy
/// explain`): the decision, the figures it rests on, each rule that decided
/// with the sentence of the source document it encodes, and what would
/// change the outcome: the nearest threshold of each deciding rule.
///
/// It reads a result evaluated with `explain` (its trace holds every rule's
/// outcome and inputs) and the checked policy (labels, citations, and the
/// conditions, to find the comparisons that make thresholds).
public struct Explanation: Sendable {
    public let policy: CheckedPolicy
    public let plan: Plan
    public let language: Language

    public init(policy: CheckedPolicy, plan: Plan, language: Language) {
        self.policy = policy
        self.plan = plan
        self.language = language
    }

    /// The narrative of one result (evaluated with `explain: true`).
    public func narrative(_ result: HouseholdResult) -> String {
        var lines: [String] = []
        let say = language.pick
        lines.append(say("Household `\(result.id ?? "?")`, policy `\(policy.metadata.id)`", "户 `\(result.id ?? "?")`，政策 `\(policy.metadata.id)`")
                     + (policy.metadata.title.map { say(" (\($0))", "（\($0)）") } ?? "")
                     + say(", as of \(result.asOf)", "，评估日期 \(result.asOf)"))
        lines.append(say("Decision: ", "结论：") + decisionText(result))
        if result.decision == .error {
            lines.append(say("The record could not be evaluated:", "这条记录无法评估："))
            lines += result.messages.map { "  " + $0 }
            return lines.joined(separator: "\n") + "\n"
        }
        let trace = Dictionary(result.trace.map { ("\($0.kind)/\($0.rule)", $0) }, uniquingKeysWith: { first, _ in first })
        let deciding = decidingRules(result, trace)
        let figures = self.figures(for: deciding.map(\.entry), trace)
        if !figures.isEmpty {
            lines.append("")
            lines.append(say("The figures:", "主要数字："))
            lines += figures.map { "  \($0.name)\(say(": ", "："))\($0.value)" }
        }
        for rule in deciding {
            lines.append("")
            lines.append(rule.heading)
            for citation in rule.provenance.citations {
                let place = [citation.document?.value, citation.location?.value].compactMap { $0 }.joined(separator: say(", ", "，"))
                lines.append(say("  Source: ", "  依据：") + "“\(citation.quote.value)”" + (place.isEmpty ? "" : say(" (\(place))", "（\(place)）")))
            }
            for assumption in rule.provenance.assumptions {
                lines.append(say("  Assumption (no source gives it): ", "  假定（来源文件未规定）：") + assumption.value)
            }
            // A rule that does not hold: the yes/no values it read that are false are the unmet parts.
            let unmet = rule.entry.outcome == "false" ? rule.entry.inputs.filter { $0.value == "false" }.map { "`\($0.name)`" } : []
            if !unmet.isEmpty {
                lines.append(say("  Not met: ", "  未满足：") + unmet.joined(separator: say(", ", "、")) + say(" is false", " 为否"))
            }
            if !rule.entry.missing.isEmpty {
                lines.append(say("  Missing data: ", "  缺少的数据：") + rule.entry.missing.joined(separator: say(", ", "、")))
            }
            for threshold in thresholds(of: rule.condition, trace) {
                lines.append("  " + threshold)
            }
        }
        // For a household taken in, what would keep it out: the exclusions that do not apply, and how near they are.
        if result.decision == .include {
            var nearest: [String] = []
            for exclusion in policy.exclusions where trace["exclude/\(exclusion.name)"]?.outcome == "false" {
                for threshold in thresholds(of: exclusion.condition, trace) {
                    nearest.append("  `\(exclusion.name)`" + (exclusion.label.map { say(" (\($0))", "（\($0)）") } ?? "") + say(": ", "：") + threshold)
                }
            }
            if !nearest.isEmpty {
                lines.append("")
                lines.append(say("Exclusions that do not apply, and their thresholds:", "不适用的排除情形及其门槛："))
                lines += nearest
            }
        }
        if !result.blockedBy.isEmpty, result.decision == .continue {
            lines.append("")
            lines.append(say("Risk elimination is blocked by: ", "风险消除受阻于：") + result.blockedBy.joined(separator: say(", ", "、")))
        }
        if !result.missing.isEmpty {
            lines.append("")
            lines.append(say("Data needed to decide: ", "作出结论还需要：") + result.missing.joined(separator: say(", ", "、")))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func decisionText(_ result: HouseholdResult) -> String {
        var text = language == .zh ? result.decision.chineseLabel : result.decision.rawValue
        if let category = result.category {
            let label = policy.categories.first { $0.name == category }?.label
            text += language.pick(", as `\(category)`", "，类别 `\(category)`") + (label.map { language.pick(" (\($0))", "（\($0)）") } ?? "")
        }
        if result.exception { text += language.pick(" (by the exception)", "（按例外情形）") }
        return text
    }

    /// A rule that made the decision, with what explains it.
    struct Deciding {
        let heading: String
        let entry: TraceEntry
        let provenance: Provenance
        let condition: TypedExpr
    }

    /// The rules that decided, in the order the decision takes them.
    func decidingRules(_ result: HouseholdResult, _ trace: [String: TraceEntry]) -> [Deciding] {
        var rules: [Deciding] = []
        let say = language.pick
        func named(_ name: String, _ label: String?) -> String { "`\(name)`" + (label.map { say(" (\($0))", "（\($0)）") } ?? "") }
        if trace["monitored/monitored"]?.outcome == "true" {
            for condition in policy.elimination {
                let kind = condition.kind == .require ? "require" : "forbid"
                guard let entry = trace["\(kind)/\(condition.name)"] else { continue }
                let holds = entry.outcome == "true"
                let blocks = condition.kind == .require ? !holds : holds
                let heading: String
                switch (condition.kind, blocks) {
                case (.require, false): heading = say("Condition met: ", "条件已满足：") + named(condition.name, condition.label)
                case (.require, true): heading = say("Condition not met (blocks elimination): ", "条件未满足（阻止风险消除）：") + named(condition.name, condition.label)
                case (_, true): heading = say("Situation present (blocks elimination): ", "存在情形（阻止风险消除）：") + named(condition.name, condition.label)
                case (_, false): heading = say("Situation absent: ", "不存在情形：") + named(condition.name, condition.label)
                }
                rules.append(Deciding(heading: heading, entry: entry, provenance: condition.provenance, condition: condition.condition))
            }
        } else {
            var matched = false
            for category in policy.categories {
                guard let entry = trace["category/\(category.name)"] else { continue }
                if entry.outcome == "true" {
                    rules.append(Deciding(heading: say("Meets the category ", "符合类别 ") + named(category.name, category.label),
                                          entry: entry, provenance: category.provenance, condition: category.condition))
                    matched = true
                    break
                }
                let heading = entry.outcome == "unknown"
                    ? say("Cannot tell whether it meets the category ", "无法判断是否符合类别 ") + named(category.name, category.label)
                    : say("Does not meet the category ", "不符合类别 ") + named(category.name, category.label)
                rules.append(Deciding(heading: heading, entry: entry, provenance: category.provenance, condition: category.condition))
            }
            guard matched else { return rules }
        }
        for exclusion in policy.exclusions {
            guard let entry = trace["exclude/\(exclusion.name)"], entry.outcome != "false" else { continue }
            let heading = entry.outcome == "true"
                ? say("Exclusion applies: ", "适用排除情形：") + named(exclusion.name, exclusion.label)
                : say("Exclusion may apply (data missing): ", "可能适用排除情形（数据不全）：") + named(exclusion.name, exclusion.label)
            rules.append(Deciding(heading: heading, entry: entry, provenance: exclusion.provenance, condition: exclusion.condition))
        }
        if result.exclusions.isEmpty == false || result.exception, let exception = policy.exception,
           let entry = trace["exception/\(exception.name)"] {
            let heading = entry.outcome == "true"
                ? say("The exception holds: ", "例外情形成立：") + named(exception.name, exception.label)
                : say("The exception does not hold: ", "例外情形不成立：") + named(exception.name, exception.label)
            rules.append(Deciding(heading: heading, entry: entry, provenance: exception.provenance, condition: exception.condition))
        }
        return rules
    }

    /// The values the deciding rules read, and the `let` values behind them, once each.
    func figures(for entries: [TraceEntry], _ trace: [String: TraceEntry]) -> [(name: String, value: String)] {
        var figures: [(name: String, value: String)] = []
        var seen: Set<String> = []
        func add(_ name: String, _ value: String, depth: Int) {
            guard seen.insert(name).inserted, depth < 4 else { return }
            if let derived = trace["let/\(name)"] {
                for input in derived.inputs { add(input.name, input.value, depth: depth + 1) }
            }
            // Lists of records are shown by the rule's trace; here only plain values.
            guard !value.hasPrefix("[") else { return }
            figures.append((name: name, value: readable(value)))
        }
        for entry in entries {
            for input in entry.inputs { add(input.name, input.value, depth: 0) }
        }
        return figures
    }

    // MARK: - Thresholds

    /// The comparisons of a condition (and of the `let` values it reads)
    /// between a value of the household and a parameter or constant (found as
    /// `policy diff` finds them), each told with the value that would turn it.
    func thresholds(of condition: TypedExpr, _ trace: [String: TraceEntry]) -> [String] {
        PolicyDiff.thresholds(in: condition, policy: policy, plan: plan).prefix(4).compactMap { describe($0, trace) }
    }

    /// `net_per_capita` 4,500 元/人/年 < `monitoring_line` 6,000 元/人/年: holds; at 6,000 or more it would not.
    func describe(_ threshold: PolicyDiff.Threshold, _ trace: [String: TraceEntry]) -> String? {
        let name = threshold.subject
        guard let shown = value(of: name, trace), let amount = Explanation.number(in: shown) else { return nil }
        let holds = PolicyDiff.holds(threshold.comparison, amount, threshold.value)
        let say = language.pick
        let symbols: [TypedBinary: String] = [.less: "<", .lessEqual: "≤", .greater: ">", .greaterEqual: "≥"]
        let bounds = readable(threshold.text)
        let statement = "`\(name)` \(readable(shown)) \(symbols[threshold.comparison] ?? "?") \(threshold.parameter.map { "`\($0)` " } ?? "")\(bounds)"
        let change: String
        switch (threshold.comparison, holds) {
        case (.less, true): change = say("it would not at \(bounds) or more", "达到 \(bounds) 及以上时不再成立")
        case (.lessEqual, true): change = say("it would not above \(bounds)", "超过 \(bounds) 时不再成立")
        case (.greater, true): change = say("it would not at \(bounds) or less", "不超过 \(bounds) 时不再成立")
        case (.greaterEqual, true): change = say("it would not below \(bounds)", "低于 \(bounds) 时不再成立")
        case (.less, false): change = say("it would below \(bounds)", "低于 \(bounds) 时成立")
        case (.lessEqual, false): change = say("it would at \(bounds) or less", "不超过 \(bounds) 时成立")
        case (.greater, false): change = say("it would above \(bounds)", "超过 \(bounds) 时成立")
        case (.greaterEqual, false): change = say("it would at \(bounds) or more", "达到 \(bounds) 及以上时成立")
        default: return nil
        }
        return say("Threshold: ", "门槛：") + statement + say(holds ? ": holds; " : ": does not hold; ", holds ? "，成立；" : "，不成立；") + change
    }

    /// What the trace shows for a name: a `let`'s outcome, or an input some rule read.
    func value(of name: String, _ trace: [String: TraceEntry]) -> String? {
        if let derived = trace["let/\(name)"] { return derived.outcome }
        for entry in trace.values.sorted(by: { $0.rule < $1.rule }) {
            if let input = entry.inputs.first(where: { $0.name == name }) { return input.value }
        }
        return nil
    }

    /// The number at the start of a shown value (`4500 yuan/person/year` → 4500).
    static func number(in shown: String) -> Rational? {
        guard let digits = numberPrefix(shown) else { return nil }
        guard case .success(let parsed) = Rational.parseDecimal(String(digits)) else { return nil }
        return parsed.value
    }

    // MARK: - Readable values

    /// A value as a reader expects it: thousands separated, and in Chinese
    /// the units in Chinese (`4500 yuan/person/year` → `4,500 元/人/年`).
    func readable(_ shown: String) -> String {
        guard let digits = Explanation.numberPrefix(shown) else { return shown }
        var rest = String(shown.dropFirst(digits.count))
        if language == .zh {
            for (english, chinese) in Explanation.chineseUnits { rest = rest.replacingAll(english, with: chinese) }
            rest = rest.replacingAll(" ", with: "")
            rest = rest.isEmpty ? "" : " " + rest
        }
        return Explanation.grouped(String(digits)) + rest
    }

    /// The number a shown value starts with (`-12.50` of `-12.50 yuan`), when
    /// it is one: a date (`2021-07-01`) or a name is not.
    static func numberPrefix(_ shown: String) -> Substring? {
        var index = shown.startIndex
        if index < shown.endIndex, shown[index] == "-" { index = shown.index(after: index) }
        let digitsStart = index
        while index < shown.endIndex, shown[index].isASCII, shown[index].isNumber { index = shown.index(after: index) }
        guard index > digitsStart else { return nil }
        if index < shown.endIndex, shown[index] == "." {
            let afterPoint = shown.index(after: index)
            var end = afterPoint
            while end < shown.endIndex, shown[end].isASCII, shown[end].isNumber { end = shown.index(after: end) }
            if end > afterPoint { index = end }
        }
        guard index == shown.endIndex || shown[index] == " " else { return nil }
        return shown[..<index]
    }

    static let chineseUnits = [("working days", "个工作日"), ("working day", "个工作日"), ("yuan", "元"), ("person", "人"),
                               ("year", "年"), ("months", "个月"), ("month", "个月"), ("days", "天"), ("day", "天"), ("mu", "亩")]

    /// `1234567.5` → `1,234,567.5`.
    public static func grouped(_ number: String) -> String {
        var whole = Substring(number)
        var sign = ""
        if whole.hasPrefix("-") { sign = "-"; whole = whole.dropFirst() }
        let parts = whole.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        var integer = Array(parts.first ?? "")
        var groups: [String] = []
        while integer.count > 3 {
            groups.insert(String(integer.suffix(3)), at: 0)
            integer.removeLast(3)
        }
        groups.insert(String(integer), at: 0)
        return sign + groups.joined(separator: ",") + (parts.count > 1 ? "." + parts[1] : "")
    }
}
