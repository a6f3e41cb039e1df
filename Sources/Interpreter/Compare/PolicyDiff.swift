import Foundation
import Lexer

/// What changed between two policies (`policy diff OLD NEW`), compared after
/// inheritance is resolved, so that a change a county inherits from its
/// province counts: parameters with their old and new values, rules, values,
/// alerts and procedures added, removed or changed. For a changed condition
/// of a category, an exclusion, the exception or an elimination condition,
/// it says whether the new one admits more households (wider), fewer
/// (narrower) or neither can be said, with an example: a value of the
/// household that one admits and the other does not, found from the
/// thresholds that changed.
public struct PolicyDiff: Sendable {
    /// One side of the comparison.
    public struct Side: Sendable {
        public let policy: CheckedPolicy
        public let plan: Plan
        public let resolved: ResolvedPolicy

        public init(policy: CheckedPolicy, plan: Plan, resolved: ResolvedPolicy) {
            self.policy = policy
            self.plan = plan
            self.resolved = resolved
        }
    }

    public struct ParameterChange: Sendable, Equatable {
        public let name: String
        /// nil: absent on that side.
        public let old: String?
        public let new: String?
    }

    public enum Direction: String, Sendable {
        /// The new condition holds for more households.
        case wider
        /// The new condition holds for fewer households.
        case narrower
        /// Some households gain and others lose, or it cannot be told.
        case neither
    }

    public struct ItemChange: Sendable {
        /// `category`, `exclude`, `exception`, `monitored`, `require`, `forbid`, `let`, `alert`, `procedure`.
        public let kind: String
        public let name: String
        public let label: String?
        /// The condition (or the declaration) as written; nil: absent on that side.
        public let old: String?
        public let new: String?
        /// For a changed condition: wider, narrower or neither; nil for other items.
        public var direction: Direction?
        /// Why the condition changed when its text did not: the parameters it reads.
        public var through: [String] = []
        /// A household value one side admits and the other does not.
        public var example: Example?
    }

    /// `net_per_capita` = 6000 yuan/person/year: the new condition holds and the old does not.
    public struct Example: Sendable, Equatable {
        public let subject: String
        public let value: String
        /// Whether the new condition is the one that holds for it.
        public let newHolds: Bool
    }

    public let oldID: String
    public let newID: String
    public let parameters: [ParameterChange]
    public let items: [ItemChange]

    public var isEmpty: Bool { parameters.isEmpty && items.isEmpty }

    // MARK: - Comparing

    public static func compare(_ old: Side, _ new: Side) -> PolicyDiff {
        let oldValues = parameterTexts(old)
        let newValues = parameterTexts(new)
        var parameters: [ParameterChange] = []
        for name in orderedUnion(old.plan.parameters.map(\.name), new.plan.parameters.map(\.name)) where oldValues[name] != newValues[name] {
            parameters.append(ParameterChange(name: name, old: oldValues[name], new: newValues[name]))
        }
        let changedParameters = Set(parameters.map(\.name))

        let oldItems = items(of: old), newItems = items(of: new)
        var changes: [ItemChange] = []
        for key in orderedUnion(oldItems.map(\.key), newItems.map(\.key)) {
            let before = oldItems.first { $0.key == key }, after = newItems.first { $0.key == key }
            let parts = key.split(separator: " ", maxSplits: 1).map(String.init)
            let kind = parts[0], name = parts.count > 1 ? parts[1] : ""
            var change = ItemChange(kind: kind, name: name, label: after?.label ?? before?.label, old: before?.text, new: after?.text)
            guard let before, let after else {
                changes.append(change)
                continue
            }
            let oldCondition = condition(kind: kind, name: name, in: old.policy)
            let newCondition = condition(kind: kind, name: name, in: new.policy)
            if before.text != after.text {
                if let oldCondition, let newCondition {
                    (change.direction, change.example) = direction(oldCondition, old, newCondition, new)
                }
                changes.append(change)
                continue
            }
            // The same text: changed only if a parameter it reads (through its values) did.
            guard let oldCondition, let newCondition else { continue }
            let read = parametersRead(by: oldCondition, in: old.policy).intersection(changedParameters)
            guard !read.isEmpty else { continue }
            change.through = read.sorted()
            (change.direction, change.example) = direction(oldCondition, old, newCondition, new)
            changes.append(change)
        }
        return PolicyDiff(oldID: old.policy.metadata.id, newID: new.policy.metadata.id, parameters: parameters, items: changes)
    }

