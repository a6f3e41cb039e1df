import Foundation
import Testing

/// The sample households under `examples/`, evaluated as their READMEs say:
/// the results must stay those kept in each folder's `expected.jsonl`, and
/// the alerts of 涞源县 must be those its notice (seed `004`) prescribes.
@Suite("examples")
struct ExamplesTests {
    /// (folder, policy option and value, as-of date)
    static let examples: [(folder: String, policy: [String], asOf: String)] = [
        ("laiyuan-2022", ["--policy", "hebei/laiyuan/2022"], "2022-09-28"),
        ("hebei-2022", ["--policy", "hebei/2022"], "2022-09-28"),
        ("shandong-2023", ["--policy", "policies/shandong/2023.policy"], "2023-05-15"),
        ("neimenggu-eerhe-2023", ["--policy", "policies/neimenggu/molidawa/eerhe/2023.policy"], "2023-03-31"),
        ("county-5000-2020", ["--policy", "policies/unnamed/county_5000/2020.policy"], "2020-09-30"),
        ("regions-2022", ["--policies", "policies/"], "2022-09-28"),
    ]

    static func run(_ folder: String) throws -> CLI.Run {
        let example = try #require(examples.first { $0.folder == folder })
        return try CLI.run(["eval"] + example.policy + ["--records", "examples/\(folder)/households.jsonl", "--as-of", example.asOf])
    }

    @Test(arguments: examples.map(\.folder))
    func eachExampleGivesItsExpectedResults(folder: String) throws {
        let run = try Self.run(folder)
        // Households no policy covers are errors, and the status says some records have errors.
        #expect(run.status == (folder == "regions-2022" ? 3 : 0), "\(run.stderr)")
        let records = try String(contentsOfFile: CLI.path("examples/\(folder)/households.jsonl"), encoding: .utf8)
        #expect(run.lines.count == records.split(separator: "\n").count)
        #expect(run.lines.compactMap(CLI.decode).allSatisfy { $0["decision"] as? String != "error" || folder == "regions-2022" })
        try CLI.expectGolden(run.stdout, "examples/\(folder)/expected.jsonl")
    }

    /// The results of the Laiyuan example by household id.
    static func laiyuan() throws -> [String: [String: Any]] {
        var results: [String: [String: Any]] = [:]
        for result in try run("laiyuan-2022").lines.compactMap(CLI.decode) {
            if let id = result["id"] as? String { results[id] = result }
        }
        return results
    }

    static func alerts(_ result: [String: Any]?) -> [String] {
        let alerts = result?["alerts"] as? [[String: Any]] ?? []
        return alerts.map { "\($0["department"] as? String ?? "?") \($0["due"] as? String ?? "?")" }.sorted()
    }

    /// Seed 004, items ① to ⑨, as of Wednesday 2022-09-28.
    @Test(arguments: [
        ("ly-green-channel-disaster", ["应急管理部门 2022-09-27"]),             // ① within 7 days of 09-20
        ("ly-school-dropout-within-7-days", ["教育部门 2022-10-03"]),           // ① within 7 days of 09-26
        ("ly-medical-every-10-days-monitored", ["乡村干部 2022-09-30", "医保部门 2022-10-08"]), // ② every 10 days; monthly visit
        ("ly-medical-monthly-other-insured", ["医保部门 2022-09-30"]),          // ② monthly
        ("ly-housing-half-month", ["住建部门 2022-09-30"]),                     // ③ every half month
        ("ly-dibao-half-month", ["民政部门 2022-09-30"]),                       // ③
        ("ly-industry-promptly", ["农业农村部门 2022-09-28"]),                  // ④ promptly
        ("ly-freshman-in-september", ["教育部门 2022-09-28"]),                  // ⑤ September–October, in real time
        ("ly-medical-spending-over-20000", ["医保部门 2022-09-30", "卫健局 2022-10-05"]), // ⑥ by the 5th
        ("ly-uninsured-member", ["卫健局 2022-10-05"]),                         // ⑥
        ("ly-spending-this-month-counts-for-next-push", ["医保部门 2022-09-30", "卫健局 2022-10-05"]), // ⑥ to the end of September for 10-05
        ("ly-traffic-accident-last-month", ["公安局 2022-09-05"]),              // ⑦ August's, due 09-05: overdue
        ("ly-traffic-accident-this-month", ["公安局 2022-10-05"]),              // ⑦ September's, by 10-05
        ("ly-online-report-and-petition", ["乡村振兴局 2022-09-05", "网信办 2022-09-05"]), // ⑧ ⑨ August's: overdue
        ("ly-event-after-as-of-ignored", []),
        ("ly-not-eligible-no-alert", []),
    ])
    func laiyuanAlertsFollowTheNotice(id: String, expected: [String]) throws {
        #expect(Self.alerts(try Self.laiyuan()[id]) == expected)
    }

    @Test func laiyuanStepsSkipTheWeekendAndTheNationalDayHoliday() throws {
        let results = try Self.laiyuan()
        func steps(_ id: String) -> [String] {
            (results[id]?["procedure"] as? [[String: Any]] ?? []).map { "\($0["step"] as? String ?? "?") \($0["due"] as? String ?? "?")" }
        }
        #expect(steps("ly-include-deadline-passed") == [
            "visit 2022-09-30", "village_review 2022-10-12", "township_review 2022-10-10",
            "comparison 2022-10-17", "county_approval 2022-10-18",
        ])
        #expect(steps("ly-include-comparison-skipped").last == "county_approval 2022-10-13")
        #expect((results["ly-include-deadline-passed"]?["warnings"] as? [String])?.count == 2)
        #expect(results["ly-green-channel-disaster"]?["green_channel"] as? Bool == true)
        #expect(results["ly-include-deadline-passed"]?["green_channel"] as? Bool == false)
    }

    @Test func theTableShowsAlertsAndTheFirstAndLastSteps() throws {
        let run = try CLI.run(["eval", "--policy", "hebei/laiyuan/2022", "--records", "examples/laiyuan-2022/households.jsonl",
                               "--as-of", "2022-09-28", "--format", "table"])
        #expect(run.status == 0)
        let rows = run.lines
        #expect(rows.first?.contains("alerts (due)") == true)
        #expect(rows.contains { $0.hasPrefix("ly-include-deadline-passed ") && $0.contains("visit 2022-09-30 … county_approval 2022-10-18") })
        #expect(rows.contains { $0.hasPrefix("ly-green-channel-disaster ") && $0.contains("include (green channel)") && $0.contains("disaster 2022-09-27") })
    }

    @Test func eachHouseholdNamesThePolicyChosenForItsRegion() throws {
        let results = try Self.run("regions-2022").lines.compactMap(CLI.decode)
        let chosen = results.map { "\($0["id"] as? String ?? "?") \($0["policy"] as? String ?? "null")" }
        #expect(chosen == [
            "rg-hebei-fuping-uses-province hebei/2022",
            "rg-hebei-laiyuan-uses-county hebei/laiyuan/2022",
            "rg-chongqing-fengdu-uses-2021 chongqing/fengdu/2021",
            "rg-shandong-only-from-2023 null",
        ])
        #expect((results.last?["messages"] as? [String])?.first?.contains("E0705") == true)
    }
}
