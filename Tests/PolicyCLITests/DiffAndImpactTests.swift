import Foundation
import Testing

/// `policy diff` and `policy impact` on a line raised from 6000 to 6600 yuan.
@Suite("diff and impact", .serialized)
struct DiffAndImpactTests {
    /// A copy of `policies/` with `chongqing/fengdu/2022`: Fengdu 2021 with the line at 6600 yuan.
    static func raisedLine() throws -> URL {
        let folder = try CLI.copyOfPolicies()
        #expect(try CLI.run(["new", "chongqing/fengdu/2022", "--extends", "chongqing/fengdu/2021"], in: folder).status == 0)
        let path = folder.appendingPathComponent("policies/chongqing/fengdu/2022.policy")
        var lines = try String(contentsOf: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let start = try #require(lines.firstIndex { $0.hasPrefix("# override param monitoring_line =") })
        lines[start] = "override param monitoring_line = 6600 yuan/person/year"
        var index = start + 1
        while index < lines.count, lines[index].hasPrefix("#   ") {
            lines[index] = "  " + lines[index].dropFirst(4)
            index += 1
        }
        try lines.joined(separator: "\n").write(to: path, atomically: true, encoding: .utf8)
        return folder
    }

    @Test func diffSaysTheLineRoseAndTheCategoriesWidened() throws {
        let folder = try Self.raisedLine()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CLI.run(["diff", "chongqing/fengdu/2021", "chongqing/fengdu/2022", "--format", "json"], in: folder)
        #expect(run.status == 0, "\(run.stderr)")
        let diff = try #require(CLI.decode(run.stdout))
        let parameters = try #require(diff["parameters"] as? [[String: Any]])
        #expect(parameters.count == 1)
        #expect(parameters.first?["name"] as? String == "monitoring_line")
        #expect(parameters.first?["old"] as? String == "6000 yuan/person/year")
        #expect(parameters.first?["new"] as? String == "6600 yuan/person/year")
        let items = try #require(diff["items"] as? [[String: Any]])
        let marginal = try #require(items.first { $0["kind"] as? String == "category" && $0["name"] as? String == "marginal" })
        #expect(marginal["direction"] as? String == "wider")
        #expect(marginal["through"] as? [String] == ["monitoring_line"])
        let example = try #require(marginal["example"] as? [String: Any])
        #expect(example["subject"] as? String == "net_per_capita")
        #expect(example["value"] as? String == "6000 yuan/person/year")
        #expect(example["new_holds"] as? Bool == true)
        // Exclusions do not read the line: they are not listed.
        #expect(!items.contains { $0["kind"] as? String == "exclude" })
        // The same policy against itself: no change.
        let same = try CLI.run(["diff", "chongqing/fengdu/2021", "chongqing/fengdu/2021"], in: folder)
        #expect(same.stdout.contains("No change"))
    }

    @Test func diffOfAChangedConditionPrintsBothAndTellsTheDirection() throws {
        let folder = try CLI.copyOfPolicies()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("policies/chongqing/fengdu/2021.policy")
        let original = try String(contentsOf: path, encoding: .utf8)
        let changed = folder.appendingPathComponent("changed.policy")
        try original.replacingOccurrences(of: "when assets.deposits >= large_deposit otherwise false",
                                          with: "when assets.deposits >= 80000 yuan otherwise false")
            .write(to: changed, atomically: true, encoding: .utf8)
        #expect(original.contains("when assets.deposits >= large_deposit otherwise false"))
        // The changed file lives outside `policies/`: give it the schema's folder as its own.
        try FileManager.default.copyItem(at: folder.appendingPathComponent("policies/schema"), to: folder.appendingPathComponent("schema"))
        try FileManager.default.copyItem(at: folder.appendingPathComponent("policies/calendar"), to: folder.appendingPathComponent("calendar"))
        try FileManager.default.copyItem(at: folder.appendingPathComponent("policies/sources"), to: folder.appendingPathComponent("sources"))
        let run = try CLI.run(["diff", path.path, changed.path], in: folder)
        #expect(run.stdout.contains("~ exclude `deposits`"), "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("old: assets.deposits >= large_deposit otherwise false"))
        #expect(run.stdout.contains("new: assets.deposits >= 80000 yuan otherwise false"))
        #expect(run.stdout.contains("narrower: holds for fewer households"), "50,000 → 80,000 excludes fewer: \(run.stdout)")
        #expect(run.stdout.contains("`assets.deposits` = 50000 yuan: the old condition holds and the new one does not"), "\(run.stdout)")
    }

    @Test func impactTransitionsMatchTwoEvaluations() throws {
        let folder = try Self.raisedLine()
        defer { try? FileManager.default.removeItem(at: folder) }
        let records = folder.appendingPathComponent("households.jsonl")
        try CLI.run(["generate", "--count", "3000", "--seed", "11"]).stdout.write(to: records, atomically: true, encoding: .utf8)
        func decisions(_ policy: String) throws -> [[String: Any]] {
            try CLI.run(["eval", "--policy", policy, "--records", records.path, "--as-of", "2021-09-30"], in: folder).lines.compactMap(CLI.decode)
        }
        let old = try decisions("chongqing/fengdu/2021"), new = try decisions("chongqing/fengdu/2022")
        #expect(old.count == 3000 && new.count == 3000)
        var expected: [String: Int] = [:]
        var movers = 0
        for (a, b) in zip(old, new) {
            let from = a["decision"] as? String ?? "", to = b["decision"] as? String ?? ""
            expected["\(from) → \(to)", default: 0] += 1
            let categoryA = (a["category"] as? String) ?? (a["matched_category"] as? String)
            let categoryB = (b["category"] as? String) ?? (b["matched_category"] as? String)
            if from != to || categoryA != categoryB { movers += 1 }
        }
        #expect(expected["not_eligible → include", default: 0] > 0, "a higher line takes households in")
        let run = try CLI.run(["impact", "--from", "chongqing/fengdu/2021", "--to", "chongqing/fengdu/2022", "--records", records.path,
                               "--as-of", "2021-09-30", "--format", "json"], in: folder)
        #expect(run.status == 0, "\(run.stderr)")
        let impact = try #require(CLI.decode(run.stdout))
        let summary = try #require(impact["summary"] as? [String: Any])
        #expect(summary["households"] as? Int == 3000)
        #expect(summary["movers"] as? Int == movers)
        #expect((summary["transitions"] as? [String: Int]) == expected)
        let listed = try #require(impact["movers"] as? [[String: Any]])
        #expect(listed.count == movers)
        let first = try #require(listed.first { ($0["old"] as? [String: Any])?["decision"] as? String == "not_eligible" })
        #expect((first["reasons"] as? [String])?.first?.hasPrefix("category `") == true, "\(first)")
        #expect(first["township"] is String && first["village"] is String)
        // The text and CSV forms say the same counts.
        let csv = try CLI.run(["impact", "--from", "chongqing/fengdu/2021", "--to", "chongqing/fengdu/2022", "--records", records.path,
                               "--as-of", "2021-09-30", "--format", "csv"], in: folder)
        #expect(csv.stdout.split(whereSeparator: \.isNewline).count == movers + 1)
        #expect(csv.stderr.contains("3,000 households, \(movers) move"), "\(csv.stderr.prefix(300))")
    }
}

extension DiffAndImpactTests {
    @Test func anImpactReportShowsTheTransitionsOfPolicyImpact() throws {
        let folder = try Self.raisedLine()
        defer { try? FileManager.default.removeItem(at: folder) }
        let records = folder.appendingPathComponent("households.jsonl")
        try CLI.run(["generate", "--count", "1000", "--seed", "12"]).stdout.write(to: records, atomically: true, encoding: .utf8)
        let page = folder.appendingPathComponent("impact.html")
        let report = try CLI.run(["report", "--from", "chongqing/fengdu/2021", "--to", "chongqing/fengdu/2022", "--records", records.path,
                                  "--as-of", "2021-09-30", "--html", page.path], in: folder)
        #expect(report.status == 0, "\(report.stderr)")
        let html = try String(contentsOf: page, encoding: .utf8)
        let impact = try CLI.run(["impact", "--from", "chongqing/fengdu/2021", "--to", "chongqing/fengdu/2022", "--records", records.path,
                                  "--as-of", "2021-09-30", "--format", "json"], in: folder)
        let transitions = try #require((CLI.decode(impact.stdout)?["summary"] as? [String: Any])?["transitions"] as? [String: Int])
        let moved = try #require(transitions["not_eligible → include"])
        // The matrix row of `not_eligible` holds, under `include`, the households that moved there.
        let matrix = try #require(html.range(of: "id=\"table-transitions\"").map { String(html[$0.lowerBound...]) })
        let row = try #require(matrix.components(separatedBy: "<tr><th scope=\"row\">Not eligible</th>").dropFirst().first)
        #expect(row.hasPrefix("<td class=\"num\" data-value=\"\(moved)\">"), "\(row.prefix(120))")
        #expect(html.contains("id=\"total-households\" data-value=\"1000\""))
    }
}
