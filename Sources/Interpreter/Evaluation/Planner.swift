/// Compiles a `CheckedPolicy` into a `Plan`: parameters are computed once,
/// paths become slot lists with their names kept for messages, each rule
/// remembers which names it reads.
public enum Planner {
    public static func plan(_ policy: CheckedPolicy) -> Result<Plan, EvaluationError> {
        var planner = Lowering(policy: policy)
        do {
            for index in policy.parameters.indices { _ = try planner.parameterValue(index) }
        } catch {
            return .failure(error)
        }
        let derived = policy.derived.map {
            PlannedValue(name: $0.name, node: planner.lower($0.expression), type: $0.expression.type, inputs: planner.inputs(of: $0.expression))
        }
        func rule(_ checked: CheckedRule) -> PlannedRule {
            PlannedRule(name: checked.name, label: checked.label, condition: planner.lower(checked.condition),
                        inputs: planner.inputs(of: checked.condition))
        }
        let monitored = policy.monitored.map { monitored in
            PlannedMonitored(condition: planner.lower(monitored.condition), category: monitored.category.map { planner.lower($0) },
                             categoryOfMember: monitored.categoryOfMember, inputs: planner.inputs(of: monitored.condition))
        }
        let elimination = policy.elimination.map { condition in
            PlannedCondition(kind: condition.kind, name: condition.name, label: condition.label,
                             condition: planner.lower(condition.condition), inputs: planner.inputs(of: condition.condition))
        }
        let recordRules = policy.schema.records.map { record in
            PlannedRecordRules(
                defaults: record.fields.compactMap { field in field.defaultValue.map { (field.slot, planner.lower($0)) } },
                checks: record.checks.map { ($0, planner.lower($0.condition)) },
                nested: record.fields.compactMap { field in
                    switch field.type {
                    case .record(let index): return (field.slot, index, false)
                    case .list(.record(let index)): return (field.slot, index, true)
                    default: return nil
                    }
                })
        }
        let alerts = policy.alerts.map { alert in
            PlannedAlert(name: alert.name, label: alert.label, department: alert.department,
                         trigger: alert.trigger.map { (planner.lower($0.list), $0.filter.map { planner.lower($0) }, $0.dateSlot) },
                         condition: alert.condition.map { planner.lower($0) },
                         schedules: alert.schedules.map { ($0.interval, $0.guardCondition.map { planner.lower($0) }) },
                         months: alert.months, inputs: planner.inputs(of: [alert.trigger?.filter, alert.condition].compactMap { $0 }
                                                                          + alert.schedules.compactMap(\.guardCondition)))
        }
        let procedures = policy.procedures.map { procedure in
            PlannedProcedure(name: procedure.name, label: procedure.label,
                             decisions: Set(procedure.decisions.compactMap { DecisionKind(rawValue: $0) }),
                             start: procedure.start.map { planner.lower($0) },
                             steps: procedure.steps.map { step in
                                 PlannedStep(name: step.name, label: step.label, duration: step.duration, alongside: step.alongside,
                                             skipWhen: step.skipWhen.map { planner.lower($0) },
                                             skipInputs: step.skipWhen.map { planner.inputs(of: $0) } ?? [], fixedDate: step.fixedDate)
                             },
                             deadline: procedure.deadline, greenChannel: procedure.greenChannel.map { planner.lower($0) },
                             greenChannelInputs: procedure.greenChannel.map { planner.inputs(of: $0) } ?? [])
        }
        let parameters = policy.parameters.enumerated().map { index, parameter in
            (name: parameter.name, value: planner.parameterValues[index] ?? .absent)
        }
        return .success(Plan(metadata: policy.metadata, schema: policy.schema, parameters: parameters, derived: derived,
                             categories: policy.categories.map(rule), exclusions: policy.exclusions.map(rule),
                             exception: policy.exception.map(rule), monitored: monitored, elimination: elimination,
                             recordRules: recordRules, alerts: alerts, procedures: procedures, calendar: policy.calendar,
                             maxVariables: planner.maxDepth + 1))
    }

    /// The state of lowering: parameter values computed so far.
    struct Lowering {
        let policy: CheckedPolicy
        var parameterValues: [Value?]
        var maxDepth = 0

        init(policy: CheckedPolicy) {
            self.policy = policy
            self.parameterValues = Array(repeating: nil, count: policy.parameters.count)
        }

        /// Computes a parameter (the checker guarantees parameters form no cycle
        /// and read nothing of the household).
        mutating func parameterValue(_ index: Int) throws(EvaluationError) -> Value {
            if let value = parameterValues[index] { return value }
            let node = lower(policy.parameters[index].expression)
            let evaluator = Evaluator(constantsOf: policy.schema)
            do {
                let value = try evaluator.constant(node)
                parameterValues[index] = value
                return value
            } catch {
                throw error.at(policy.parameters[index].name)
            }
        }

