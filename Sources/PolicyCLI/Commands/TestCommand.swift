import Foundation
import Interpreter

/// `policy test PATH...`: run the tests written in policy files.
enum TestCommand {
    static let help = """
    USAGE: policy test [<path>...] [--junit <file>] [--coverage] [--format text|json|github|sarif]

    Runs the tests written in policy files (`test NAME { as_of … household { … }
    expect … }`): each household is evaluated as of its date against the
    policy of the file, and every expectation is compared with the result. A
    failure shows what was expected, what came, and the trace of the rules
    that decided. Folders are searched for `.policy` files; with no path,
    `policies/` is tested.

    OPTIONS:
      --junit <file>     also write the results as JUnit XML
      --coverage         list, per policy, the items no test exercised: rules
                         that never held, elimination conditions that never
                         blocked, alerts that never fired, procedures never
                         entered, values never read
      --format <format>  text (default), json, github (workflow annotations)
                         or sarif (2.1.0): failures and policy errors as findings
      -h, --help         show this help

    EXIT STATUS:
      0  every test passed
      1  a test failed, or a policy has errors
      2  the command line is wrong

    """

    static func run(_ raw: [String]) -> ExitCode {
        let arguments: Arguments
        switch Arguments.read(raw, valued: ["--junit", "--format"], flags: ["--coverage"], help: help) {
        case .read(let read): arguments = read
        case .done(let status): return status
        }
        guard let format = arguments.reportFormat(help: help) else { return .usage }
        let engine = PolicyEngine()
        let paths = arguments.positional.isEmpty ? ["policies"] : arguments.positional
        let (files, problems) = engine.workspace.policyFiles(in: paths)
        var diagnostics = problems
        var outcomes: [TestOutcome] = []
        var coverage: [(policy: String, file: String, items: Int, untested: [String])] = []
        for file in files {
            let (parsed, _) = engine.parse(path: file)
            guard let header = parsed?.header, header.kind == .policy else { continue }
            let loaded = engine.load(path: file)
            diagnostics += loaded.diagnostics.filter { $0.severity == .error }
            guard let plan = loaded.plan else { continue }
            let results = PolicyTestRunner.run(plan, loaded.tests)
            outcomes += results
            let untested = PolicyTestRunner.untested(plan, results)
            coverage.append((plan.metadata.id, file, PolicyTestRunner.items(of: plan).count, untested))
        }

        if let junit = arguments["--junit"] {
            do {
                try ReportWriter.junit(outcomes).write(toFile: junit, atomically: true, encoding: .utf8)
            } catch {
                Terminal.err.write("error: cannot write `\(junit)`: \(error.localizedDescription)\n")
                return .failure
            }
        }
        let failed = outcomes.filter { !$0.passed }
        switch format {
        case .text:
            for diagnostic in diagnostics { Terminal.err.write(Session.render(diagnostic)) }
            for outcome in outcomes { Terminal.out.write(describe(outcome)) }
            if arguments.has("--coverage") {
                for entry in coverage {
                    let exercised = entry.items - entry.untested.count
                    Terminal.out.write("coverage \(entry.policy): \(exercised) of \(entry.items) items exercised")
                    Terminal.out.write(entry.untested.isEmpty ? "\n" : "; untested: \(entry.untested.joined(separator: ", "))\n")
                }
            }
            let policies = Set(outcomes.map(\.policy)).count
            Terminal.out.write(Session.say(
                "\(policies) \(policies == 1 ? "policy" : "policies"), \(outcomes.count) tests: \(outcomes.count - failed.count) passed, \(failed.count) failed",
                "\(policies) 个政策，\(outcomes.count) 个测试：\(outcomes.count - failed.count) 个通过，\(failed.count) 个失败") + "\n")
        case .json, .github, .sarif:
            let findings = diagnostics.map { Finding($0, language: Session.language) } + failed.flatMap(findings)
            switch format {
            case .json: Terminal.out.write(ReportWriter.json(findings))
            case .github: Terminal.out.write(ReportWriter.github(findings))
            default: Terminal.out.write(ReportWriter.sarif(findings, toolVersion: HelpCommand.version))
            }
        }
        return failed.isEmpty && !diagnostics.hasErrors ? .success : .failure
    }

    /// A failed test as findings, one per expectation missed.
    static func findings(_ outcome: TestOutcome) -> [Finding] {
        outcome.failures.map { failure in
            Finding(ruleID: "test", level: .error,
                    message: Session.say("test `\(outcome.name)` of `\(outcome.policy)`: \(failure.expectation): expected \(failure.expected), got \(failure.actual)",
                                         "`\(outcome.policy)` 的测试 `\(outcome.name)`：\(failure.expectation)：应为 \(failure.expected)，实为 \(failure.actual)"),
                    path: outcome.file, line: failure.line)
        }
    }

    /// `PASS` or `FAIL`, and for a failure what differed and the deciding rules.
    static func describe(_ outcome: TestOutcome) -> String {
        let title = "\(outcome.policy) \(outcome.name)" + (outcome.label.map { " \"\($0)\"" } ?? "")
        guard !outcome.passed else { return Session.say("PASS ", "通过 ") + "\(title)\n" }
        var text = Session.say("FAIL ", "失败 ") + "\(title) (\(outcome.file):\(outcome.line))\n"
        for failure in outcome.failures {
            text += "  \(outcome.file):\(failure.line): \(failure.expectation)\n"
            text += Session.say("    expected: ", "    应为：") + "\(failure.expected)\n"
            text += Session.say("    actual:   ", "    实为：") + "\(failure.actual)\n"
        }
        let deciding = outcome.result.trace.filter { $0.kind != "let" && ($0.outcome != "false" || $0.kind == "require") }
        if !deciding.isEmpty {
            text += Session.say("  trace:\n", "  规则轨迹：\n")
            for entry in deciding {
                let inputs = entry.inputs.map { "\($0.name) = \($0.value)" }.joined(separator: ", ")
                text += "    \(entry.kind) \(entry.rule): \(entry.outcome)" + (inputs.isEmpty ? "" : " (\(inputs))") + "\n"
            }
        }
        return text
    }
}