    static func orderedUnion(_ first: [String], _ second: [String]) -> [String] {
        var seen: Set<String> = []
        return (first + second).filter { seen.insert($0).inserted }
    }

    static func parameterTexts(_ side: Side) -> [String: String] {
        let formatter = ValueFormatter(schema: side.plan.schema)
        var texts: [String: String] = [:]
        for (index, parameter) in side.plan.parameters.enumerated() {
            let type = index < side.policy.parameters.count ? side.policy.parameters[index].expression.type : .error
            texts[parameter.name] = formatter.text(parameter.value, type)
        }
        return texts
    }

    /// The items of a resolved policy but its parameters, as `kind name` and their text.
    static func items(of side: Side) -> [(key: String, label: String?, text: String)] {
        var result: [(key: String, label: String?, text: String)] = []
        for item in side.resolved.items {
            var declaration = item.declaration
            if case .override(let inner, _) = declaration { declaration = inner }
            func text(_ range: SourceRange) -> String { normalized(item.file.text(range.start..<range.end)) }
            switch declaration {
            case .value(let value) where value.kind == .let:
                result.append(("let \(value.name.text)", nil, text(value.value.range)))
            case .rule(let rule):
                let name = rule.kind == .monitored ? "monitored" : rule.name.text
                result.append(("\(rule.kind.rawValue) \(name)", rule.label?.value, rule.condition.map { text($0.range) } ?? ""))
            case .eliminate(let block):
                for condition in block.conditions {
                    result.append(("\(condition.kind.rawValue) \(condition.name.text)", condition.label?.value, text(condition.condition.range)))
                }
            case .alert(let alert):
                result.append(("alert \(alert.name.text)", alert.label?.value, text(alert.range)))
            case .procedure(let procedure):
                result.append(("procedure \(procedure.name.text)", procedure.label?.value, text(procedure.range)))
            default:
                continue
            }
        }
        return result
    }

