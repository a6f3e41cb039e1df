import Testing
@testable import Interpreter

/// Alerts and procedures: which fire, and the due dates their intervals and
/// durations give (see docs/language.md, "Alerts" and "Procedures").
@Suite struct ScheduleTests {
    static func date(_ text: String) -> CivilDate { CivilDate.parse(text)! }

    /// The one alert `interval` gives for a household with one medical event on `eventDate`, as of `asOf`.
    static func alertDue(_ interval: String, eventDate: String = "2021-09-20", asOf: String) -> AlertResult? {
        let loaded = PolicyTesting.loadWithCalendar("""
        alert medical "医疗" {
          to "医保部门"
          on e in events where e.kind == medical_expense
          \(interval)
        }
        """)
        guard let plan = loaded.plan else {
            Issue.record("\(loaded.diagnostics.map(\.message))")
            return nil
        }
        let household = PolicyTesting.household(["events": [["kind": "medical_expense", "date": eventDate, "self_paid": 100]]])
        let result = PolicyTesting.evaluate(plan, [household], asOf: date(asOf))[0]
        #expect(result.messages.isEmpty, "\(result.messages)")
        return result.alerts.first
    }

    /// (interval, event date, as-of date, due date)
    @Test(arguments: [
        ("within 7 days", "2021-09-20", "2021-09-30", "2021-09-27"),         // from the event, overdue
        ("within 5 working days", "2021-09-17", "2021-09-22", "2021-09-26"), // 09-18 and 09-26 worked, 09-19..21 Mid-Autumn
        ("every 10 days", "2021-09-20", "2021-09-30", "2021-10-10"),         // from the as-of date
        ("every half month", "2021-09-01", "2021-09-10", "2021-09-15"),
        ("every half month", "2021-09-01", "2021-09-15", "2021-09-15"),
        ("every half month", "2021-09-01", "2021-09-16", "2021-09-30"),
        ("every month", "2021-09-20", "2021-09-30", "2021-09-30"),
        ("every month by day 5", "2021-09-20", "2021-10-05", "2021-10-05"),
        ("every month by day 5", "2021-09-20", "2021-10-06", "2021-11-05"),
        ("every month by day 31", "2021-09-20", "2021-11-02", "2021-11-30"),  // clamped to the month's end
        ("next month by day 5", "2021-08-15", "2021-09-28", "2021-09-05"),  // an August event is pushed by 09-05: overdue
        ("next month by day 5", "2021-09-20", "2021-09-28", "2021-10-05"),
        ("next month by day 5", "2021-12-31", "2022-01-03", "2022-01-05"),  // over the new year
        ("every quarter", "2021-08-01", "2021-08-01", "2021-09-30"),
        ("every quarter", "2021-09-20", "2021-10-01", "2021-12-31"),
        ("immediately", "2021-09-20", "2021-09-30", "2021-09-30"),
    ])
    func eachIntervalGivesItsDueDate(interval: String, eventDate: String, asOf: String, due: String) {
        let alert = Self.alertDue(interval, eventDate: eventDate, asOf: asOf)
        #expect(alert?.due.description == due, "\(interval) as of \(asOf)")
        #expect(alert?.eventDate?.description == eventDate)
        #expect(alert?.overdue == (Self.date(due) < Self.date(asOf)))
    }

    @Test func anEventAfterTheAsOfDateDoesNotFireTheAlert() {
        #expect(Self.alertDue("within 7 days", eventDate: "2021-10-02", asOf: "2021-09-30") == nil)
    }

