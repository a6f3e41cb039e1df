import Lexer

/// Alerts, procedures, calendar days and the changes a policy makes to the one
/// it extends.
extension Parser {
    // MARK: - Alerts

    /// alert = "alert" name string? "{" alert-clause* "}"
    /// alert-clause = "to" string | "on" name "in" expr ("where" expr)? | "when" expr
    ///              | schedule ("for" expr | "otherwise")? | "during" number ".." number | provenance
    mutating func parseAlert() -> AlertDeclaration? {
        let start = current.range
        advance()
        guard let name = parseName(what: "the alert's name") else { return nil }
        let label = optionalString()
        guard let open = expect(.leftBrace, "`{` to open the alert") else { return nil }
        var alert = AlertDeclaration(name: name, label: label, range: start)
        while !atBlockEnd(opener: "`alert \(name.text)`", open: open) {
            let clause = current
            if clause.isWord(.to) {
                advance()
                if alert.department != nil { report(.duplicateClause("to"), at: clause.range) }
                alert.department = parseString(what: "the department, such as \"县医保局\"")
            } else if clause.isWord(.on) {
                advance()
                if alert.trigger != nil { report(.duplicateClause("on"), at: clause.range) }
                if let variable = parseName(what: "a variable for the event, such as `e`"), expectKeyword(.in, "`in` after the variable") {
                    let list = parseExpression()
                    var filter: Expr?
                    if current.kind == .keyword(.where) {
                        advance()
                        filter = parseExpression()
                    }
                    alert.trigger = AlertTrigger(variable: variable, list: list, filter: filter, range: clause.range.union(previousRange))
                }
            } else if clause.isWord(.when) {
                advance()
                if alert.condition != nil { report(.duplicateClause("when"), at: clause.range) }
                alert.condition = parseExpression()
            } else if clause.isWord(.during) {
                advance()
                if let months = parseMonthRange() { alert.months = months }
            } else if let interval = parseInterval() {
                var guardCondition: Expr?
                var isOtherwise = false
                if current.isWord(.for) {
                    advance()
                    guardCondition = parseExpression()
                } else if current.kind == .keyword(.otherwise) {
                    advance()
                    isOtherwise = true
                }
                alert.schedules.append(AlertSchedule(interval: interval, guardCondition: guardCondition, isOtherwise: isOtherwise,
                                                     range: clause.range.union(previousRange)))
            } else if !panicking, !parseProvenanceClause(into: &alert.provenance) {
                reportOnce(.expected("`to`, `on`, `when`, `within`, `every`, `immediately`, `during`, `source` or `assumption`",
                                     found: clause.kind.description), at: clause.range)
            }
            if panicking { synchronizeInBlock() }
        }
        if check(.rightBrace) { advance() }
        alert.range = start.union(previousRange)
        return alert
    }

    /// schedule = "within" number unit | "immediately" | "next" "month" "by" "day" number
    ///          | "every" (number unit | "half" "month" | "month" ("by" "day" number)? | "quarter")
    mutating func parseInterval() -> AlertSchedule.Interval? {
        if current.isWord(.immediately) {
            advance()
            return .immediately
        }
        if current.isWord(.next) {
            advance()
            guard expectWord(.month, "`month` after `next`, as in `next month by day 5`"), expectWord(.by, "`by` after `next month`"),
                  expectWord(.day, "`day` after `by`, as in `next month by day 5`") else { return nil }
            guard case .number(let text) = current.kind else {
                reportOnce(.expected("the day of the month", found: current.kind.description), at: current.range)
                return nil
            }
            advance()
            return .nextMonth(byDay: text)
        }
        if current.isWord(.within) {
            advance()
            guard let (amount, unit) = parseAmountWithUnit(what: "a duration such as `7 days`") else { return nil }
            return .within(amount: amount, unit: unit)
        }
        guard current.isWord(.every) else { return nil }
        advance()
        if current.isWord(.half) {
            advance()
            guard current.isWord(.month) else {
                reportOnce(.expected("`month` after `half`", found: current.kind.description), at: current.range)
                return nil
            }
            advance()
            return .halfMonth
        }
        if current.isWord(.quarter) {
            advance()
            return .quarter
        }
        if current.isWord(.month) {
            advance()
            var day: String?
            if current.isWord(.by) {
                advance()
                guard current.isWord(.day) else {
                    reportOnce(.expected("`day` after `by`, as in `every month by day 5`", found: current.kind.description), at: current.range)
                    return nil
                }
                advance()
                guard case .number(let text) = current.kind else {
                    reportOnce(.expected("the day of the month", found: current.kind.description), at: current.range)
                    return nil
                }
                advance()
                day = text
            }
            return .month(byDay: day)
        }
        guard let (amount, unit) = parseAmountWithUnit(what: "`half month`, `month`, `quarter` or a duration such as `10 days`") else { return nil }
        return .every(amount: amount, unit: unit)
    }

    /// number unit
    mutating func parseAmountWithUnit(what: String) -> (String, UnitSyntax)? {
        guard case .number(let amount) = current.kind else {
            reportOnce(.expected(what, found: current.kind.description), at: current.range)
            return nil
        }
        advance()
        guard let unit = parseUnit() else {
            reportOnce(.expected("a unit such as `days`, `working days` or `months`", found: current.kind.description), at: current.range)
            return nil
        }
        return (amount, unit)
    }

    /// number ".." number
    mutating func parseMonthRange() -> (first: Int, last: Int, range: SourceRange)? {
        let start = current.range
        guard case .number(let first) = current.kind else {
            reportOnce(.expected("the first month, as in `during 9..10`", found: current.kind.description), at: current.range)
            return nil
        }
        advance()
        guard expect(.dotDot, "`..` between the months") != nil else { return nil }
        guard case .number(let last) = current.kind else {
            reportOnce(.expected("the last month", found: current.kind.description), at: current.range)
            return nil
        }
        advance()
        return (Int(first) ?? 0, Int(last) ?? 0, start.union(previousRange))
    }

