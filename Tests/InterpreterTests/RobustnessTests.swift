import Foundation
import Testing
import Lexer
@testable import Interpreter

/// Damaged policies and records, made deterministically from the shipped
/// ones: every one must give diagnostics or results, never a crash or a hang.
@Suite struct RobustnessTests {
    static let policyText: String = (try? Fixtures.text("policies/chongqing/fengdu/2021.policy")) ?? ""

    static func mutate(_ text: String, _ random: inout Random) -> String {
        var scalars = Array(text.unicodeScalars)
        let pieces: [String] = ["(", ")", "{", "}", "\"", "“", "#", "\n", "=", "and ", "6000", "元", "\u{200B}", "\\", ".", "[", "]"]
        for _ in 0..<(1 + Int(random.next() % 4)) {
            guard !scalars.isEmpty else { break }
            let at = Int(random.next() % UInt64(scalars.count))
            switch random.next() % 4 {
            case 0:
                let length = min(scalars.count - at, Int(random.next() % 40))
                scalars.removeSubrange(at..<(at + length))
            case 1:
                scalars.insert(contentsOf: pieces[Int(random.next() % UInt64(pieces.count))].unicodeScalars, at: at)
            case 2:
                let length = min(scalars.count - at, Int(random.next() % 60))
                scalars.insert(contentsOf: scalars[at..<(at + length)], at: Int(random.next() % UInt64(scalars.count)))
            default:
                scalars.replaceSubrange(at..<(at + 1), with: pieces[Int(random.next() % UInt64(pieces.count))].unicodeScalars)
            }
        }
        return String(String.UnicodeScalarView(scalars))
    }

    @Test func damagedPoliciesGiveDiagnosticsNotCrashes() {
        var random = Random(seed: 6000)
        var withErrors = 0
        for round in 0..<300 {
            let text = Self.mutate(Self.policyText, &random)
            let loaded = PolicyEngine().load(text: text, path: "mutant-\(round).policy", schema: PolicyTesting.schema, calendar: PolicyTesting.calendar)
            let length = text.unicodeScalars.count
            for diagnostic in loaded.diagnostics {
                if let range = diagnostic.range { #expect(range.start <= length && range.end <= length) }
                _ = DiagnosticRenderer.render(diagnostic)
            }
            if loaded.plan == nil { withErrors += 1 }
            #expect(loaded.plan != nil || loaded.diagnostics.hasErrors, "a policy without a plan must say why")
        }
        #expect(withErrors > 100, "most mutations should break the policy")
    }

    /// A county policy, its province's and a calendar, damaged in a copy of
    /// `policies/`: inheritance, alerts, procedures and working days must
    /// report problems, and a policy that still loads must evaluate.
    @Test func damagedCountyProvinceAndCalendarGiveDiagnosticsNotCrashes() throws {
        let manager = FileManager.default
        let folder = manager.temporaryDirectory.appendingPathComponent("policy-robustness-\(UUID().uuidString)")
        try manager.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? manager.removeItem(at: folder) }
        let policies = folder.appendingPathComponent("policies")
        try manager.copyItem(at: Fixtures.url("policies"), to: policies)
        let files = ["hebei/laiyuan/2022.policy", "hebei/2022.policy", "calendar/cn/2022.policy"]
        let originals = try files.map { try Fixtures.text("policies/\($0)") }
        let records = try Fixtures.text("examples/laiyuan-2022/households.jsonl").split(separator: "\n").prefix(6)
            .compactMap { try? JSONParser.parse(Array($0.utf8)).get() }
        var random = Random(seed: 2022)
        var loadedPlans = 0
        for _ in 0..<60 {
            let damaged = Int(random.next() % UInt64(files.count))
            for (index, file) in files.enumerated() {
                let text = index == damaged ? Self.mutate(originals[index], &random) : originals[index]
                try text.write(to: policies.appendingPathComponent(file), atomically: true, encoding: .utf8)
            }
            let engine = PolicyEngine()
            let county = policies.appendingPathComponent(files[0]).path
            for diagnostic in engine.check(path: county) { _ = DiagnosticRenderer.render(diagnostic) }
            let loaded = engine.load(path: county)
            #expect(loaded.plan != nil || loaded.diagnostics.hasErrors, "a policy without a plan must say why")
            guard let plan = loaded.plan else { continue }
            loadedPlans += 1
            let results = PolicyTesting.evaluate(plan, records, asOf: CivilDate(year: 2022, month: 9, day: 28)!)
            #expect(results.count == records.count)
        }
        #expect(loadedPlans > 0, "some damage leaves the policy usable (comments, labels)")
    }

    @Test func damagedRecordsEachGetOneResult() throws {
        let plan = try #require(PolicyEngine(workspace: Workspace()).load(path: Fixtures.url("policies/chongqing/fengdu/2021.policy").path).plan)
        let lines = try Fixtures.text("policies/samples/fengdu-2021.jsonl").split(separator: "\n").map { Array($0.utf8) }
        var random = Random(seed: 2021)
        var input: [UInt8] = []
        var count = 0
        for _ in 0..<400 {
            var line = lines[Int(random.next() % UInt64(lines.count))]
            for _ in 0..<Int(random.next() % 3) where !line.isEmpty {
                let at = Int(random.next() % UInt64(line.count))
                line[at] = UInt8(truncatingIfNeeded: random.next())
            }
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }) { continue }
            line.removeAll { $0 == 0x0A }
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) || line.isEmpty { continue }
            input += line + [0x0A]
            count += 1
        }
        var source = JSONLinesRecordSource(reader: JSONLinesReader(source: MemoryByteSource(input)))
        var evaluator = HouseholdEvaluator(plan: plan, asOf: PolicyTesting.asOf)
        var results = 0
        while let record = source.next() {
            _ = ResultWriter.json(evaluator.evaluate(record))
            results += 1
        }
        #expect(results == count)
    }
}