        mutating func lower(_ expr: TypedExpr) -> PlanNode {
            switch expr.kind {
            case .constant(let value): return .constant(value)
            case .invalid: return .constant(.absent)
            case .today: return .today
            case .parameter(let index): return .constant((try? parameterValue(index)) ?? .absent)
            case .derived(let index): return .derived(index)
            case .path(let base, let steps):
                let slots = steps.map(\.slot)
                let names = steps.map(\.name).joined(separator: ".")
                switch base {
                case .root: return .rootPath(slots, path: names)
                case .current: return .currentPath(slots, path: names)
                case .variable(let depth):
                    maxDepth = max(maxDepth, depth)
                    return .variablePath(depth: depth, slots, suffix: names.isEmpty ? "" : "." + names)
                }
            case .member(let base, let step): return .member(lower(base), slot: step.slot, name: step.name)
            case .unary(let op, let operand):
                let inner = lower(operand)
                switch op {
                case .not: return .not(inner)
                case .negateNumber: return .negateNumber(inner)
                case .negateDuration: return .negateDuration(inner)
                }
            case .binary(let op, let left, let right):
                return binary(op, left, right)
            case .conditional(let condition, let a, let b):
                return .conditional(lower(condition), lower(a), lower(b))
            case .otherwise(let a, let b):
                return .otherwise(lower(a), lower(b))
            case .call(let builtin, let arguments):
                return .call(builtin, arguments.map { lower($0) })
            case .quantifier(let kind, let depth, let list, let filter, let body):
                maxDepth = max(maxDepth, depth)
                var zero = Value.number(Rational(0))
                if case .duration = expr.type { zero = .duration(0) }
                return .quantifier(kind, depth: depth, list: lower(list), filter: filter.map { lower($0) },
                                   body: body.map { lower($0) }, zero: zero)
            case .list(let elements):
                let lowered = elements.map { lower($0) }
                let constants = lowered.compactMap { node -> Value? in
                    if case .constant(let value) = node { return value }
                    return nil
                }
                return constants.count == lowered.count ? .constant(.list(constants)) : .list(lowered)
            }
        }

        mutating func binary(_ op: TypedBinary, _ left: TypedExpr, _ right: TypedExpr) -> PlanNode {
            let a = lower(left), b = lower(right)
            switch op {
            case .and: return .and(a, b)
            case .or: return .or(a, b)
            case .equal: return .compare(.equal, a, b)
            case .notEqual: return .compare(.notEqual, a, b)
            case .less: return .compare(.less, a, b)
            case .lessEqual: return .compare(.lessEqual, a, b)
            case .greater: return .compare(.greater, a, b)
            case .greaterEqual: return .compare(.greaterEqual, a, b)
            case .in: return .contains(element: a, list: b, negated: false)
            case .notIn: return .contains(element: a, list: b, negated: true)
            case .addNumbers: return .arithmetic(.add, a, b)
            case .subtractNumbers: return .arithmetic(.subtract, a, b)
            case .multiplyNumbers: return .arithmetic(.multiply, a, b)
            case .divideNumbers: return .arithmetic(.divide, a, b)
            case .addToDate, .subtractFromDate:
                var unit = DurationUnit.days
                if case .duration(let written) = right.type { unit = written }
                return .shiftDate(a, by: b, unit: unit, negative: op == .subtractFromDate)
            case .addDurations: return .durationArithmetic(subtract: false, a, b)
            case .subtractDurations: return .durationArithmetic(subtract: true, a, b)
            case .scaleDuration: return .scaleDuration(a, by: b)
            }
        }

        /// The inputs of several expressions, each once.
        mutating func inputs(of exprs: [TypedExpr]) -> [TraceInput] {
            var found: [TraceInput] = []
            for expr in exprs {
                for input in inputs(of: expr) where !found.contains(where: { $0.name == input.name }) { found.append(input) }
            }
            return found
        }

        /// The parameters, values and household fields a condition reads directly.
        mutating func inputs(of expr: TypedExpr) -> [TraceInput] {
            var found: [TraceInput] = []
            var seen: Set<String> = []
            func visit(_ expr: TypedExpr) {
                switch expr.kind {
                case .parameter(let index):
                    let name = policy.parameters[index].name
                    if seen.insert(name).inserted {
                        found.append(TraceInput(name: name, node: .constant(parameterValues[index] ?? .absent), type: expr.type))
                    }
                case .derived(let index):
                    let name = policy.derived[index].name
                    if seen.insert(name).inserted { found.append(TraceInput(name: name, node: .derived(index), type: expr.type)) }
                case .path(.root, let steps):
                    let name = steps.map(\.name).joined(separator: ".")
                    if seen.insert(name).inserted {
                        found.append(TraceInput(name: name, node: .rootPath(steps.map(\.slot), path: name), type: expr.type))
                    }
                case .member(let base, _): visit(base)
                case .unary(_, let operand): visit(operand)
                case .binary(_, let a, let b), .otherwise(let a, let b): visit(a); visit(b)
                case .conditional(let a, let b, let c): visit(a); visit(b); visit(c)
                case .call(_, let arguments), .list(let arguments): arguments.forEach(visit)
                case .quantifier(_, _, let list, let filter, let body):
                    visit(list)
                    filter.map(visit)
                    body.map(visit)
                case .constant, .today, .path, .invalid: break
                }
            }
            visit(expr)
            return found
        }
    }
}
