import Testing
@testable import Interpreter

/// Policies that must check cleanly, and mistakes `policy check` must catch
/// before any household is evaluated.
@Suite struct CheckerTests {
    @Test(arguments: [
        "let total = income.business + income.wage + income.property + income.transfer",
        "param line = 6000 yuan/person/year\nlet below = (income.wage - income.business_expense) / count(members) < line",
        "param line = 6000 元/人/年\nlet below = income.wage / count(members) < line",
        "param monthly = 500 yuan/month\nlet enough = income.wage >= monthly",
        "let some_rigid = income.rigid_expense > 0",
        "let big = count(members) >= 2",
        "let poor = category == alleviated",
        "let reverse = alleviated == category",
        "let luxury = any(v in assets.vehicles: v.kind in [luxury_car, ship])",
        "let no_labour = all(m in members: m.labour in [lost, none])",
        "let medical = sum(e in events where e.kind == medical_expense: e.self_paid) > 30000 yuan",
        "let months = months_between(monitoring.identified_on, today) >= 6 months",
        "let half_year = months_between(monitoring.identified_on, today) >= 6",
        "let soon = monitoring.identified_on + 15 days <= today",
        "let later = 1 month + monitoring.identified_on",
        "let deposits = assets.deposits >= 50000 yuan otherwise false",
        "let share = income.wage * 50%",
        "let label = if income.wage > 0 then 1 else 2",
        "let at_most = min(income.wage, income.transfer) + max(0 yuan/year, income.property)",
        "let rounded = round(income.wage / 3, 2)",
        "let id_ok = all(m in members: resident_id_valid(m.id_number) otherwise true)",
        "let born = all(m in members: m.birth_date < 2021-01-01 otherwise true)",
        "param a = b\nparam b = 5 yuan/year\nlet c = income.wage > a",
        "let year_now = year(today) == 2021",
    ])
    func validPoliciesCheckCleanly(body: String) {
        let loaded = PolicyTesting.load(body)
        #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics.map { "\($0.code) \($0.message)" })")
        #expect(loaded.plan != nil)
    }

    @Test(arguments: [
        ("let x = income.wage > 5 days", "E0401"),
        ("param line = 6000 yuan/person/year\nlet x = income.wage < line", "E0402"),
        ("let x = income.wage + monitoring.identified_on", "E0401"),
        ("let x = assets.deposits > income.wage", "E0402"),
        ("let x = count(members) > 2 yuan", "E0402"),
        ("let x = months_between(monitoring.identified_on, today) >= 180 days", "E0401"),
        ("let x = monitoring.identified_on - today", "E0401"),
        ("let x = income.wages", "E0302"),
        ("let x = incom.wage", "E0301"),
        ("let x = category == poor", "E0304"),
        ("let x = any(v in assets.vehicles: v.kind in [luxury, ship])", "E0304"),
        ("let x = 1\nlet x = 2", "E0303"),
        ("let a = b + 1\nlet b = a + 1", "E0307"),
        ("let a = a", "E0307"),
        ("param p = income.wage", "E0410"),
        ("param p = today", "E0410"),
        ("let l = income.wage\nparam p = l", "E0410"),
        ("let x = any(m in members)", "E0411"),
        ("let x = sum(m in members: m.name)", "E0411"),
        ("let x = count(m in members where m.in_school: m.dibao)", "E0411"),
        ("let x = any(x in income: true)", "E0406"),
        ("let x = round(income.wage, 20)", "E0404"),
        ("let x = round(income.wage, places)", "E0301"),
        ("let x = months_between(today)", "E0405"),
        ("let x = rond(1)", "E0306"),
        ("let x = if true then 1 else \"a\"", "E0413"),
        ("let x = income.total otherwise \"none\"", "E0401"),
        ("let x = 1 in [1, \"a\"]", "E0412"),
        ("category c { when income.wage }", "E0403"),
        ("let x = today + 5 working days", "E0514"),
        ("let today = 1", "E0309"),
        ("let x = 2021-02-30", "E0409"),
        ("let x = 1.5 months", "E0409"),
        ("category c { when true }\nexception a { when true }\nexception b { when false }", "E0504"),
        ("monitored { when true category category }\ncategory c { when true }", "E0507"),
        ("param p = 6000 yuan/person/year", "E0505"),
    ])
    func mistakesAreCaught(body: String, code: String) {
        let declaresCategory = body.hasPrefix("category ") || body.contains("\ncategory ")
        let text = declaresCategory || code == "E0505" ? body : body + "\ncategory c { when true }"
        let loaded = PolicyEngine().load(text: PolicyTesting.header + text, path: "t.policy", schema: PolicyTesting.schema)
        let codes = loaded.diagnostics.map(\.code.rawValue)
        #expect(codes.contains(code), "\(body) gave \(codes): \(loaded.diagnostics.map(\.message))")
        #expect(loaded.plan == nil)
    }

    @Test func unitMismatchMessagesNameBothUnits() {
        let diagnostics = PolicyTesting.load("param line = 6000 yuan/person/year\nlet x = income.wage < line").diagnostics
        #expect(diagnostics.first?.message == "units do not agree: `<` of yuan/year and yuan/person/year")
    }

    @Test func unknownFieldsSuggestTheNearestAndListTheRest() throws {
        let diagnostic = try #require(PolicyTesting.load("let x = income.wages").diagnostics.first)
        #expect(diagnostic.label == "did you mean `wage`?")
        #expect(diagnostic.help?.contains("business, wage, property, transfer") == true)
    }

    @Test func aReferenceToABrokenDeclarationIsNotReportedAgain() {
        let diagnostics = PolicyTesting.load("let broken = income.wages\nlet uses = broken > 0 yuan/year").diagnostics
        #expect(diagnostics.map(\.code.rawValue) == ["E0302"])
    }

    @Test func theMonitoredCategoryMapsEnumerationMembersToCategories() throws {
        let loaded = PolicyTesting.load("""
        monitored { when category == monitored  category monitored_type }
        category unstable { when true }
        category marginal { when true }
        category sudden_hardship { when true }
        """)
        let plan = try #require(loaded.plan)
        #expect(plan.monitored?.categoryOfMember == [0, 1, 2])
    }
}
