/// Alerts and procedures: which departments must push a warning by when, and
/// the steps still ahead for the household with their due dates.
extension Evaluator {
    /// The alerts that fire for the household.
    /// With `trace`, each alert adds whether it fired (`unknown` when its
    /// condition hangs on a missing value) and what its condition read.
    func alerts(_ plan: Plan, _ frame: inout Frame, asOf: CivilDate, trace: inout [TraceEntry]?) throws(EvaluationError) -> [AlertResult] {
        var fired: [AlertResult] = []
        for alert in plan.alerts {
            do {
                let (result, outcome) = try evaluateAlert(alert, &frame, asOf: asOf)
                if let result { fired.append(result) }
                if trace != nil {
                    let shown: Value = result != nil ? .bool(true) : (outcome.isUnknown ? outcome : .bool(false))
                    trace?.append(try traceEntry(kind: "alert", name: alert.name, label: alert.label, outcome: shown, inputs: alert.inputs, &frame))
                }
            } catch {
                throw error.at(alert.name)
            }
        }
        return fired
    }

    /// The alert if it fires, and the value of its condition (true when it has none).
    private func evaluateAlert(_ alert: PlannedAlert, _ frame: inout Frame, asOf: CivilDate) throws(EvaluationError) -> (AlertResult?, Value) {
        if let months = alert.months, !Evaluator.month(asOf.month, isIn: months) { return (nil, .bool(false)) }
        var eventDate: CivilDate?
        if let trigger = alert.trigger {
            guard case .list(let items) = try value(trigger.list, &frame) else { return (nil, .bool(false)) }
            let listPath: String
            if case .rootPath(_, let path) = trigger.list { listPath = path } else { listPath = "list" }
            for (index, item) in items.enumerated() {
                guard case .record(let record) = item, case .date(let date) = record[trigger.dateSlot], date <= asOf else { continue }
                if let filter = trigger.filter {
                    frame.variables[0] = Binding(value: item, listPath: listPath, index: index)
                    guard case .bool(true) = try value(filter, &frame) else { continue }
                }
                if let latest = eventDate, latest >= date { continue }
                eventDate = date
            }
            guard eventDate != nil else { return (nil, .bool(false)) }
        }
        var outcome = Value.bool(true)
        if let condition = alert.condition {
            outcome = try value(condition, &frame)
            guard case .bool(true) = outcome else { return (nil, outcome) }
        }
        for schedule in alert.schedules {
            if let guardCondition = schedule.guardCondition {
                guard case .bool(true) = try value(guardCondition, &frame) else { continue }
            }
            let due = try dueDate(schedule.interval, anchor: eventDate ?? asOf, asOf: asOf)
            let result = AlertResult(rule: alert.name, label: alert.label, department: alert.department, due: due,
                                     interval: schedule.interval.text, eventDate: eventDate, overdue: due < asOf)
            return (result, outcome)
        }
        return (nil, .bool(false))
    }

    static func month(_ month: Int, isIn range: (first: Int, last: Int)) -> Bool {
        range.first <= range.last ? (range.first...range.last).contains(month) : (month >= range.first || month <= range.last)
    }

    /// The due date an interval gives (see docs/language.md, "Alerts").
    func dueDate(_ interval: ScheduleInterval, anchor: CivilDate, asOf: CivilDate) throws(EvaluationError) -> CivilDate {
        func day(_ year: Int, _ month: Int, _ day: Int) throws(EvaluationError) -> CivilDate {
            guard let first = CivilDate(year: year, month: month, day: 1),
                  let date = CivilDate(year: year, month: month, day: min(day, first.daysInMonth)) else {
                throw EvaluationError(.dateOutOfRange)
            }
            return date
        }
        switch interval {
        case .within(let duration): return try shift(anchor, by: duration)
        case .every(let duration): return try shift(asOf, by: duration)
        case .immediately: return asOf
        case .halfMonth: return try day(asOf.year, asOf.month, asOf.day <= 15 ? 15 : 31)
        case .month(nil): return try day(asOf.year, asOf.month, 31)
        case .month(let dayOfMonth?):
            let thisMonth = try day(asOf.year, asOf.month, dayOfMonth)
            if thisMonth >= asOf { return thisMonth }
            guard let next = asOf.adding(months: 1) else { throw EvaluationError(.dateOutOfRange) }
            return try day(next.year, next.month, dayOfMonth)
        case .nextMonth(let dayOfMonth):
            guard let next = anchor.adding(months: 1) else { throw EvaluationError(.dateOutOfRange) }
            return try day(next.year, next.month, dayOfMonth)
        case .quarter:
            return try day(asOf.year, (asOf.month - 1) / 3 * 3 + 3, 31)
        }
    }

    /// The steps of the procedures that apply to the decision, with due dates;
    /// whether the green channel applies; warnings for steps due after the deadline.
    /// With `trace`, the green channel and each `skip when` add what they read and gave.
    func procedure(_ plan: Plan, decision: DecisionKind, _ frame: inout Frame, asOf: CivilDate, trace: inout [TraceEntry]?)
        throws(EvaluationError) -> (steps: [StepResult], greenChannel: Bool, warnings: [String]) {
        var steps: [StepResult] = []
        var green = false
        var warnings: [String] = []
        for procedure in plan.procedures where procedure.decisions.contains(decision) {
            do {
                var start = asOf
                if let node = procedure.start, case .date(let date) = try value(node, &frame) { start = date }
                let deadline = try procedure.deadline.map { duration throws(EvaluationError) in try shift(start, by: duration) }
                if let node = procedure.greenChannel {
                    let outcome = try value(node, &frame)
                    if case .bool(true) = outcome { green = true }
                    if trace != nil {
                        trace?.append(try traceEntry(kind: "green_channel", name: procedure.name, label: procedure.label, outcome: outcome,
                                                     inputs: procedure.greenChannelInputs, &frame))
                    }
                }
                // A step begins when every step before it has ended, or with
                // the step it runs alongside.
                var begins: [CivilDate] = []
                var latestEnd = start
                for step in procedure.steps {
                    var skipped = false
                    if let node = step.skipWhen {
                        let outcome = try value(node, &frame)
                        if case .bool(true) = outcome { skipped = true }
                        if trace != nil {
                            trace?.append(try traceEntry(kind: "skip", name: "\(procedure.name).\(step.name)", label: step.label, outcome: outcome,
                                                         inputs: step.skipInputs, &frame))
                        }
                    }
                    let begin = step.alongside.map { begins[$0] } ?? latestEnd
                    begins.append(begin)
                    if skipped { continue }
                    let end = try step.duration.map { duration throws(EvaluationError) in try shift(begin, by: duration) } ?? begin
                    latestEnd = max(latestEnd, end)
                    let due = step.fixedDate ?? (step.duration != nil ? end : (deadline ?? begin))
                    if let deadline, due > deadline {
                        warnings.append(language.pick("procedure `\(procedure.name)`: step `\(step.name)` falls due on \(due), after the deadline \(deadline)",
                                                      "程序 `\(procedure.name)`：环节 `\(step.name)` 的办结日期 \(due) 晚于时限 \(deadline)"))
                    }
                    steps.append(StepResult(procedure: procedure.name, step: step.name, label: step.label, due: due, overdue: due < asOf))
                }
            } catch {
                throw error.at(procedure.name)
            }
        }
        return (steps, green, warnings)
    }
}
