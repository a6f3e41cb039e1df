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
