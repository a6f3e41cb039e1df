/// The decision algorithm (documented in `docs/language.md`, "How a decision is
/// made"):
///
/// 1. An already-monitored household (the `monitored` rule holds) is removed
///    when an exclusion applies and the exception does not; otherwise its risk
///    is eliminated when every `require` holds and no `forbid` does, else
///    monitoring continues.
/// 2. Any other household takes the first category whose condition holds. With
///    none it is not eligible. With one, an exclusion that applies excludes it
///    unless the exception holds; otherwise it is included.
/// 3. Wherever the answer hangs on an unknown value, the decision is
///    `needs_data` and `missing` lists the fields.
extension Evaluator {
    /// Evaluates one household, already read and checked against the schema.
    public func decide(_ household: RecordValue, id: String?, line: Int?, asOf: CivilDate,
                       warnings: [String] = [], explain: Bool = false) -> HouseholdResult {
        guard let plan else {
            return HouseholdResult(id: id, line: line, policy: "", asOf: asOf, decision: .error)
        }
        var result = HouseholdResult(id: id, line: line, policy: plan.metadata.id, asOf: asOf, decision: .error)
        result.warnings = warnings
        var frame = makeFrame(household, today: asOf)
        do {
            try decide(plan, &frame, &result, explain: explain)
            var trace: [TraceEntry]? = explain ? [] : nil
            result.alerts = try alerts(plan, &frame, asOf: asOf, trace: &trace)
            let procedure = try procedure(plan, decision: result.decision, &frame, asOf: asOf, trace: &trace)
            result.procedure = procedure.steps
            result.greenChannel = procedure.greenChannel
            result.warnings += procedure.warnings
            if explain { result.trace += (trace ?? []) + (try derivedTrace(plan, &frame)) }
        } catch {
            result = HouseholdResult(id: id, line: line, policy: plan.metadata.id, asOf: asOf, decision: .error)
            result.warnings = warnings
            let diagnostic = Diagnostic(error.diagnosticKind)
            result.messages = [Evaluator.message(diagnostic, id: id, line: line, in: language)]
        }
        return result
    }

    /// A message naming the household and its line, then the problem.
    public static func message(_ diagnostic: Diagnostic, id: String?, line: Int?, in language: Language = .en) -> String {
        var place: [String] = []
        if let line { place.append(language.pick("line \(line)", "第 \(line) 行")) }
        if let id { place.append(language.pick("household `\(id)`", "户 `\(id)`")) }
        let prefix = place.isEmpty ? "" : place.joined(separator: language.pick(", ", "，")) + language.pick(": ", "：")
        return "\(diagnostic.severity.rawValue)[\(diagnostic.code)]: \(prefix)\(diagnostic.message(in: language))"
    }

