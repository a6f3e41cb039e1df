import Testing
@testable import Interpreter

/// Every branch of "How a decision is made" (docs/language.md), on a small
/// policy whose every rule reads one field, so each case sets exactly what it
/// needs. `relocation_site` marks an exclusion, `village_review` the exception.
@Suite struct DecisionTests {
    static let policy = """
    monitored {
      when category == monitored and not (monitoring.risk_eliminated otherwise false)
      category monitored_type
    }
    category unstable { when category == alleviated and income.wage < 6000 yuan/year }
    category marginal { when income.wage < 6000 yuan/year and not empty(risks) }
    category sudden_hardship { when income.rigid_expense > income.wage }
    exclude relocation { when relocation_site }
    exclude deposits { when assets.deposits >= 50000 yuan otherwise false }
    exception village_review { when village_review.exception_approved }
    eliminate {
      require min_months: months_between(monitoring.identified_on, today) >= 6 months
      forbid income_below_line: income.wage < 6000 yuan/year
    }
    """

    static let plan: Plan? = PolicyTesting.load(policy).plan

    /// Base: a general household, low income, a risk, no exclusion, no exception.
    static var base: [String: Any?] { [
        "income.wage": 5000, "income.rigid_expense": 0, "risks": ["illness"], "relocation_site": false,
        "village_review.exception_approved": false,
    ] }
    static var monitored: [String: Any?] { [
        "category": "monitored", "monitored_type": "marginal", "income.wage": 9000,
        "monitoring.identified_on": "2020-01-01", "monitoring.risk_eliminated": false,
    ] }

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let changes: [String: String]
        let decision: DecisionKind
        var category: String?
        var exclusions: [String] = []
        var exception = false
        var blockedBy: [String]?
        var missing: [String] = []
        var monitored = false

        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "first category that holds wins", changes: ["category": "alleviated"], decision: .include, category: "unstable"),
        Case(name: "a later category when earlier ones are false", changes: [:], decision: .include, category: "marginal"),
        Case(name: "no category holds", changes: ["income.wage": "9000"], decision: .notEligible),
        Case(name: "an unknown earlier category leaves the category open", changes: ["risks": "-"], decision: .needsData, missing: ["risks"]),
        Case(name: "an exclusion excludes", changes: ["relocation_site": "true"], decision: .exclude, exclusions: ["relocation"]),
        Case(name: "the exception overrides exclusions", changes: ["relocation_site": "true", "village_review.exception_approved": "true"],
             decision: .include, category: "marginal", exclusions: ["relocation"], exception: true),
        Case(name: "an unknown exception with an exclusion", changes: ["relocation_site": "true", "village_review.exception_approved": "-"],
             decision: .needsData, exclusions: ["relocation"], missing: ["village_review.exception_approved"]),
        Case(name: "an unknown exclusion", changes: ["relocation_site": "-"], decision: .needsData, missing: ["relocation_site"]),
        Case(name: "an unknown exclusion does not matter with the exception", changes: ["relocation_site": "-", "village_review.exception_approved": "true"],
             decision: .include, category: "marginal"),
        Case(name: "exclusions are reported when not eligible", changes: ["income.wage": "9000", "assets.deposits": "80000"],
             decision: .notEligible, exclusions: ["deposits"]),
        Case(name: "monitored, all conditions hold", changes: [:], decision: .eliminate, category: "marginal", blockedBy: [], monitored: true),
        Case(name: "monitored, a require fails", changes: ["monitoring.identified_on": "2021-06-01"], decision: .continue, category: "marginal",
             blockedBy: ["min_months"], monitored: true),
        Case(name: "monitored, a forbid holds", changes: ["income.wage": "5000"], decision: .continue, category: "marginal",
             blockedBy: ["income_below_line"], monitored: true),
        Case(name: "monitored, a definite blocker wins over an unknown", changes: ["income.wage": "5000", "monitoring.identified_on": "-"],
             decision: .continue, category: "marginal", blockedBy: ["income_below_line"], monitored: true),
        Case(name: "monitored, an unknown condition", changes: ["monitoring.identified_on": "-"], decision: .needsData,
             blockedBy: ["min_months"], missing: ["monitoring.identified_on"], monitored: true),
        Case(name: "monitored with an exclusion is removed", changes: ["assets.deposits": "90000"], decision: .remove,
             exclusions: ["deposits"], monitored: true),
        Case(name: "monitored with an exclusion and the exception continues", changes: ["assets.deposits": "90000",
             "village_review.exception_approved": "true"], decision: .eliminate, category: "marginal", exclusions: ["deposits"],
             exception: true, blockedBy: [], monitored: true),
        Case(name: "risk eliminated before: not monitored any more", changes: ["monitoring.risk_eliminated": "true", "income.wage": "5000",
             "risks": "illness"], decision: .include, category: "marginal", monitored: true),
        Case(name: "risk_eliminated not recorded counts as not eliminated", changes: ["category": "monitored", "monitoring.risk_eliminated": "-"], decision: .eliminate,
             category: "marginal", blockedBy: [], monitored: true),
    ]

    @Test(arguments: cases)
    func decision(_ testCase: Case) throws {
        let plan = try #require(Self.plan)
        var changes = testCase.monitored ? Self.base.merging(Self.monitored) { $1 } : Self.base
        for (path, value) in testCase.changes {
            switch value {
            case "-": changes[path] = .some(nil)
            case "true", "false": changes[path] = value == "true"
            default:
                if let number = Int(value) { changes[path] = number } else if path == "risks" { changes[path] = [value] } else { changes[path] = value }
            }
        }
        let result = PolicyTesting.evaluate(plan, [PolicyTesting.household(changes)])[0]
        #expect(result.decision == testCase.decision, "\(result.messages)")
        #expect(result.category == testCase.category)
        #expect(result.exclusions == testCase.exclusions)
        #expect(result.exception == testCase.exception)
        #expect(result.missing == testCase.missing)
        if let blockedBy = testCase.blockedBy { #expect(result.blockedBy == blockedBy) }
        #expect(result.eliminationEligible == (testCase.decision == .eliminate))
    }

    @Test func matchedCategoryIsGivenEvenWhenExcluded() throws {
        let plan = try #require(Self.plan)
        let result = PolicyTesting.evaluate(plan, [PolicyTesting.household(Self.base.merging(["relocation_site": true]) { $1 })])[0]
        #expect(result.decision == .exclude)
        #expect(result.category == nil)
        #expect(result.matchedCategory == "marginal")
    }

    @Test func explainTracesEveryRuleEvaluated() throws {
        let plan = try #require(Self.plan)
        let result = PolicyTesting.evaluate(plan, [PolicyTesting.household(Self.base)], explain: true)[0]
        #expect(result.trace.map(\.rule) == ["monitored", "unstable", "marginal", "relocation", "deposits", "village_review",
                                              "min_months", "income_below_line"])
        let marginal = try #require(result.trace.first { $0.rule == "marginal" })
        #expect(marginal.outcome == "true")
        #expect(marginal.inputs.map(\.name) == ["income.wage", "risks"])
        #expect(marginal.inputs.first?.value == "5000 yuan/year")
        let withoutExplain = PolicyTesting.evaluate(plan, [PolicyTesting.household(Self.base)])[0]
        #expect(withoutExplain.trace.isEmpty)
    }
}
