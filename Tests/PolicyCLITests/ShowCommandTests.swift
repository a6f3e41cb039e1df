import Foundation
import Testing

@Suite("policy show")
struct ShowCommandTests {
    @Test func aCountyPolicyShowsInheritedAndOverriddenItemsWithTheirFiles() throws {
        let run = try CLI.run(["show", "hebei/laiyuan/2022"])
        #expect(run.status == 0, "\(run.stderr)")
        let text = run.stdout
        #expect(text.hasPrefix("# hebei/laiyuan/2022, resolved from hebei/2022 ← hebei/laiyuan/2022\n"))
        #expect(text.contains("# inherited: schema household/v1, calendar cn"))
        // Inherited from the province, as written there.
        #expect(text.contains("# from policies/hebei/2022.policy:"))
        #expect(text.contains("alert housing \"住房安全风险\" {"))
        // Overridden by the county, in the province's place.
        let lines = text.split(separator: "\n").map(String.init)
        let override = try #require(lines.firstIndex { $0.contains("overriding policies/hebei/2022.policy") })
        #expect(lines[override].hasPrefix("# from policies/hebei/laiyuan/2022.policy:"))
        #expect(lines[override + 1] == "procedure identification \"认定程序\" {")
        #expect(text.contains("alongside village_review"))
        // Added by the county, after the inherited items.
        let added = try #require(lines.firstIndex { $0.hasPrefix("alert traffic_accident") })
        let inherited = try #require(lines.firstIndex { $0.hasPrefix("alert poor_freshman") })
        #expect(inherited < added)
        // Every item says where it comes from.
        let items = lines.filter { $0.hasPrefix("param ") || $0.hasPrefix("let ") || $0.hasPrefix("alert ") || $0.hasPrefix("category ") }
        let origins = lines.filter { $0.hasPrefix("# from ") }
        #expect(origins.count >= items.count + 1)
    }

    @Test func aFileAndItsIdShowTheSame() throws {
        let byID = try CLI.run(["show", "chongqing/fengdu/2021"])
        let byFile = try CLI.run(["show", "policies/chongqing/fengdu/2021.policy"])
        #expect(byID.status == 0)
        #expect(byID.stdout == byFile.stdout)
    }

    @Test func anUnknownPolicyIsAnError() throws {
        let run = try CLI.run(["show", "hebei/nowhere/2022"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("no policy `hebei/nowhere/2022`"))
    }

    @Test func aCountyOverridingAParameterItsProvinceLacksIsReportedAtTheOverride() throws {
        let folder = try CLI.copyOfPolicies()
        defer { try? FileManager.default.removeItem(at: folder) }
        let county = folder.appendingPathComponent("policies/hebei/laiyuan/2022.policy")
        var text = try String(contentsOf: county, encoding: .utf8)
        text += "\noverride param large_deposit = 50000 yuan\n"
        try text.write(to: county, atomically: true, encoding: .utf8)
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).count - 1

        for command in [["check", county.path], ["show", county.path]] {
            let run = try CLI.run(command)
            #expect(run.status == 1, "\(command[0])")
            #expect(run.stderr.contains("\(county.path):\(line):10: error[E0518]: `hebei/2022` has no param `large_deposit` to change"),
                    "\(command[0]): \(run.stderr)")
        }
        let eval = try CLI.run(["eval", "--policy", county.path, "--records", CLI.path("examples/laiyuan-2022/households.jsonl")])
        #expect(eval.status == 1)
        #expect(eval.stderr.contains("E0518"))
    }
}
