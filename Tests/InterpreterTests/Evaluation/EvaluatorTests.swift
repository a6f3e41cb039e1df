import Testing
@testable import Interpreter

/// What expressions evaluate to for a household, in three-valued logic with
/// exact numbers. `PolicyTesting.probe` evaluates `let probe = …`.
@Suite struct EvaluatorTests {
    // Kleene's tables: `income.rigid_expense > 0` is unknown when A28 is absent.
    static let unknownCondition = "income.rigid_expense > 0"
    static let missing = "unknown [\"income.rigid_expense\"]"

    @Test(arguments: [
        ("true and \(unknownCondition)", missing),
        ("false and \(unknownCondition)", "false"),
        ("\(unknownCondition) and false", "false"),
        ("true or \(unknownCondition)", "true"),
        ("\(unknownCondition) or true", "true"),
        ("false or \(unknownCondition)", missing),
        ("not \(unknownCondition)", missing),
        ("(\(unknownCondition)) == true", missing),
        ("\(unknownCondition) otherwise false", "false"),
        ("known(income.rigid_expense)", "false"),
        ("known(income.wage)", "true"),
        ("if \(unknownCondition) then 1 else 2", missing),
    ])
    func threeValuedLogic(expression: String, expected: String) {
        #expect(PolicyTesting.probe(expression) == expected)
    }

    @Test func unknownsFromBothSidesAreUnited() {
        let result = PolicyTesting.probe("income.rigid_expense + income.total > 0")
        #expect(result == "unknown [\"income.rigid_expense\", \"income.total\"]")
    }

    @Test(arguments: [
        ("5999.99 < 6000", "true"),
        ("0.1 + 0.2 == 0.3", "true"),
        ("10 / 3 * 3 == 10", "true"),
        ("round(2.345, 2)", "2.35"),
        ("round(-2.5)", "-3"),
        ("round(17999.97 / 3, 2)", "5999.99"),
        ("floor(2.7)", "2"),
        ("ceil(2.1)", "3"),
        ("abs(-4.5)", "4.5"),
        ("1 / 3", "0.333333…"),
        ("50% * 12000", "6000"),
        ("min(3, 1, 2)", "1"),
        ("max(3, 1, 2)", "3"),
    ])
    func numbersAreExact(expression: String, expected: String) {
        #expect(PolicyTesting.probe(expression) == expected)
    }

    @Test func incomePerPersonIsExactForAnyNumberOfMembers() {
        let three: [String: Any?] = ["members": [["name": "a"], ["name": "b"], ["name": "c"]], "income.wage": 17999.97]
        #expect(PolicyTesting.probe("income.wage / count(members) < 6000 yuan/person/year", three) == "true")
        #expect(PolicyTesting.probe("round(income.wage / count(members), 2)", three) == "5999.99")
    }

    @Test(arguments: [
        ("months_between(2021-03-30, 2021-09-30)", "6"),
        ("months_between(2021-03-31, 2021-09-29)", "5"),
        ("months_between(2021-04-01, 2021-09-30)", "5"),
        ("months_between(2021-09-30, 2021-03-30)", "-6"),
        ("days_between(2021-09-01, 2021-09-30)", "29"),
        ("years_between(2000-02-29, 2021-02-28)", "252"),
        ("2021-01-31 + 1 month", "2021-02-28"),
        ("2024-01-31 + 1 month", "2024-02-29"),
        ("2021-09-30 - 15 days", "2021-09-15"),
        ("2021-09-30 + 2 weeks", "2021-10-14"),
        ("6 months + 1 year", "18"),
        ("year(2021-09-30) + month(2021-09-30) + day(2021-09-30)", "2060"),
        ("today", "2021-09-30"),
    ])
    func datesAndDurations(expression: String, expected: String) {
        #expect(PolicyTesting.probe(expression) == expected)
    }

    @Test(arguments: [
        ("all(m in members: m.labour in [lost, none])", "false"),
        ("any(m in members: m.labour == weak)", "true"),
        ("count(m in members: m.labour == weak)", "1"),
        ("count(members)", "2"),
        ("any(v in assets.vehicles: v.kind == ship)", "unknown [\"assets.vehicles\"]"),
        ("empty(risks)", "unknown [\"risks\"]"),
        ("sum(m in members: 1)", "2"),
        ("max(m in members: income.wage)", "9000"),
    ])
    func quantifiers(expression: String, expected: String) {
        #expect(PolicyTesting.probe(expression) == expected)
    }

