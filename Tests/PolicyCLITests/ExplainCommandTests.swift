import Foundation
import Testing

/// `policy explain`: a decision told in words, with its figures, rules, sources and thresholds.
@Suite("policy explain")
struct ExplainCommandTests {
    static func explain(_ id: String, _ language: String) throws -> CLI.Run {
        try CLI.run(["explain", "--policy", "chongqing/fengdu/2021", "--records", EvalCommandTests.samples, "--id", id,
                     "--as-of", "2021-09-30", "--lang", language])
    }

    @Test func anExcludedHouseholdIsToldItsExclusionFiguresAndSource() throws {
        let run = try Self.explain("fd-exclude-deposits", "zh")
        #expect(run.status == 0, "\(run.stderr)")
        let text = run.stdout
        #expect(text.contains("结论：不纳入（排除）"))
        #expect(text.contains("net_per_capita：4,500 元/人/年"), "\(text)")
        #expect(text.contains("适用排除情形：`deposits`（大额存款、有价证券、债券、储蓄性保险）"))
        #expect(text.contains("依据：“5.家庭成员有大额的银行存款、有价证券、债券、储蓄性保险的。”（一(二)第5种情形）"))
        #expect(text.contains("门槛：`assets.deposits` 120,000 元 ≥ `large_deposit` 50,000 元，成立；低于 50,000 元 时不再成立"), "\(text)")
    }

    @Test func anIncludedHouseholdIsToldItsCategoryAndTheNearestExclusion() throws {
        let run = try Self.explain("fd-include-marginal-01", "en")
        #expect(run.status == 0)
        #expect(run.stdout.contains("Decision: include, as `marginal` (边缘易致贫户)"))
        #expect(run.stdout.contains("Threshold: `net_per_capita` 4,500 yuan/person/year < `monitoring_line` 6,000 yuan/person/year: holds; it would not at 6,000 yuan/person/year or more"),
                "\(run.stdout)")
        #expect(run.stdout.contains("`deposits` (大额存款、有价证券、债券、储蓄性保险): Threshold: `assets.deposits` 3,000 yuan ≥ `large_deposit` 50,000 yuan: does not hold; it would at 50,000 yuan or more"),
                "\(run.stdout)")
    }

    @Test func aMonitoredHouseholdIsToldWhatBlocksElimination() throws {
        let run = try Self.explain("fd-continue-two-blockers", "zh")
        #expect(run.stdout.contains("条件未满足（阻止风险消除）：`min_months`（监测帮扶半年以上）"), "\(run.stdout)")
        #expect(run.stdout.contains("风险消除受阻于：min_months、income_below_line"))
    }

    @Test func aBrokenRecordAndAMissingIDAreSaid() throws {
        let broken = try Self.explain("fd-error-missing-wage", "en")
        #expect(broken.stdout.contains("Decision: error"))
        #expect(broken.stdout.contains("error[E0602]"), "\(broken.stdout)")
        let missing = try Self.explain("no-such-household", "en")
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no household `no-such-household`"))
    }
}

/// `policy new`: next year's policy, or a county's, started from its base.
@Suite("policy new")
struct NewCommandTests {
    @Test func aNewPolicyExtendsItsBaseAndListsTheParameters() throws {
        let folder = try CLI.copyOfPolicies()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CLI.run(["new", "hebei/2023", "--extends", "hebei/2022"], in: folder)
        #expect(run.status == 0, "\(run.stderr)")
        let path = folder.appendingPathComponent("policies/hebei/2023.policy")
        let text = try String(contentsOf: path, encoding: .utf8)
        #expect(text.contains("policy hebei/2023 extends hebei/2022 {"))
        #expect(text.contains("  region \"河北省\"\n  year   2023\n"))
        #expect(text.contains("# override param monitoring_line = 6000 yuan/person/year\n#   source \"三是建立防止返贫监测对象收入监测标准年度调整机制"))
        #expect(text.contains("# override param sharp_drop = 50%"), "written as the base writes it")
        let check = try CLI.run(["check", path.path], in: folder)
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stderr.contains("0 errors"))
        #expect(try CLI.run(["fmt", "--check", path.path], in: folder).status == 0)
        // It is refused a second time, unless forced.
        #expect(try CLI.run(["new", "hebei/2023", "--extends", "hebei/2022"], in: folder).status == 1)
        #expect(try CLI.run(["new", "hebei/2023", "--extends", "hebei/2022", "--force"], in: folder).status == 0)
    }

    @Test func aCountyPolicyUncommentedChecksAndChangesTheLine() throws {
        let folder = try CLI.copyOfPolicies()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try CLI.run(["new", "chongqing/fengdu/2022", "--extends", "chongqing/fengdu/2021"], in: folder).status == 0)
        let path = folder.appendingPathComponent("policies/chongqing/fengdu/2022.policy")
        var text = try String(contentsOf: path, encoding: .utf8)
        // Uncomment the line's override, as an author would, and raise it.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let start = try #require(lines.firstIndex { $0.hasPrefix("# override param monitoring_line =") })
        var edited = lines
        edited[start] = "override param monitoring_line = 6600 yuan/person/year"
        var index = start + 1
        while index < edited.count, edited[index].hasPrefix("#   ") {
            edited[index] = "  " + edited[index].dropFirst(4)
            index += 1
        }
        text = edited.joined(separator: "\n")
        try text.write(to: path, atomically: true, encoding: .utf8)
        let check = try CLI.run(["check", path.path], in: folder)
        #expect(check.stderr.contains(" 0 errors"), "\(check.stderr)")
        let record = try String(contentsOfFile: CLI.path(EvalCommandTests.samples), encoding: .utf8).split(separator: "\n")[0]
            .replacingOccurrences(of: "\"wage\":9000", with: "\"wage\":12400")
        let old = try CLI.run(["eval", "--policy", "chongqing/fengdu/2021", "--as-of", "2022-09-30"], stdin: record + "\n", in: folder)
        let new = try CLI.run(["eval", "--policy", "chongqing/fengdu/2022", "--as-of", "2022-09-30"], stdin: record + "\n", in: folder)
        #expect(old.lines.first?.contains("\"decision\":\"not_eligible\"") == true, "6,200 a person is above 6,000: \(old.stdout)")
        #expect(new.lines.first?.contains("\"decision\":\"include\"") == true, "and below 6,600: \(new.stdout)")
    }
}

extension ExplainCommandTests {
    @Test func aCategoryNotMetNamesTheUnmetPart() throws {
        let run = try Self.explain("fd-exclude-deposits", "zh")
        #expect(run.stdout.contains("不符合类别 `unstable`（脱贫不稳定户）\n  依据："), "\(run.stdout)")
        #expect(run.stdout.contains("  未满足：`once_registered_poor` 为否"), "\(run.stdout)")
    }
}
