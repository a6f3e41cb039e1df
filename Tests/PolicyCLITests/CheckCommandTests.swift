import Foundation
import Testing

@Suite("policy check")
struct CheckCommandTests {
    @Test func theShippedPoliciesCheckClean() throws {
        let run = try CLI.run(["check", "policies/"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("0 errors"))
        #expect(run.stderr.contains("0 warnings"), "shipped quotations must all be found in their sources")
    }

    @Test func aUnitMismatchAnUnknownFieldAndASyntaxErrorAreAllReportedInOneRun() throws {
        let folder = try CLI.copyOfPolicies()
        defer { try? FileManager.default.removeItem(at: folder) }
        let policy = folder.appendingPathComponent("policies/chongqing/fengdu/2021.policy")
        var text = try String(contentsOf: policy, encoding: .utf8)
        text = text.replacingOccurrences(of: "let below_line = net_per_capita < monitoring_line", with: "let below_line = total_income < monitoring_line")
        text = text.replacingOccurrences(of: "when assets.deposits >= large_deposit", with: "when assets.deposit >= large_deposit")
        text = text.replacingOccurrences(of: "let has_risk = not empty(risks)", with: "let has_risk = not empty(risks")
        try text.write(to: policy, atomically: true, encoding: .utf8)

        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let lineOfUnits = try #require(lines.firstIndex { $0.hasPrefix("let below_line = total_income") }) + 1
        let lineOfField = try #require(lines.firstIndex { $0.contains("when assets.deposit >=") }) + 1

        let run = try CLI.run(["check", policy.path])
        #expect(run.status == 1)
        let path = policy.path
        #expect(run.stderr.contains("\(path):\(lineOfUnits):18: error[E0402]: units do not agree: `<` of yuan/year and yuan/person/year"))
        #expect(run.stderr.contains("\(path):\(lineOfField):15: error[E0302]: unknown field `deposit` in `assets`"))
        #expect(run.stderr.contains("did you mean `deposits`?"))
        #expect(run.stderr.contains("error[E0201]"))
        #expect(run.stderr.contains("3 errors"))
        // A caret under the unknown field.
        #expect(run.stderr.contains("  |               ^^^^^^^ did you mean `deposits`?"))
    }

    @Test func aMissingFileIsAnError() throws {
        let run = try CLI.run(["check", "policies/no-such.policy"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("E0001"))
    }

    @Test func checkWithoutPathsIsAUsageError() throws {
        let run = try CLI.run(["check"])
        #expect(run.status == 2)
    }
}

@Suite("policy help")
struct HelpTests {
    @Test(arguments: [
        (["--help"], ["check", "eval"]),
        (["help", "eval"], ["--policy", "--records", "--input-format", "--as-of", "--format", "--explain", "--encoding"]),
        (["eval", "--help"], ["--policy", "--records"]),
        (["check", "--help"], ["EXIT STATUS"]),
        (["help", "check"], ["<path>"]),
    ])
    func helpExitsZeroAndNamesTheOptions(arguments: [String], mentions: [String]) throws {
        let run = try CLI.run(arguments)
        #expect(run.status == 0)
        for word in mentions { #expect(run.stdout.contains(word), "\(arguments) help lacks \(word)") }
    }
}
