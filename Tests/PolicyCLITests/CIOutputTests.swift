import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// `policy check` and `policy test` in the formats CI reads: the codes, the
/// exit statuses, GitHub annotations, JSON, SARIF 2.1.0 and JUnit XML.
@Suite("CI output")
struct CIOutputTests {
    static let lintCodes = (1...10).map { String(format: "W08%02d", $0) }

    /// A copy of the shipped policies with the lint fixtures under `policies/lint/`
    /// (and the base policy W0805 extends), made once for the suite.
    static let lintCopy: URL = {
        let manager = FileManager.default
        let folder = manager.temporaryDirectory.appendingPathComponent("policy-lint-\(UUID().uuidString)")
        let fixtures = CLI.root.appendingPathComponent("Tests/Fixtures/diagnostics")
        let lint = folder.appendingPathComponent("policies/lint")
        try? manager.createDirectory(at: lint, withIntermediateDirectories: true)
        try? manager.copyItem(at: CLI.root.appendingPathComponent("policies/schema"), to: folder.appendingPathComponent("policies/schema"))
        try? manager.createDirectory(at: folder.appendingPathComponent("policies/test"), withIntermediateDirectories: true)
        try? manager.copyItem(at: fixtures.appendingPathComponent("test/w0805"), to: folder.appendingPathComponent("policies/test/w0805"))
        try? manager.copyItem(at: fixtures.appendingPathComponent("W0810"), to: lint.appendingPathComponent("W0810"))
        for code in lintCodes {
            try? manager.copyItem(at: fixtures.appendingPathComponent("\(code).policy"), to: lint.appendingPathComponent("\(code).policy"))
        }
        return folder
    }()

    static func check(_ extra: [String]) throws -> CLI.Run {
        try CLI.run(["check", "policies/lint"] + extra, in: lintCopy)
    }