    @Test func theFirstIntervalWhoseHouseholdsMatchApplies() throws {
        let plan = try #require(PolicyTesting.loadWithCalendar("""
        alert medical "医疗" {
          to "医保部门"
          on e in events where e.kind == medical_expense
          every 10 days for category == monitored
          every month otherwise
        }
        """).plan)
        let event: [String: Any?] = ["events": [["kind": "medical_expense", "date": "2021-09-25"]]]
        var monitored = event
        monitored["category"] = "monitored"
        monitored["id"] = "h2"
        let results = PolicyTesting.evaluate(plan, [PolicyTesting.household(event), PolicyTesting.household(monitored)])
        #expect(results[0].alerts.map(\.due.description) == ["2021-09-30"])
        #expect(results[1].alerts.map(\.due.description) == ["2021-10-10"])
    }

    @Test(arguments: [("2021-09-30", true), ("2021-10-31", true), ("2021-11-01", false), ("2021-08-31", false)])
    func duringLimitsTheMonths(asOf: String, fires: Bool) throws {
        let plan = try #require(PolicyTesting.loadWithCalendar("""
        alert freshman "大学新生" {
          to "教育部门"
          on e in events where e.kind == poor_freshman
          during 9..10
          immediately
        }
        """).plan)
        let household = PolicyTesting.household(["events": [["kind": "poor_freshman", "date": "2021-08-20"]]])
        let result = PolicyTesting.evaluate(plan, [household], asOf: Self.date(asOf))[0]
        #expect(result.alerts.count == (fires ? 1 : 0))
    }

    @Test func anUnknownConditionDoesNotFireTheAlert() throws {
        let plan = try #require(PolicyTesting.loadWithCalendar("""
        alert costs "刚性支出" {
          to "乡镇"
          when income.rigid_expense > 1000
          every month
        }
        """).plan)
        let results = PolicyTesting.evaluate(plan, [PolicyTesting.household(), PolicyTesting.household(["id": "h2", "income.rigid_expense": 5000])])
        #expect(results.map(\.alerts.count) == [0, 1], "\(results.map(\.messages)) \(results.map(\.decision))")
    }

    @Test func theTraceSaysWhichAlertsFiredAndWhatTheyRead() throws {
        let plan = try #require(PolicyTesting.loadWithCalendar("""
        let costs = income.rigid_expense
        alert costs "刚性支出" {
          to "乡镇"
          when costs > 1000
          every month
        }
        """).plan)
        let results = PolicyTesting.evaluate(plan, [PolicyTesting.household(), PolicyTesting.household(["id": "h2", "income.rigid_expense": 5000])],
                                             explain: true)
        let unknown = try #require(results[0].trace.first { $0.kind == "alert" })
        #expect(unknown.outcome == "unknown")
        #expect(unknown.missing == ["income.rigid_expense"])
        let fired = try #require(results[1].trace.first { $0.kind == "alert" })
        #expect(fired.outcome == "true")
        #expect(fired.inputs.map(\.name) == ["costs"])
        // A value only an alert needed is traced too.
        #expect(results[1].trace.contains { $0.kind == "let" && $0.rule == "costs" && $0.outcome == "5000 yuan/year" })
    }

    @Test func theTraceSaysWhyAStepWasSkipped() throws {
        let plan = try #require(PolicyTesting.loadWithCalendar(Self.procedure).plan)
        let household = PolicyTesting.household(["events": [] as [Any], "identification_review": ["notice_objection": false, "township_refusal_found": false]])
        let result = PolicyTesting.evaluate(plan, [household], explain: true, asOf: Self.date("2022-09-28"))[0]
        let skip = try #require(result.trace.first { $0.kind == "skip" })
        #expect(skip.rule == "identification.comparison")
        #expect(skip.outcome == "true")
        #expect(result.trace.contains { $0.kind == "green_channel" && $0.outcome == "false" })
    }

    static let procedure = """
    category marginal "边缘易致贫户" { when income.wage < 20000 }
    let nothing_found = not identification_review.notice_objection and not identification_review.township_refusal_found
    procedure identification "认定程序" {
      for include
      step visit "入户核查核实" takes 2 working days
      step village_review "村级评议公示" takes 5 working days
      step township_review "乡镇核查初审" takes 3 working days alongside village_review
      step comparison "县级比对" takes 3 working days
        skip when nothing_found
      step county_approval "县级审定" takes 1 working day
      deadline 15 days
      green_channel when any(e in events: e.kind == disaster)
    }
    """

    static func steps(_ changes: [String: Any?] = [:], asOf: String = "2022-09-28") throws -> HouseholdResult {
        let plan = try #require(PolicyTesting.loadWithCalendar(procedure).plan)
        return PolicyTesting.evaluate(plan, [PolicyTesting.household(changes)], asOf: date(asOf))[0]
    }

    @Test func stepsFollowEachOtherInWorkingDaysAcrossThePublicHoliday() throws {
        let result = try Self.steps()
        #expect(result.decision == .include)
        // 09-28 + 2 = 09-30; + 5 over National Day (10-08 and 10-09 worked) = 10-12;
        // the township's review runs alongside the notice: 09-30 + 3 = 10-10;
        // the comparison starts when both have ended: 10-12 + 3 = 10-17; then 10-18.
        #expect(result.procedure.map { "\($0.step) \($0.due)" } == [
            "visit 2022-09-30", "village_review 2022-10-12", "township_review 2022-10-10",
            "comparison 2022-10-17", "county_approval 2022-10-18",
        ])
        #expect(result.warnings.count == 2, "two steps fall after the deadline 2022-10-13: \(result.warnings)")
        #expect(result.warnings.allSatisfy { $0.contains("2022-10-13") })
        #expect(!result.greenChannel)
    }

    @Test func aSkippedStepIsLeftOutAndTheNextBeginsEarlier() throws {
        let result = try Self.steps(["identification_review": ["notice_objection": false, "township_refusal_found": false]])
        #expect(result.procedure.map(\.step) == ["visit", "village_review", "township_review", "county_approval"])
        #expect(result.procedure.last?.due.description == "2022-10-13")
        #expect(result.warnings.isEmpty)
    }

    @Test func anUnknownSkipConditionKeepsTheStep() throws {
        let result = try Self.steps(["identification_review": ["notice_objection": false]])
        #expect(result.procedure.map(\.step).contains("comparison"))
    }

    @Test func theGreenChannelIsSaid() throws {
        let result = try Self.steps(["events": [["kind": "disaster", "date": "2022-09-20"]]])
        #expect(result.greenChannel)
        #expect(result.procedure.count == 5, "the steps still follow the help")
    }

    @Test func aProcedureFollowsOnlyItsDecisions() throws {
        let result = try Self.steps(["income.wage": 90000])
        #expect(result.decision == .notEligible)
        #expect(result.procedure.isEmpty)
    }

    @Test func aFixedDateAlreadyPassedIsOverdue() throws {
        let plan = try #require(PolicyTesting.loadWithCalendar("""
        procedure campaign "集中排查" {
          for include
          step plan "制定方案" by 2023-04-30
          step screening "开展排查" by 2023-06-10
        }
        """).plan)
        let result = PolicyTesting.evaluate(plan, [PolicyTesting.household()], asOf: Self.date("2023-05-15"))[0]
        #expect(result.procedure.map { "\($0.step) \($0.due) \($0.overdue)" } == ["plan 2023-04-30 true", "screening 2023-06-10 false"])
    }

    @Test func countingWorkingDaysOutsideTheCalendarIsAnErrorForTheHousehold() throws {
        let result = try Self.steps(asOf: "2030-03-01")
        #expect(result.decision == .error)
        #expect(result.messages.contains { $0.contains("E0704") && $0.contains("2030") }, "\(result.messages)")
    }
}
