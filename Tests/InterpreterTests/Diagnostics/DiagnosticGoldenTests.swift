import Foundation
import Testing
@testable import Interpreter

/// Every diagnostic code has a fixture that produces it and a golden file with
/// the exact text `policy check` (or a result's `messages`) shows for it.
@Suite struct DiagnosticGoldenTests {
    static let folder = "Tests/Fixtures/diagnostics"

    static var policyFixtures: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: Fixtures.url(folder).path)) ?? []
        return names.filter { $0.hasSuffix(".policy") }.map { String($0.dropLast(".policy".count)) }.sorted()
    }

    /// Records fixtures: `records/CODE.jsonl`, `records/CODE.csv`, or a folder
    /// `records/CODE/` with its own policy and schema.
    static var recordFixtures: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: Fixtures.url(folder + "/records").path)) ?? []
        return Set(names.compactMap { name -> String? in
            if name.hasSuffix(".jsonl") || name.hasSuffix(".csv") { return String(name.split(separator: ".")[0]) }
            if !name.contains(".") { return name }
            return nil
        }).sorted()
    }

    static func engine(for code: String) -> PolicyEngine {
        var workspace = Workspace(extraRoots: [Fixtures.url("policies").path])
        // A policy larger than this is refused; the fixture of E0003 is a normal policy.
        if code == "E0003" { workspace.maxPolicyBytes = 64 }
        return PolicyEngine(workspace: workspace)
    }

    @Test(arguments: policyFixtures)
    func policyFixtureReportsItsCode(code: String) throws {
        let path = Fixtures.url("\(Self.folder)/\(code).policy").path
        var diagnostics = Self.engine(for: code).check(path: path)
        if code.hasPrefix("W08") {
            // Lint: the fixture, with the policies of a folder of the same name (W0810's other years).
            let folder = Fixtures.url("\(Self.folder)/\(code)")
            let others = Self.engine(for: code).workspace.policyFiles(in: [folder.path]).files
            diagnostics += Self.engine(for: code).lint(files: [path] + (FileManager.default.fileExists(atPath: folder.path) ? others : []))
        }
        let rendered = Fixtures.relativize(DiagnosticRenderer.render(diagnostics))
        #expect(diagnostics.contains { $0.code.rawValue == code }, "\(code).policy gives \(diagnostics.map(\.code.rawValue))")
        if let difference = try Fixtures.compareGolden(rendered, "\(Self.folder)/\(code).expected") {
            Issue.record(Comment(rawValue: difference))
        }
    }

    @Test(arguments: recordFixtures)
    func recordFixtureReportsItsCode(code: String) throws {
        let base = Fixtures.url("\(Self.folder)/records")
        let manager = FileManager.default
        var directory = base
        if manager.fileExists(atPath: base.appendingPathComponent(code).path) { directory = base.appendingPathComponent(code) }
        let asOf = CivilDate(year: 2021, month: 9, day: 30)!
        // A folder with `policies/` chooses among them per household (`--policies`).
        let folder = directory.appendingPathComponent("policies")
        var evaluate: (RawRecord) -> HouseholdResult
        let plan: Plan
        if manager.fileExists(atPath: folder.path) {
            let plans = try #require(Self.engine(for: code).loadAll(in: folder.path).plans)
            plan = try #require(plans.first)
            var selector = PolicySelector(plans: plans, asOf: asOf, folder: "policies")
            evaluate = { selector.evaluate($0) }
        } else {
            let policy = directory.appendingPathComponent("\(code).policy")
            let policyPath = manager.fileExists(atPath: policy.path) ? policy.path : Fixtures.url("policies/chongqing/fengdu/2021.policy").path
            let loaded = Self.engine(for: code).load(path: policyPath)
            plan = try #require(loaded.plan, "\(policyPath): \(loaded.diagnostics.map(\.message))")
            var evaluator = HouseholdEvaluator(plan: plan, asOf: asOf)
            evaluate = { evaluator.evaluate($0) }
        }
        let csv = directory.appendingPathComponent("\(code).csv")
        var records: any RecordSource
        if manager.fileExists(atPath: csv.path) {
            records = CSVRecordSource(rows: CSVReader(source: try FileByteSource(path: csv.path)), schema: plan.schema)
        } else {
            let jsonl = directory.appendingPathComponent("\(code).jsonl")
            records = JSONLinesRecordSource(reader: JSONLinesReader(source: try FileByteSource(path: jsonl.path)))
        }
        var lines: [String] = []
        while let record = records.next() {
            let result = evaluate(record)
            lines.append("\(result.id ?? "-"): \(result.decision.rawValue)")
            lines += (result.messages + result.warnings).map { "  \($0)" }
        }
        let text = lines.joined(separator: "\n") + "\n"
        #expect(text.contains("[\(code)]"), "\(code) fixture gives:\n\(text)")
        if let difference = try Fixtures.compareGolden(text, "\(Self.folder)/records/\(code).expected") {
            Issue.record(Comment(rawValue: difference))
        }
    }

    /// The codes the catalogue can produce, read from its source so that a new
    /// code cannot be added without a fixture and documentation.
    static var catalogueCodes: [String] {
        guard let source = try? Fixtures.text("Sources/Interpreter/Diagnostics/DiagnosticCatalog.swift") else { return [] }
        let pattern = try? NSRegularExpression(pattern: "\"([EW][0-9]{4})\"")
        let range = NSRange(source.startIndex..., in: source)
        let codes = pattern?.matches(in: source, range: range).compactMap { match in
            Range(match.range(at: 1), in: source).map { String(source[$0]) }
        } ?? []
        return Array(Set(codes)).sorted()
    }

    /// SARIF and GitHub reports name each code by its title in the docs.
    @Test func everyCodeHasTheTitleItsDocumentationGives() throws {
        let docs = try Fixtures.text("docs/diagnostics.md")
        let pattern = try NSRegularExpression(pattern: "^### ([EW][0-9]{4}): (.+)$", options: .anchorsMatchLines)
        var documented: [String: String] = [:]
        for match in pattern.matches(in: docs, range: NSRange(docs.startIndex..., in: docs)) {
            guard let code = Range(match.range(at: 1), in: docs), let title = Range(match.range(at: 2), in: docs) else { continue }
            documented[String(docs[code])] = String(docs[title])
        }
        #expect(documented == DiagnosticTitles.byCode)
        for code in Self.catalogueCodes { #expect(DiagnosticTitles.byCode[code] != nil, "\(code) has no title") }
    }

    @Test func theCatalogueHasCodes() {
        #expect(Self.catalogueCodes.count > 60)
    }

    @Test(arguments: catalogueCodes)
    func everyCodeHasAFixtureAndADocumentedExample(code: String) throws {
        let fixtures = Set(Self.policyFixtures + Self.recordFixtures)
        #expect(fixtures.contains(code), "no fixture produces \(code)")
        let docs = try Fixtures.text("docs/diagnostics.md")
        #expect(docs.contains("### \(code)"), "docs/diagnostics.md has no section for \(code)")
    }
}

/// `policy check` checks each policy once for both the check and the lint
/// (`checkAndLint`): what it says is what checking each file and then
/// linting them all says, in the same order.
@Suite struct CheckAndLintTests {
    @Test(arguments: ["policies", "Tests/Fixtures/diagnostics"])
    func checkingOnceGivesWhatCheckingThenLintingGives(folder: String) {
        let engine = PolicyEngine()
        let files = engine.workspace.policyFiles(in: [Fixtures.url(folder).path]).files
        #expect(files.count > 10)
        let separately = files.flatMap { engine.check(path: $0) } + engine.lint(files: files)
        let together = engine.checkAndLint(files: files)
        #expect(DiagnosticRenderer.render(together) == DiagnosticRenderer.render(separately))
        // The shipped policies check clean; the fixtures are there to be reported.
        #expect(together.isEmpty == (folder == "policies"))
    }
}