    @Test func everyLintCaseIsReportedAsAWarning() throws {
        let run = try Self.check([])
        #expect(run.status == 0, "warnings alone do not fail: \(run.stderr)")
        for code in Self.lintCodes { #expect(run.stderr.contains("warning[\(code)]"), "\(code) missing") }
    }

    @Test func strictMakesWarningsFail() throws {
        let run = try Self.check(["--strict"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("warnings count as errors with --strict"))
    }

    @Test func jsonListsEveryFindingWithItsPlace() throws {
        let run = try Self.check(["--format", "json"])
        #expect(run.status == 0)
        let document = try #require(CLI.decode(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        let findings = try #require(document["findings"] as? [[String: Any]])
        let rules = Set(findings.compactMap { $0["rule"] as? String })
        for code in Self.lintCodes { #expect(rules.contains(code)) }
        #expect(findings.allSatisfy { ($0["line"] as? Int ?? 0) >= 1 && ($0["path"] as? String)?.hasSuffix(".policy") == true })
        #expect(document["errors"] as? Int == 0)
        let strict = try #require(CLI.decode(try Self.check(["--format", "json", "--strict"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(strict["warnings"] as? Int == 0)
        #expect((strict["errors"] as? Int ?? 0) == findings.count)
    }

    @Test func githubAnnotationsNameFileLineAndColumn() throws {
        let run = try Self.check(["--format", "github"])
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(!lines.isEmpty)
        for line in lines {
            #expect(line.hasPrefix("::warning file=policies/lint/"), "\(line)")
            #expect(line.contains(",line=") && line.contains(",col=") && line.contains(",title=W"))
            #expect(!line.dropFirst(2).contains("\n"))
        }
        let error = try CLI.run(["check", "Tests/Fixtures/diagnostics/E0402.policy", "--format", "github"])
        #expect(error.status == 1)
        #expect(error.stdout.hasPrefix("::error file=Tests/Fixtures/diagnostics/E0402.policy,line="))
    }

    /// The parts of SARIF 2.1.0 dashboards read.
    static func validateSARIF(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [[String: Any]] {
        let document = try #require(CLI.decode(text.trimmingCharacters(in: .whitespacesAndNewlines)), sourceLocation: sourceLocation)
        #expect(document["version"] as? String == "2.1.0", sourceLocation: sourceLocation)
        #expect((document["$schema"] as? String)?.contains("sarif-2.1.0") == true, sourceLocation: sourceLocation)
        let runs = try #require(document["runs"] as? [[String: Any]], sourceLocation: sourceLocation)
        #expect(runs.count == 1, sourceLocation: sourceLocation)
        let driver = try #require((runs[0]["tool"] as? [String: Any])?["driver"] as? [String: Any], sourceLocation: sourceLocation)
        #expect(driver["name"] as? String == "policy", sourceLocation: sourceLocation)
        let rules = try #require(driver["rules"] as? [[String: Any]], sourceLocation: sourceLocation)
        let ruleIDs = rules.compactMap { $0["id"] as? String }
        #expect(ruleIDs.count == rules.count && Set(ruleIDs).count == ruleIDs.count, sourceLocation: sourceLocation)
        for rule in rules { #expect((rule["shortDescription"] as? [String: Any])?["text"] is String, sourceLocation: sourceLocation) }
        let results = try #require(runs[0]["results"] as? [[String: Any]], sourceLocation: sourceLocation)
        for result in results {
            let id = try #require(result["ruleId"] as? String, sourceLocation: sourceLocation)
            #expect(ruleIDs.firstIndex(of: id) == result["ruleIndex"] as? Int, sourceLocation: sourceLocation)
            #expect(["error", "warning", "note", "none"].contains(result["level"] as? String ?? ""), sourceLocation: sourceLocation)
            #expect((result["message"] as? [String: Any])?["text"] is String, sourceLocation: sourceLocation)
            let locations = try #require(result["locations"] as? [[String: Any]], sourceLocation: sourceLocation)
            let physical = try #require(locations.first?["physicalLocation"] as? [String: Any], sourceLocation: sourceLocation)
            #expect((physical["artifactLocation"] as? [String: Any])?["uri"] is String, sourceLocation: sourceLocation)
            let region = try #require(physical["region"] as? [String: Any], sourceLocation: sourceLocation)
            #expect((region["startLine"] as? Int ?? 0) >= 1, sourceLocation: sourceLocation)
            if let start = region["startColumn"] as? Int, let end = region["endColumn"] as? Int, region["endLine"] as? Int == region["startLine"] as? Int {
                #expect(end > start, sourceLocation: sourceLocation)
            }
        }
        return results
    }

    @Test func sarifHoldsEveryLintCase() throws {
        let run = try Self.check(["--format", "sarif"])
        #expect(run.status == 0)
        let results = try Self.validateSARIF(run.stdout)
        let found = Set(results.compactMap { $0["ruleId"] as? String })
        for code in Self.lintCodes { #expect(found.contains(code)) }
        #expect(results.allSatisfy { $0["level"] as? String == "warning" })
        let strict = try Self.validateSARIF(try Self.check(["--format", "sarif", "--strict"]).stdout)
        #expect(strict.allSatisfy { $0["level"] as? String == "error" })
    }

    /// A copy of the shipped policies where one Fengdu test expects the wrong category.
    static func brokenTestCopy() throws -> (folder: URL, policy: URL, line: Int) {
        let folder = try CLI.copyOfPolicies()
        let policy = folder.appendingPathComponent("policies/chongqing/fengdu/2021.policy")
        var text = try String(contentsOf: policy, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let index = try #require(lines.firstIndex { $0.contains("expect category marginal") })
        text = lines.enumerated().map { $0.offset == index ? "  expect category unstable" : String($0.element) }.joined(separator: "\n")
        try text.write(to: policy, atomically: true, encoding: .utf8)
        return (folder, policy, index + 1)
    }

    @Test func aBrokenTestFailsInEveryFormat() throws {
        let (folder, policy, line) = try Self.brokenTestCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let policies = folder.appendingPathComponent("policies").path

        let text = try CLI.run(["test", policies])
        #expect(text.status == 1)
        #expect(text.stdout.contains("FAIL chongqing/fengdu/2021"))
        #expect(text.stdout.contains("\(policy.path):\(line): expect category unstable"))
        #expect(text.stdout.contains("expected: unstable") && text.stdout.contains("actual:   marginal"))
        #expect(text.stdout.contains("trace:"))
        #expect(text.stdout.contains(", 1 failed"))

        let github = try CLI.run(["test", policies, "--format", "github"])
        #expect(github.status == 1)
        #expect(github.stdout.hasPrefix("::error file=\(policy.path),line=\(line),title=test%3A"))

        let json = try CLI.run(["test", policies, "--format", "json"])
        let document = try #require(CLI.decode(json.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(document["errors"] as? Int == 1)

        let sarif = try CLI.run(["test", policies, "--format", "sarif"])
        let results = try Self.validateSARIF(sarif.stdout)
        #expect(results.map { $0["ruleId"] as? String } == ["test"])

        let junit = folder.appendingPathComponent("results.xml")
        let withJUnit = try CLI.run(["test", policies, "--junit", junit.path])
        #expect(withJUnit.status == 1)
        let xml = try String(contentsOf: junit, encoding: .utf8)
        #expect(xml.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"policy test\""))
        #expect(xml.contains("<testsuite name=\"chongqing/fengdu/2021\""))
        #expect(xml.contains("failures=\"1\""))
        #expect(xml.contains("<failure message=\"expect category unstable: expected unstable, got marginal\""))
        let parsed = try XMLDocument(data: Data(xml.utf8))
        #expect(try parsed.nodes(forXPath: "//testcase").count > 100)
        #expect(try parsed.nodes(forXPath: "//testcase/failure").count == 1)
    }

    @Test func theShippedTestsPassWithFullCoverage() throws {
        let run = try CLI.run(["test", "policies/", "--coverage"])
        #expect(run.status == 0, "\(run.stdout)")
        #expect(run.stdout.contains(" 0 failed"))
        let coverage = run.stdout.split(separator: "\n").filter { $0.hasPrefix("coverage ") }
        #expect(coverage.count == 6)
        for line in coverage where !line.hasPrefix("coverage shandong/2023") {
            #expect(!line.contains("untested"), "\(line)")
        }
        // The one exception: `procedure removal` of Shandong, which no household of that policy can reach (the
        // text states no exclusion); the policy says so and allows W0807 there.
        #expect(coverage.contains { $0.hasPrefix("coverage shandong/2023") && $0.hasSuffix("untested: procedure removal") })
    }
}
