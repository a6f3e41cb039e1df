import Testing
import Lexer
@testable import Interpreter

/// Working days by the shipped calendar: weekends, public holidays and the
/// weekend days worked instead, from the State Council's notices.
@Suite struct WorkingCalendarTests {
    static func date(_ text: String) -> CivilDate { CivilDate.parse(text)! }

    @Test func theShippedCalendarCoversTwentyTwentyToTwentyTwentySix() {
        for year in 2020...2026 { #expect(PolicyTesting.calendar.years.contains(year)) }
        #expect(!PolicyTesting.calendar.covers(Self.date("2019-12-31")))
    }

    @Test(arguments: [
        ("2021-10-01", false),  // National Day
        ("2021-10-09", true),   // a Saturday worked instead
        ("2021-10-10", false),  // an ordinary Sunday
        ("2021-10-11", true),   // an ordinary Monday
        ("2021-02-07", true),   // Sunday worked before the Spring Festival
        ("2021-02-11", false),  // Spring Festival
        ("2023-01-02", false),  // New Year holiday that began on 2022-12-31
        ("2020-02-01", false),  // Saturday of the extended Spring Festival of 2020
        ("2025-02-08", true),   // Saturday worked after the Spring Festival of 2025
        ("2026-01-04", true),   // Sunday worked after New Year 2026
        ("2026-02-23", false),  // last day of the Spring Festival of 2026
    ])
    func whichDaysAreWorked(day: String, working: Bool) {
        #expect(PolicyTesting.calendar.isWorkingDay(Self.date(day)) == working)
    }

    @Test(arguments: [
        ("2021-09-30", 5, "2021-10-13"),   // over National Day, counting the worked Saturday 10-09
        ("2021-02-05", 1, "2021-02-07"),   // Friday, then the worked Sunday
        ("2021-02-10", 1, "2021-02-18"),   // over the Spring Festival
        ("2022-09-28", 2, "2022-09-30"),
        ("2024-04-03", 1, "2024-04-07"),   // over Qingming, to the worked Sunday
        ("2021-06-11", 1, "2021-06-15"),   // over the Dragon Boat Festival (Monday 06-14)
        ("2021-10-13", -5, "2021-09-30"),  // backwards
        ("2021-06-11", 0, "2021-06-11"),
    ])
    func addingWorkingDaysSkipsWeekendsAndHolidays(start: String, count: Int, expected: String) {
        #expect(PolicyTesting.calendar.adding(workingDays: count, to: Self.date(start))?.description == expected)
    }

    @Test func aWalkOutOfTheDeclaredYearsIsRefused() {
        #expect(PolicyTesting.calendar.adding(workingDays: 5, to: Self.date("2026-12-28")) == nil)
        #expect(PolicyTesting.calendar.adding(workingDays: -3, to: Self.date("2020-01-02")) == nil)
        #expect(PolicyTesting.calendar.workingDays(from: Self.date("2026-12-01"), to: Self.date("2027-01-10")) == nil)
    }

    @Test func workingDaysBetweenCountsTheDaysAfterTheFirstUpToTheLast() {
        #expect(PolicyTesting.calendar.workingDays(from: Self.date("2021-09-30"), to: Self.date("2021-10-13")) == 5)
        #expect(PolicyTesting.calendar.workingDays(from: Self.date("2021-10-13"), to: Self.date("2021-09-30")) == -5)
    }

    @Test func calendarFilesThatContradictThemselvesAreRefused() {
        let text = """
        calendar test/2021 {
          year 2021
        }
        holiday "春节" 2021-02-07..2021-02-17
        workday "春节调休" 2021-02-07, 2021-02-08
        holiday "远" 2025-01-01
        """
        let (file, syntax) = Parser.parse(SourceFile(path: "c.policy", text: text))
        #expect(syntax.isEmpty)
        let (calendar, diagnostics) = CalendarBuilder.build(id: "test", files: [file])
        #expect(calendar == nil)
        // 02-07 is both; 02-08 is both and a weekday; 2025 is far from 2021.
        #expect(diagnostics.map(\.code.rawValue) == ["E0512", "E0512", "E0513", "E0511"])
    }
}
