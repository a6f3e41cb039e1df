import Lexer

/// Which days are working days: Monday to Friday, except public holidays, plus
/// the weekend days declared as worked instead (调休). Built from the calendar
/// files of one family (`calendar/cn/2021.policy`, `calendar/cn/2022.policy`, …),
/// each covering one year. Working-day arithmetic on a day no calendar covers
/// fails: the answer is never guessed.
public struct WorkingCalendar: Sendable {
    public let id: String
    /// The years the calendar files declare.
    public private(set) var years: Set<Int> = []
    private var holidays: [Int32: String] = [:]
    private var workdays: [Int32: String] = [:]

    /// Every day from the first of the earliest year to the last of the
    /// latest, as a kind (`DayKind`): counting working days reads this table,
    /// one entry a day, rather than looking up a year and two dictionaries.
    private var dayKinds: [UInt8] = []
    private var firstDay: Int32 = 0

    private enum DayKind {
        static let uncovered: UInt8 = 0, working: UInt8 = 1, resting: UInt8 = 2
    }

    public init(id: String) { self.id = id }

    mutating func addYear(_ year: Int) {
        years.insert(year)
    }

    mutating func addHoliday(_ date: CivilDate, _ label: String) {
        holidays[date.daysSinceEpoch] = label
        setDay(date)
    }

    mutating func addWorkday(_ date: CivilDate, _ label: String) {
        workdays[date.daysSinceEpoch] = label
        setDay(date)
    }

    /// One day of the table again, when it is made and covers the day.
    private mutating func setDay(_ date: CivilDate) {
        let index = Int(date.daysSinceEpoch) - Int(firstDay)
        guard index >= 0, index < dayKinds.count, dayKinds[index] != DayKind.uncovered else { return }
        if workdays[date.daysSinceEpoch] != nil {
            dayKinds[index] = DayKind.working
        } else if holidays[date.daysSinceEpoch] != nil {
            dayKinds[index] = DayKind.resting
        } else {
            dayKinds[index] = date.weekday <= 5 ? DayKind.working : DayKind.resting
        }
    }

    /// Makes the table of days, once every year, holiday and worked weekend is declared.
    mutating func finish() {
        guard let first = years.min(), let last = years.max(), let start = CivilDate(year: first, month: 1, day: 1),
              let end = CivilDate(year: last, month: 12, day: 31) else {
            dayKinds = []
            return
        }
        firstDay = start.daysSinceEpoch
        dayKinds = (start.daysSinceEpoch...end.daysSinceEpoch).map { days in
            guard let date = CivilDate(daysSinceEpoch: Int(days)), years.contains(date.year) else { return DayKind.uncovered }
            if workdays[days] != nil { return DayKind.working }
            if holidays[days] != nil { return DayKind.resting }
            return date.weekday <= 5 ? DayKind.working : DayKind.resting
        }
    }

    func isHoliday(_ date: CivilDate) -> Bool { holidays[date.daysSinceEpoch] != nil }
    func isDeclaredWorkday(_ date: CivilDate) -> Bool { workdays[date.daysSinceEpoch] != nil }

    public func covers(_ date: CivilDate) -> Bool { dayKind(date) != DayKind.uncovered }

    @inline(__always)
    private func dayKind(_ date: CivilDate) -> UInt8 {
        let index = Int(date.daysSinceEpoch) - Int(firstDay)
        return index >= 0 && index < dayKinds.count ? dayKinds[index] : DayKind.uncovered
    }

    /// Whether a day is a working day; nil when no calendar covers it.
    public func isWorkingDay(_ date: CivilDate) -> Bool? {
        switch dayKind(date) {
        case DayKind.working: return true
        case DayKind.resting: return false
        default: return nil
        }
    }

    /// The day `count` working days after `date` (before it, for a negative
    /// count): the start day itself is not counted. Nil when the walk reaches a
    /// day no calendar covers.
    public func adding(workingDays count: Int, to date: CivilDate) -> CivilDate? {
        var day = date
        var remaining = abs(count)
        let step = count < 0 ? -1 : 1
        // INVARIANT: each turn moves one day; a year has at least 200 working
        // days, so the walk ends or leaves the covered years.
        while remaining > 0 {
            guard let next = day.adding(days: step), let working = isWorkingDay(next) else { return nil }
            day = next
            if working { remaining -= 1 }
        }
        return day
    }

    /// Working days after `a` up to and including `b` (negative when `b` is
    /// earlier); nil when a day between is not covered.
    public func workingDays(from a: CivilDate, to b: CivilDate) -> Int? {
        if a == b { return 0 }
        if b < a { return workingDays(from: b, to: a).map { -$0 } }
        var count = 0
        var day = a
        while day < b {
            guard let next = day.adding(days: 1), let working = isWorkingDay(next) else { return nil }
            day = next
            if working { count += 1 }
        }
        return count
    }
}

/// Builds a `WorkingCalendar` from parsed calendar files, checking each entry.
enum CalendarBuilder {
    static func build(id: String, files: [PolicyFile]) -> (calendar: WorkingCalendar?, diagnostics: [Diagnostic]) {
        var calendar = WorkingCalendar(id: id)
        var diagnostics: [Diagnostic] = []
        for file in files {
            func report(_ kind: DiagnosticKind, _ range: SourceRange?) {
                diagnostics.append(Diagnostic(kind, file: file.source, range: range))
            }
            guard let header = file.header, header.kind == .calendar else {
                report(.missingHeader, SourceRange(start: 0, end: 0))
                continue
            }
            guard let written = header.year, let year = Int(written.value), (1900...2200).contains(year) else {
                report(header.year == nil ? .missingHeaderClause("year") : .invalidYear(header.year?.value ?? ""), header.id.range)
                continue
            }
            calendar.addYear(year)
            for declaration in file.declarations {
                switch declaration {
                case .header: continue
                case .calendarDay(let entry):
                    for day in entry.days {
                        guard let first = CivilDate.parse(day.first), let last = CivilDate.parse(day.last), first <= last,
                              CivilDate.daysBetween(first, last) < 60 else {
                            report(.invalidLiteral(kind: "day or range of days", text: day.first == day.last ? day.first : "\(day.first)..\(day.last)"), day.range)
                            continue
                        }
                        var date = first
                        while date <= last {
                            if abs(date.year - year) > 1 {
                                report(.calendarDayOutsideYear(date: date.description, year: year), day.range)
                            } else if entry.isHoliday {
                                if calendar.isDeclaredWorkday(date) { report(.calendarConflict(date: date.description), day.range) }
                                calendar.addHoliday(date, entry.label?.value ?? "")
                            } else {
                                if calendar.isHoliday(date) { report(.calendarConflict(date: date.description), day.range) }
                                if date.weekday <= 5 { report(.workdayNotWeekend(date: date.description), day.range) }
                                calendar.addWorkday(date, entry.label?.value ?? "")
                            }
                            guard let next = date.adding(days: 1) else { break }
                            date = next
                        }
                    }
                default:
                    report(.declarationNotAllowed(declaration: "this declaration", file: "calendar"), declaration.range)
                }
            }
        }
        calendar.finish()
        return (diagnostics.hasErrors ? nil : calendar, diagnostics)
    }
}
