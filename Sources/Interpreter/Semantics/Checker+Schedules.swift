import Lexer

/// Checking alerts and procedures: their conditions, intervals and steps.
extension Checker {
    static let decisionNames = ["include", "exclude", "not_eligible", "continue", "eliminate", "remove", "needs_data"]

    func checkAlerts(_ resolved: ResolvedPolicy) -> [CheckedAlert] {
        var alerts: [CheckedAlert] = []
        var names: Set<String> = []
        for item in resolved.items {
            guard case .alert(let alert) = item.declaration else { continue }
            let checked: CheckedAlert? = within(item.file) {
                if !names.insert(alert.name.text).inserted { report(.duplicateDeclaration(alert.name.text), alert.name.range) }
                currentDeclaration = alert.name.text
                defer { currentDeclaration = nil }
                guard let department = alert.department else {
                    report(.alertWithoutDepartment(alert.name.text), alert.name.range)
                    return nil
                }
                var trigger: CheckedTrigger?
                if let written = alert.trigger {
                    trigger = checkTrigger(written)
                }
                var scope = Scope(.household)
                let condition = alert.condition.map { checkCondition($0, &scope) }
                var schedules: [CheckedSchedule] = []
                for (index, schedule) in alert.schedules.enumerated() {
                    if schedule.isOtherwise, index != alert.schedules.count - 1 {
                        report(.duplicateOtherwise, schedule.range)
                    }
                    guard let interval = checkInterval(schedule.interval, range: schedule.range) else { continue }
                    var guardScope = Scope(.household)
                    let guardCondition = schedule.guardCondition.map { checkCondition($0, &guardScope) }
                    schedules.append(CheckedSchedule(interval: interval, guardCondition: guardCondition))
                }
                if schedules.isEmpty, alert.schedules.isEmpty {
                    schedules.append(CheckedSchedule(interval: .immediately, guardCondition: nil))
                }
                var months: (Int, Int)?
                if let written = alert.months {
                    if (1...12).contains(written.first), (1...12).contains(written.last) {
                        months = (written.first, written.last)
                    } else {
                        report(.invalidMonthRange("\(written.first)..\(written.last)"), written.range)
                    }
                }
                return CheckedAlert(name: alert.name.text, label: alert.label?.value, department: department.value, trigger: trigger,
                                    condition: condition, schedules: schedules, months: months, provenance: alert.provenance)
            }
            if let checked { alerts.append(checked) }
        }
        return alerts
    }

    /// `on e in LIST where FILTER`: a list of records with a `date` field.
    func checkTrigger(_ trigger: AlertTrigger) -> CheckedTrigger? {
        var scope = Scope(.household)
        let list = check(trigger.list, &scope)
        if list.type.isError { return nil }
        guard case .list(.record(let recordIndex)) = list.type else {
            report(.notAList(found: schema.describe(list.type)), trigger.list.range)
            return nil
        }
        guard let dateField = schema.records[recordIndex].field(named: "date"), dateField.type == .date else {
            report(.eventWithoutDate(describePath(trigger.list) ?? schema.records[recordIndex].name), trigger.list.range)
            return nil
        }
        scope.variables.append((trigger.variable.text, .record(recordIndex)))
        let filter = trigger.filter.map { checkCondition($0, &scope) }
        return CheckedTrigger(list: list, filter: filter, dateSlot: dateField.slot)
    }

    func checkInterval(_ interval: AlertSchedule.Interval, range: SourceRange) -> ScheduleInterval? {
        switch interval {
        case .within(let amount, let unit):
            return checkDuration(amount, unit, range: range).map(ScheduleInterval.within)
        case .every(let amount, let unit):
            return checkDuration(amount, unit, range: range).map(ScheduleInterval.every)
        case .halfMonth: return .halfMonth
        case .quarter: return .quarter
        case .immediately: return .immediately
        case .month(let day):
            guard let day else { return .month(byDay: nil) }
            return dayOfMonth(day, range: range).map { .month(byDay: $0) }
        case .nextMonth(let day):
            return dayOfMonth(day, range: range).map { .nextMonth(byDay: $0) }
        }
    }