    @Test func quantifiersOverElementsWithUnknownFields() {
        let members: [String: Any?] = ["members": [["name": "a", "labour": "lost"], ["name": "b"]]]
        #expect(PolicyTesting.probe("all(m in members: m.labour in [lost, none])", members) == "unknown [\"members[1].labour\"]")
        #expect(PolicyTesting.probe("any(m in members: m.labour == lost)", members) == "true")
        #expect(PolicyTesting.probe("any(m in members: m.labour == skilled)", members) == "unknown [\"members[1].labour\"]")
        let someoneWorks: [String: Any?] = ["members": [["name": "a", "labour": "skilled"], ["name": "b"]]]
        #expect(PolicyTesting.probe("all(m in members: m.labour in [lost, none])", someoneWorks) == "false")
    }

    @Test func emptyListsHaveTheirOwnAnswers() {
        let noEvents: [String: Any?] = ["events": [Any]()]
        #expect(PolicyTesting.probe("any(e in events: e.kind == disaster)", noEvents) == "false")
        #expect(PolicyTesting.probe("all(e in events: e.kind == disaster)", noEvents) == "true")
        #expect(PolicyTesting.probe("sum(e in events: e.self_paid)", noEvents) == "0")
        #expect(PolicyTesting.probe("max(e in events: e.self_paid)", noEvents) == "unknown [\"events\"]")
    }

    @Test func filtersNarrowTheElements() {
        let events: [String: Any?] = ["events": [
            ["kind": "medical_expense", "date": "2021-03-01", "self_paid": 12000],
            ["kind": "disaster", "date": "2021-05-01", "amount": 50000],
            ["kind": "medical_expense", "date": "2020-12-01", "self_paid": 25000],
        ]]
        #expect(PolicyTesting.probe("sum(e in events where e.kind == medical_expense and year(e.date) == year(today): e.self_paid)", events) == "12000")
        #expect(PolicyTesting.probe("any(e in events where e.kind == medical_expense: e.self_paid > 10000 yuan)", events) == "true")
        #expect(PolicyTesting.probe("count(e in events where e.kind == disaster)", events) == "1")
    }

    @Test func residentIDNumbersGiveBirthDates() {
        let members: [String: Any?] = ["members": [["name": "a", "id_number": "500230198001010010"], ["name": "b", "id_number": "500230198001010011"]]]
        #expect(PolicyTesting.probe("all(m in members: resident_id_valid(m.id_number))", members) == "false")
        #expect(PolicyTesting.probe("any(m in members: m.birth_date == 1980-01-01)", members) == "true")
    }

    @Test(arguments: [
        ("let big = income.wage * income.wage * income.wage", ["income.wage": 90000000], "overflow", "big"),
        ("let ratio = income.wage / income.business", [:], "divisionByZero", "ratio"),
        ("let far = today + 9000 years", [:], "dateOutOfRange", "far"),
    ] as [(String, [String: Int], String, String)])
    func operationsWithNoExactAnswerAreErrorsForThatHouseholdOnly(declaration: String, changes: [String: Int], kind: String, name: String) throws {
        let loaded = PolicyTesting.load("\(declaration)\ncategory c { when known(\(name)) }\n")
        let plan = try #require(loaded.plan)
        let results = PolicyTesting.evaluate(plan, [PolicyTesting.household(changes.mapValues { $0 as Any? }), PolicyTesting.household(["id": "h2", "income.business": 1, "income.wage": 1])])
        #expect(results[0].decision == .error)
        #expect(results[0].messages.first?.contains("`\(name)`") == true, "\(results[0].messages)")
        if kind != "dateOutOfRange" {
            #expect(results[1].decision != .error)
        }
    }
}

/// A bare enumeration member left of `in` takes its enumeration from the list.
@Suite struct MembershipTests {
    @Test(arguments: [
        ("illness in risks", ["illness"], "true"),
        ("unstable_employment in risks", ["illness"], "false"),
        ("illness not in risks", ["illness"], "false"),
        ("(disaster in risks) otherwise false", ["disaster"], "true"),
    ])
    func aMemberOnTheLeftOfIn(expression: String, risks: [String], expected: String) {
        #expect(PolicyTesting.probe(expression, ["risks": risks]) == expected)
    }

    @Test func anUnknownMemberIsReportedAsOne() {
        #expect(PolicyTesting.probe("no_such_member in risks") == "check: E0304 `no_such_member` is not a member of `risk`")
    }
}
