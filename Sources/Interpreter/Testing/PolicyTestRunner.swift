import Lexer

/// What one test gave: the household's result and every expectation it missed.
public struct TestOutcome: Sendable {
    public let policy: String
    public let file: String
    public let name: String
    public let label: String?
    public let line: Int
    public let failures: [TestFailure]
    /// The result, with the trace of every rule.
    public let result: HouseholdResult

    public var passed: Bool { failures.isEmpty }
}

/// An expectation that did not hold: what was expected against what came.
public struct TestFailure: Sendable, Equatable {
    public let expectation: String
    public let expected: String
    public let actual: String
    public let line: Int
}

/// Runs the tests of a policy and measures which of its items they exercised.
public enum PolicyTestRunner {
    public static func run(_ plan: Plan, _ tests: [CheckedTest]) -> [TestOutcome] {
        tests.map { test in
            var evaluator = HouseholdEvaluator(plan: plan, asOf: test.asOf, explain: true)
            let result = evaluator.evaluate(RawRecord(line: 1, json: test.household))
            return TestOutcome(policy: plan.metadata.id, file: test.file.path, name: test.name, label: test.label,
                               line: test.file.location(of: test.range.start).line,
                               failures: failures(of: test, in: result), result: result)
        }
    }

    static func failures(of test: CheckedTest, in result: HouseholdResult) -> [TestFailure] {
        var failures: [TestFailure] = []
        func fail(_ expectation: TestExpectation, _ expected: String, _ actual: String) {
            failures.append(TestFailure(expectation: text(of: expectation), expected: expected, actual: actual,
                                        line: test.file.location(of: expectation.range.start).line))
        }
        let expectsError = test.expectations.contains { $0.kind == .decision && $0.values.first?.text == "error" }
        if result.decision == .error, !expectsError {
            failures.append(TestFailure(expectation: "the household is evaluated", expected: "a decision",
                                        actual: "error: " + result.messages.joined(separator: "; "),
                                        line: test.file.location(of: test.range.start).line))
        }
        for expectation in test.expectations {
            let values = expectation.values.map(\.text)
            switch expectation.kind {
            case .decision:
                if result.decision.rawValue != values.first { fail(expectation, values.first ?? "", result.decision.rawValue) }
            case .category:
                let actual = result.category ?? "none"
                if actual != values.first { fail(expectation, values.first ?? "", actual) }
            case .exclusions:
                if Set(result.exclusions) != Set(values) { fail(expectation, list(values), list(result.exclusions)) }
            case .blockedBy:
                if Set(result.blockedBy) != Set(values) { fail(expectation, list(values), list(result.blockedBy)) }
            case .missing:
                if Set(result.missing) != Set(values) { fail(expectation, list(values), list(result.missing)) }
            case .greenChannel:
                if "\(result.greenChannel)" != values.first { fail(expectation, values.first ?? "", "\(result.greenChannel)") }
            case .exception:
                if "\(result.exception)" != values.first { fail(expectation, values.first ?? "", "\(result.exception)") }
            case .alert, .step:
                let name = values.first ?? ""
                let found: [(name: String, due: String)] = expectation.kind == .alert
                    ? result.alerts.map { ($0.rule, $0.due.description) }
                    : result.procedure.map { ($0.step, $0.due.description) }
                let all = list(found.map { "\($0.name) \($0.due)" })
                let match = found.first { $0.name == name }
                if expectation.negated {
                    if let match { fail(expectation, "no \(expectation.kind.rawValue) `\(name)`", "\(match.name) due \(match.due)") }
                } else if let match {
                    if let due = expectation.due?.text, match.due != due { fail(expectation, "\(name) due \(due)", "\(name) due \(match.due)") }
                } else {
                    fail(expectation, name + (expectation.due.map { " due \($0.text)" } ?? ""), all)
                }
            }
        }
        return failures
    }

    static func list(_ names: [String]) -> String {
        names.isEmpty ? "none" : names.sorted().joined(separator: ", ")
    }

    /// The expectation as written: `expect step visit due 2021-10-13`.
    public static func text(of expectation: TestExpectation) -> String {
        var words = ["expect"]
        if expectation.negated { words.append("no") }
        words.append(expectation.kind.rawValue)
        let values = expectation.values.map(\.text)
        words.append(values.isEmpty ? "none" : values.joined(separator: ", "))
        if let due = expectation.due { words += ["due", due.text] }
        return words.joined(separator: " ")
    }

    /// The items of a policy (keyed as `category marginal`, `condition
    /// min_months`, `param line`, …) that no test exercised: a rule whose
    /// condition never held, an elimination condition that never blocked, an
    /// alert that never fired, a procedure no household entered, a value no
    /// rule read.
    public static func untested(_ plan: Plan, _ outcomes: [TestOutcome]) -> [String] {
        var exercised: Set<String> = []
        for outcome in outcomes {
            let result = outcome.result
            for entry in result.trace {
                for input in entry.inputs { exercised.insert("param \(input.name)"); exercised.insert("let \(input.name)") }
                switch entry.kind {
                case "let": exercised.insert("let \(entry.rule)")
                case "category", "exclude", "alert":
                    if entry.outcome == "true" { exercised.insert("\(entry.kind) \(entry.rule)") }
                case "exception", "monitored":
                    if entry.outcome == "true" { exercised.insert(entry.kind) }
                default: break
                }
            }
            for name in result.blockedBy { exercised.insert("condition \(name)") }
            for step in result.procedure { exercised.insert("procedure \(step.procedure)") }
        }
        return items(of: plan).filter { !exercised.contains($0) }
    }

    /// Every item of a policy a test can exercise, keyed as `Resolver.key` keys them.
    public static func items(of plan: Plan) -> [String] {
        var items: [String] = plan.parameters.map { "param \($0.name)" } + plan.derived.map { "let \($0.name)" }
        items += plan.categories.map { "category \($0.name)" } + plan.exclusions.map { "exclude \($0.name)" }
        if plan.exception != nil { items.append("exception") }
        if plan.monitored != nil { items.append("monitored") }
        items += plan.elimination.map { "condition \($0.name)" }
        items += plan.alerts.map { "alert \($0.name)" } + plan.procedures.map { "procedure \($0.name)" }
        return items
    }
}