    private func decide(_ plan: Plan, _ frame: inout Frame, _ result: inout HouseholdResult, explain: Bool) throws(EvaluationError) {
        var trace: [TraceEntry] = []
        func evaluate(_ node: PlanNode, kind: String, name: String, label: String?, inputs: [TraceInput]) throws(EvaluationError) -> Value {
            let outcome: Value
            do {
                outcome = try value(node, &frame)
            } catch {
                throw error.at(name)
            }
            if explain { trace.append(try traceEntry(kind: kind, name: name, label: label, outcome: outcome, inputs: inputs, &frame)) }
            return outcome
        }

        // Is the household already monitored?
        var monitored = Value.bool(false)
        if let rule = plan.monitored {
            monitored = try evaluate(rule.condition, kind: "monitored", name: "monitored", label: nil, inputs: rule.inputs)
        }

        // The first category that holds; an unknown one before it leaves the category open.
        var matched: Int?
        var categoryMissing: Missing?
        if case .bool(false) = monitored {
            for (index, category) in plan.categories.enumerated() {
                let outcome = try evaluate(category.condition, kind: "category", name: category.name, label: category.label, inputs: category.inputs)
                if case .bool(true) = outcome {
                    matched = index
                    break
                }
                if case .unknown(let missing) = outcome {
                    categoryMissing = (categoryMissing ?? Missing()).union(missing)
                }
            }
        }
        if categoryMissing == nil, let matched { result.matchedCategory = plan.categories[matched].name }

        var applied: [String] = []
        var exclusionMissing: Missing?
        for exclusion in plan.exclusions {
            let outcome = try evaluate(exclusion.condition, kind: "exclude", name: exclusion.name, label: exclusion.label, inputs: exclusion.inputs)
            switch outcome {
            case .bool(true): applied.append(exclusion.name)
            case .unknown(let missing): exclusionMissing = (exclusionMissing ?? Missing()).union(missing)
            default: break
            }
        }
        result.exclusions = applied

        var exception = Value.bool(false)
        if let rule = plan.exception {
            exception = try evaluate(rule.condition, kind: "exception", name: rule.name, label: rule.label, inputs: rule.inputs)
        }

        var blockers: [String] = []
        var undecided: [String] = []
        /// Conditions that do not hold or are unknown, in the order written.
        var notHolding: [String] = []
        var eliminationMissing = Missing()
        for condition in plan.elimination {
            let outcome = try evaluate(condition.condition, kind: condition.kind.rawValue, name: condition.name,
                                       label: condition.label, inputs: condition.inputs)
            switch (condition.kind, outcome) {
            case (.require, .bool(false)), (.forbid, .bool(true)):
                blockers.append(condition.name)
                notHolding.append(condition.name)
            case (_, .unknown(let missing)):
                undecided.append(condition.name)
                notHolding.append(condition.name)
                eliminationMissing = eliminationMissing.union(missing)
            default: break
            }
        }
        result.trace = trace

        func needsData(_ missing: Missing) {
            result.decision = .needsData
            result.missing = missing.paths
            result.category = nil
        }
        let excepted: Bool
        switch exception {
        case .bool(true): excepted = true
        default: excepted = false
        }

        switch monitored {
        case .unknown(let missing):
            needsData(missing)
            result.blockedBy = notHolding
        case .bool(true):
            let category = try monitoredCategory(plan, &frame)
            if !applied.isEmpty, !excepted {
                if case .unknown(let missing) = exception { return needsData(missing) }
                result.decision = .remove
                result.blockedBy = notHolding
                return
            }
            if let exclusionMissing, !excepted {
                result.blockedBy = notHolding
                return needsData(exclusionMissing)
            }
            result.exception = excepted && !applied.isEmpty
            if !blockers.isEmpty {
                result.decision = .continue
                result.blockedBy = blockers
                result.category = category
            } else if !undecided.isEmpty {
                needsData(eliminationMissing)
                result.blockedBy = undecided
            } else {
                result.decision = plan.elimination.isEmpty ? .continue : .eliminate
                result.eliminationEligible = !plan.elimination.isEmpty
                result.category = category
            }
        default:
            result.blockedBy = notHolding
            if let categoryMissing { return needsData(categoryMissing) }
            guard let matched else {
                result.decision = .notEligible
                return
            }
            let category = plan.categories[matched].name
            if !applied.isEmpty {
                if excepted {
                    result.decision = .include
                    result.exception = true
                    result.category = category
                } else if case .unknown(let missing) = exception {
                    needsData(missing)
                } else {
                    result.decision = .exclude
                }
            } else if let exclusionMissing, !excepted {
                needsData(exclusionMissing)
            } else {
                result.decision = .include
                result.category = category
            }
        }
    }

    /// The category of an already-monitored household, from the `monitored` rule's `category`.
    private func monitoredCategory(_ plan: Plan, _ frame: inout Frame) throws(EvaluationError) -> String? {
        guard let rule = plan.monitored, let node = rule.category else { return nil }
        guard case .enumeration(let member) = try value(node, &frame),
              member < rule.categoryOfMember.count, let index = rule.categoryOfMember[member] else { return nil }
        return plan.categories[index].name
    }

    /// The derived values this household needed, with what they read: the
    /// numbers behind the rules, alerts and steps (net income per person, …).
    private func derivedTrace(_ plan: Plan, _ frame: inout Frame) throws(EvaluationError) -> [TraceEntry] {
        var trace: [TraceEntry] = []
        for (index, value) in plan.derived.enumerated() {
            guard let computed = frame.derived[index] else { continue }
            var entry = try traceEntry(kind: "let", name: value.name, label: nil, outcome: computed, inputs: value.inputs, &frame)
            if case .bool = computed {} else {
                entry = TraceEntry(kind: entry.kind, rule: entry.rule, label: nil,
                                   outcome: ValueFormatter(schema: schema).text(computed, value.type), inputs: entry.inputs, missing: entry.missing)
            }
            trace.append(entry)
        }
        return trace
    }

    func traceEntry(kind: String, name: String, label: String?, outcome: Value, inputs: [TraceInput],
                            _ frame: inout Frame) throws(EvaluationError) -> TraceEntry {
        var shown: [TraceEntry.Input] = []
        for input in inputs {
            let value = try value(input.node, &frame)
            shown.append(TraceEntry.Input(name: input.name, value: ValueFormatter(schema: schema).text(value, input.type)))
        }
        let text: String
        var missing: [String] = []
        switch outcome {
        case .bool(let truth): text = truth ? "true" : "false"
        case .unknown(let paths):
            text = "unknown"
            missing = paths.paths
        default: text = ValueFormatter(schema: schema).text(outcome, .error)
        }
        return TraceEntry(kind: kind, rule: name, label: label, outcome: text, inputs: shown, missing: missing)
    }
}