    // MARK: - Procedures

    /// procedure = "procedure" name string? "{" procedure-clause* "}"
    /// procedure-clause = "for" name ("," name)* | "starts" expr | step | "deadline" number unit
    ///                  | "green_channel" "when" expr | provenance
    mutating func parseProcedure() -> ProcedureDeclaration? {
        let start = current.range
        advance()
        guard let name = parseName(what: "the procedure's name") else { return nil }
        let label = optionalString()
        guard let open = expect(.leftBrace, "`{` to open the procedure") else { return nil }
        var procedure = ProcedureDeclaration(name: name, label: label, range: start)
        while !atBlockEnd(opener: "`procedure \(name.text)`", open: open) {
            let clause = current
            if clause.isWord(.for) {
                advance()
                repeat {
                    if let decision = parseName(what: "a decision such as `include` or `eliminate`") { procedure.decisions.append(decision) }
                } while consume(.comma)
            } else if clause.isWord(.starts) {
                advance()
                procedure.start = parseExpression()
            } else if clause.isWord(.step) {
                if let step = parseStep() { procedure.steps.append(step) }
            } else if clause.isWord(.deadline) {
                advance()
                if let (amount, unit) = parseAmountWithUnit(what: "a duration such as `15 days`") {
                    procedure.deadline = (amount, unit, clause.range.union(previousRange))
                }
            } else if clause.isWord(.green_channel) {
                advance()
                if expectWord(.when, "`when` after `green_channel`") { procedure.greenChannel = parseExpression() }
            } else if !panicking, !parseProvenanceClause(into: &procedure.provenance) {
                reportOnce(.expected("`for`, `starts`, `step`, `deadline`, `green_channel`, `source` or `assumption`",
                                     found: clause.kind.description), at: clause.range)
            }
            if panicking { synchronizeInBlock() }
        }
        if check(.rightBrace) { advance() }
        procedure.range = start.union(previousRange)
        return procedure
    }

    /// step = "step" name string? ("takes" number unit | "alongside" name | "skip" "when" expr | "by" date)* provenance*
    mutating func parseStep() -> ProcedureStep? {
        let start = current.range
        advance()
        guard let name = parseName(what: "the step's name") else { return nil }
        let label = optionalString()
        var step = ProcedureStep(name: name, label: label, range: start)
        while true {
            if current.isWord(.takes) {
                advance()
                if let (amount, unit) = parseAmountWithUnit(what: "a duration such as `5 working days`") { step.duration = (amount, unit) }
            } else if current.isWord(.alongside) {
                advance()
                step.alongside = parseName(what: "the step it runs alongside")
            } else if current.isWord(.skip) {
                advance()
                if expectWord(.when, "`when` after `skip`") { step.skipWhen = parseExpression() }
            } else if current.isWord(.by) {
                advance()
                if case .date(let text) = current.kind {
                    step.fixedDate = (text, current.range)
                    advance()
                } else {
                    reportOnce(.expected("a date such as 2023-06-10", found: current.kind.description), at: current.range)
                }
            } else if parseProvenanceClause(into: &step.provenance) {
                continue
            } else {
                break
            }
            if panicking { break }
        }
        step.range = start.union(previousRange)
        return step
    }

    mutating func expectWord(_ keyword: Keyword, _ what: String) -> Bool {
        if current.isWord(keyword) {
            advance()
            return true
        }
        reportOnce(.expected(what, found: current.kind.description), at: current.range)
        return false
    }

    // MARK: - Calendars

    /// calendar-day = ("holiday" | "workday") string? day ("," day)* provenance* ; day = date (".." date)?
    mutating func parseCalendarDay() -> CalendarDayDeclaration? {
        let start = current.range
        let isHoliday = current.isWord(.holiday)
        advance()
        let label = optionalString()
        var days: [(first: String, last: String, range: SourceRange)] = []
        repeat {
            guard case .date(let first) = current.kind else {
                reportOnce(.expected("a date such as 2021-10-01", found: current.kind.description), at: current.range)
                return nil
            }
            let dayStart = current.range
            advance()
            var last = first
            if consume(.dotDot) {
                guard case .date(let end) = current.kind else {
                    reportOnce(.expected("the last date of the range", found: current.kind.description), at: current.range)
                    return nil
                }
                last = end
                advance()
            }
            days.append((first, last, dayStart.union(previousRange)))
        } while consume(.comma)
        var provenance = Provenance()
        while parseProvenanceClause(into: &provenance) {}
        return CalendarDayDeclaration(isHoliday: isHoliday, label: label, days: days, provenance: provenance, range: start.union(previousRange))
    }

    // MARK: - Changes to a base policy

    /// remove = "remove" kind name? ; kind = param | let | category | exclude | exception | monitored
    ///        | eliminate | alert | procedure | require | forbid
    mutating func parseRemove() -> RemoveDeclaration? {
        let start = current.range
        advance()
        guard let kind = parseName(what: "what to remove: param, let, category, exclude, exception, monitored, alert, procedure, require or forbid") else {
            return nil
        }
        let unnamed = kind.text == Keyword.monitored.rawValue || kind.text == Keyword.eliminate.rawValue
        let name: Name
        if unnamed {
            name = kind
        } else {
            guard let parsed = parseName(what: "the name of the \(kind.text) to remove") else { return nil }
            name = parsed
        }
        return RemoveDeclaration(kind: kind, name: name, range: start.union(previousRange))
    }
}