    func dayOfMonth(_ text: String, range: SourceRange) -> Int? {
        guard let value = Int(text), (1...31).contains(value) else {
            report(.invalidLiteral(kind: "day of the month", text: text), range)
            return nil
        }
        return value
    }

    /// A whole number of days, working days or months.
    func checkDuration(_ amount: String, _ unit: UnitSyntax, range: SourceRange) -> Duration? {
        guard let meaning = interpretUnit(unit) else { return nil }
        guard case .duration(let durationUnit, let factor) = meaning else {
            report(.invalidLiteral(kind: "duration (days, working days or months)", text: "\(amount) \(unit.words.map(\.text).joined(separator: "/"))"), range)
            return nil
        }
        guard let whole = Int64(amount), case (let product, false) = whole.multipliedReportingOverflow(by: factor) else {
            report(.invalidLiteral(kind: "duration", text: amount), range)
            return nil
        }
        if durationUnit == .workingDays { usesWorkingDays.append((file, range)) }
        return Duration(amount: product, unit: durationUnit)
    }

    func checkProcedures(_ resolved: ResolvedPolicy) -> [CheckedProcedure] {
        var procedures: [CheckedProcedure] = []
        var names: Set<String> = []
        for item in resolved.items {
            guard case .procedure(let procedure) = item.declaration else { continue }
            let checked: CheckedProcedure = within(item.file) {
                if !names.insert(procedure.name.text).inserted { report(.duplicateDeclaration(procedure.name.text), procedure.name.range) }
                currentDeclaration = procedure.name.text
                defer { currentDeclaration = nil }
                for decision in procedure.decisions where !Checker.decisionNames.contains(decision.text) {
                    report(.unknownDecision(decision.text), decision.range)
                }
                var scope = Scope(.household)
                var start: TypedExpr?
                if let written = procedure.start {
                    let typed = check(written, &scope)
                    if typed.type != .date, !typed.type.isError {
                        report(.argumentMismatch(function: "starts", expected: "a date", found: schema.describe(typed.type)), written.range)
                    } else {
                        start = typed
                    }
                }
                var steps: [CheckedStep] = []
                var stepNames: [String] = []
                for step in procedure.steps {
                    if stepNames.contains(step.name.text) { report(.duplicateDeclaration(step.name.text), step.name.range) }
                    var alongside: Int?
                    if let other = step.alongside {
                        alongside = stepNames.firstIndex(of: other.text)
                        if alongside == nil { report(.unknownStep(other.text), other.range) }
                    }
                    stepNames.append(step.name.text)
                    let duration = step.duration.flatMap { checkDuration($0.amount, $0.unit, range: step.range) }
                    var skipScope = Scope(.household)
                    let skipWhen = step.skipWhen.map { checkCondition($0, &skipScope) }
                    var fixedDate: CivilDate?
                    if let written = step.fixedDate {
                        fixedDate = CivilDate.parse(written.text)
                        if fixedDate == nil { report(.invalidLiteral(kind: "date", text: written.text), written.range) }
                    }
                    steps.append(CheckedStep(name: step.name.text, label: step.label?.value, duration: duration, alongside: alongside,
                                             skipWhen: skipWhen, fixedDate: fixedDate, provenance: step.provenance))
                }
                let deadline = procedure.deadline.flatMap { checkDuration($0.amount, $0.unit, range: $0.range) }
                var greenScope = Scope(.household)
                let greenChannel = procedure.greenChannel.map { checkCondition($0, &greenScope) }
                return CheckedProcedure(name: procedure.name.text, label: procedure.label?.value, decisions: procedure.decisions.map(\.text),
                                        start: start, steps: steps, deadline: deadline, greenChannel: greenChannel,
                                        provenance: procedure.provenance)
            }
            procedures.append(checked)
        }
        return procedures
    }
}