    /// Text with its runs of white space and comments made one space, so that layout is no change.
    static func normalized(_ text: String) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> Substring in
            var inString = false
            for (offset, character) in line.enumerated() {
                if character == "\"" { inString.toggle() }
                if character == "#", !inString { return line.prefix(offset) }
            }
            return line
        }
        return lines.joined(separator: " ").split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }

    /// The checked condition of a rule-like item.
    static func condition(kind: String, name: String, in policy: CheckedPolicy) -> TypedExpr? {
        switch kind {
        case "category": return policy.categories.first { $0.name == name }?.condition
        case "exclude": return policy.exclusions.first { $0.name == name }?.condition
        case "exception": return policy.exception?.name == name ? policy.exception?.condition : nil
        case "monitored": return policy.monitored?.condition
        case "require", "forbid": return policy.elimination.first { $0.name == name }?.condition
        case "let": return policy.derived.first { $0.name == name }?.expression
        default: return nil
        }
    }

    /// The parameters an expression reads, directly or through `let` values.
    static func parametersRead(by expression: TypedExpr, in policy: CheckedPolicy) -> Set<String> {
        var names: Set<String> = []
        var visited: Set<Int> = []
        func walk(_ expression: TypedExpr) {
            switch expression.kind {
            case .parameter(let index): if index < policy.parameters.count { names.insert(policy.parameters[index].name) }
            case .derived(let index):
                guard visited.insert(index).inserted, index < policy.derived.count else { return }
                walk(policy.derived[index].expression)
            default: children(of: expression).forEach(walk)
            }
        }
        walk(expression)
        return names
    }

    static func children(of expression: TypedExpr) -> [TypedExpr] {
        switch expression.kind {
        case .member(let base, _): return [base]
        case .unary(_, let operand): return [operand]
        case .binary(_, let left, let right): return [left, right]
        case .conditional(let a, let b, let c): return [a, b, c]
        case .otherwise(let a, let b): return [a, b]
        case .call(_, let arguments): return arguments
        case .quantifier(_, _, let list, let filter, let body): return [list] + [filter, body].compactMap { $0 }
        case .list(let elements): return elements
        default: return []
        }
    }

    // MARK: - Wider or narrower

    /// A comparison between a value of the household and a threshold, as found in a condition.
    struct Threshold {
        /// The household's side, named (`net_per_capita`, `assets.deposits`).
        let subject: String
        let comparison: TypedBinary
        let value: Rational
        let unit: String
        /// The parameter that sets the threshold (nil for a number written in the rule).
        let parameter: String?
        /// The threshold as shown: `6000 yuan/person/year`.
        let text: String
        /// Under an odd number of `not`: the condition holds when the comparison does not.
        let negated: Bool
    }

    /// Whether the new condition admits more or fewer households, from the
    /// thresholds of the two: when both conditions compare the same values in
    /// the same way and only thresholds moved, the direction and an example
    /// follow from the moved threshold; otherwise it cannot be told.
    static func direction(_ old: TypedExpr, _ oldSide: Side, _ new: TypedExpr, _ newSide: Side) -> (Direction?, Example?) {
        let before = thresholds(in: old, policy: oldSide.policy, plan: oldSide.plan)
        let after = thresholds(in: new, policy: newSide.policy, plan: newSide.plan)
        guard before.count == after.count, !before.isEmpty else { return (.neither, nil) }
        var direction: Direction?
        var example: Example?
        for (a, b) in zip(before, after) {
            guard a.subject == b.subject, a.comparison == b.comparison, a.negated == b.negated else { return (.neither, nil) }
            if a.value == b.value { continue }
            // The household value at one threshold or the other is where the two differ.
            for candidate in [a.value, b.value] {
                let oldHolds = holds(a.comparison, candidate, a.value) != a.negated
                let newHolds = holds(b.comparison, candidate, b.value) != b.negated
                guard oldHolds != newHolds else { continue }
                let moved: Direction = newHolds ? .wider : .narrower
                if let known = direction, known != moved { return (.neither, nil) }
                direction = moved
                let shown = "\(candidate)" + (a.unit.isEmpty ? "" : " \(a.unit)")
                example = example ?? Example(subject: a.subject, value: shown, newHolds: newHolds)
                break
            }
        }
        return (direction ?? .neither, example)
    }

    static func holds(_ comparison: TypedBinary, _ left: Rational, _ right: Rational) -> Bool {
        switch comparison {
        case .less: return left < right
        case .lessEqual: return left <= right
        case .greater: return left > right
        case .greaterEqual: return left >= right
        case .equal: return left == right
        case .notEqual: return left != right
        default: return false
        }
    }

    /// Comparisons of a named household value with a parameter or a constant,
    /// in the condition and the `let` values it reads, in order.
    static func thresholds(in expression: TypedExpr, policy: CheckedPolicy, plan: Plan) -> [Threshold] {
        var found: [Threshold] = []
        var visited: Set<Int> = []
        let formatter = ValueFormatter(schema: plan.schema)
        func subject(_ expression: TypedExpr) -> String? {
            switch expression.kind {
            case .derived(let index): return index < policy.derived.count ? policy.derived[index].name : nil
            case .path(.root, let steps): return steps.map(\.name).joined(separator: ".")
            case .otherwise(let primary, _): return subject(primary)
            default: return nil
            }
        }
        func bound(_ expression: TypedExpr) -> (value: Rational, unit: String, parameter: String?, text: String)? {
            let value: Value
            var parameter: String?
            switch expression.kind {
            case .parameter(let index):
                guard index < plan.parameters.count else { return nil }
                value = plan.parameters[index].value
                parameter = plan.parameters[index].name
            case .constant(let constant): value = constant
            default: return nil
            }
            guard case .number(let number) = value else { return nil }
            let text = formatter.text(value, expression.type)
            let unit = text.split(separator: " ", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
            return (number, unit, parameter, text)
        }
        func walk(_ expression: TypedExpr, negated: Bool) {
            switch expression.kind {
            case .binary(let op, let left, let right) where [.less, .lessEqual, .greater, .greaterEqual].contains(op):
                if let name = subject(left), let limit = bound(right) {
                    found.append(Threshold(subject: name, comparison: op, value: limit.value, unit: limit.unit,
                                           parameter: limit.parameter, text: limit.text, negated: negated))
                } else if let name = subject(right), let limit = bound(left) {
                    found.append(Threshold(subject: name, comparison: mirrored(op), value: limit.value, unit: limit.unit,
                                           parameter: limit.parameter, text: limit.text, negated: negated))
                } else {
                    walk(left, negated: negated)
                    walk(right, negated: negated)
                }
            case .unary(.not, let operand): walk(operand, negated: !negated)
            case .derived(let index):
                guard visited.insert(index).inserted, index < policy.derived.count else { return }
                walk(policy.derived[index].expression, negated: negated)
            default:
                children(of: expression).forEach { walk($0, negated: negated) }
            }
        }
        walk(expression, negated: false)
        return found
    }

    static func mirrored(_ op: TypedBinary) -> TypedBinary {
        switch op {
        case .less: return .greater
        case .lessEqual: return .greaterEqual
        case .greater: return .less
        case .greaterEqual: return .lessEqual
        default: return op
        }
    }
}
