/// Alerts and procedures: which departments must push a warning by when, and
/// the steps still ahead for the household with their due dates.
extension Evaluator {
    /// The alerts that fire for the household.
    func alerts(_ plan: Plan, _ frame: inout Frame, asOf: CivilDate) throws(EvaluationError) -> [AlertResult] {
        var fired: [AlertResult] = []
        for alert in plan.alerts {
            do {
                if let result = try evaluateAlert(alert, &frame, asOf: asOf) { fired.append(result) }
            } catch {
                throw error.at(alert.name)
            }
        }
        return fired
    }

    private func evaluateAlert(_ alert: PlannedAlert, _ frame: inout Frame, asOf: CivilDate) throws(EvaluationError) -> AlertResult? {
        if let months = alert.months, !Evaluator.month(asOf.month, isIn: months) { return nil }
        var eventDate: CivilDate?
        if let trigger = alert.trigger {
            guard case .list(let items) = try value(trigger.list, &frame) else { return nil }
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
            guard eventDate != nil else { return nil }
        }
        if let condition = alert.condition {
            guard case .bool(true) = try value(condition, &frame) else { return nil }
        }
        for schedule in alert.schedules {
            if let guardCondition = schedule.guardCondition {
                guard case .bool(true) = try value(guardCondition, &frame) else { continue }
            }
            let due = try dueDate(schedule.interval, anchor: eventDate ?? asOf, asOf: asOf)
            return AlertResult(rule: alert.name, label: alert.label, department: alert.department, due: due,
                               interval: schedule.interval.text, eventDate: eventDate, overdue: due < asOf)
        }
        return nil
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
        case .quarter:
            return try day(asOf.year, (asOf.month - 1) / 3 * 3 + 3, 31)
        }
    }

    /// The steps of the procedures that apply to the decision, with due dates;
    /// whether the green channel applies; warnings for steps due after the deadline.
    func procedure(_ plan: Plan, decision: DecisionKind, _ frame: inout Frame, asOf: CivilDate)
        throws(EvaluationError) -> (steps: [StepResult], greenChannel: Bool, warnings: [String]) {
        var steps: [StepResult] = []
        var green = false
        var warnings: [String] = []
        for procedure in plan.procedures where procedure.decisions.contains(decision) {
            do {
                var start = asOf
                if let node = procedure.start, case .date(let date) = try value(node, &frame) { start = date }
                let deadline = try procedure.deadline.map { duration throws(EvaluationError) in try shift(start, by: duration) }
                if let node = procedure.greenChannel, case .bool(true) = try value(node, &frame) { green = true }
                // A step begins when every step before it has ended, or with
                // the step it runs alongside.
                var begins: [CivilDate] = []
                var latestEnd = start
                for step in procedure.steps {
                    var skipped = false
                    if let node = step.skipWhen, case .bool(true) = try value(node, &frame) { skipped = true }
                    let begin = step.alongside.map { begins[$0] } ?? latestEnd
                    begins.append(begin)
                    if skipped { continue }
                    let end = try step.duration.map { duration throws(EvaluationError) in try shift(begin, by: duration) } ?? begin
                    latestEnd = max(latestEnd, end)
                    let due = step.fixedDate ?? (step.duration != nil ? end : (deadline ?? begin))
                    if let deadline, due > deadline {
                        warnings.append("procedure `\(procedure.name)`: step `\(step.name)` falls due on \(due), after the deadline \(deadline)")
                    }
                    steps.append(StepResult(procedure: procedure.name, step: step.name, label: step.label, due: due))
                }
            } catch {
                throw error.at(procedure.name)
            }
        }
        return (steps, green, warnings)
    }
}
