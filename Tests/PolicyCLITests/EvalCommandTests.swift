import Foundation
import Testing

@Suite("policy eval")
struct EvalCommandTests {
    static let samples = "policies/samples/fengdu-2021.jsonl"

    @Test func theSampleHouseholdsGetTheResultsTheSourceSentencesGive() throws {
        let run = try CLI.evalFengdu(["--records", Self.samples])
        // Seven sample records are broken on purpose: each has its result, and the status says so.
        #expect(run.status == 3, "\(run.stderr)")
        #expect(run.stderr.contains("evaluated 43 households"), "\(run.stderr)")
        #expect(run.stderr.contains("12 include, 6 exclude, 4 not_eligible, 6 continue, 2 eliminate, 2 remove, 4 needs_data, 7 error"), "\(run.stderr)")
        try CLI.expectGolden(run.stdout, "Tests/Fixtures/eval/fengdu-2021.expected.jsonl")
    }

    @Test func everyRecordGetsOneResultInInputOrderEvenWhenSomeAreMalformed() throws {
        let input = try String(contentsOfFile: CLI.path(Self.samples), encoding: .utf8)
        let records = input.split(separator: "\n").map(String.init)
        let run = try CLI.evalFengdu(["--records", Self.samples])
        let results = run.lines.compactMap(CLI.decode)
        #expect(results.count == records.count)
        for (index, (record, result)) in zip(records, results).enumerated() {
            if let id = CLI.decode(record)?["id"] as? String {
                #expect(result["id"] as? String == id, "result \(index + 1) is out of order")
            }
            if result["decision"] as? String == "error" {
                let messages = result["messages"] as? [String] ?? []
                #expect(messages.contains { $0.contains("line \(index + 1)") }, "the error of line \(index + 1) does not name its line: \(messages)")
            }
        }
        #expect(results.contains { $0["decision"] as? String == "error" })
    }

    @Test func badLinesAmongGoodOnesLeaveTheGoodResultsUnchanged() throws {
        let good = try String(contentsOfFile: CLI.path(Self.samples), encoding: .utf8).split(separator: "\n").prefix(5).map(String.init)
        let mixed = [good[0], "not json at all", good[1], "{\"id\": \"cut\", \"members\": [", "", good[2], "[1, 2]", good[3], good[4]]
        let alone = try CLI.evalFengdu(["--records", "-"], stdin: good.joined(separator: "\n") + "\n")
        let together = try CLI.evalFengdu(["--records", "-"], stdin: mixed.joined(separator: "\n") + "\n")
        let aloneResults = alone.lines.compactMap(CLI.decode)
        let togetherResults = together.lines.compactMap(CLI.decode)
        #expect(togetherResults.count == 8, "a blank line is not a record; every other line is")
        let decisions = togetherResults.map { $0["decision"] as? String ?? "" }
        #expect(decisions.filter { $0 == "error" }.count == 3)
        let goodFromMixed = togetherResults.filter { $0["decision"] as? String != "error" }
        #expect(goodFromMixed.map { $0["decision"] as? String } == aloneResults.map { $0["decision"] as? String })
        #expect((togetherResults[3]["id"] as? String) == "cut", "a broken record is still named by the id it gives")
    }

    @Test func jsonArrayAndCSVInputsGiveTheSameDecisionsAsJSONLines() throws {
        let lines = try CLI.evalFengdu(["--records", Self.samples]).lines.compactMap(CLI.decode)
        var expected: [String: [String: Any]] = [:]
        for result in lines { if let id = result["id"] as? String, expected[id] == nil { expected[id] = result } }
        for file in ["policies/samples/fengdu-2021.json", "policies/samples/fengdu-2021.csv"] {
            let run = try CLI.evalFengdu(["--records", file])
            #expect(run.status == 3, "\(file): \(run.stderr)")
            let results = run.lines.compactMap(CLI.decode)
            #expect(results.count >= 38, "\(file) gave \(results.count) results")
            var seen: Set<String> = []
            for result in results {
                guard let id = result["id"] as? String, seen.insert(id).inserted, let reference = expected[id] else { continue }
                for key in ["decision", "category", "exclusions", "exception", "missing"] {
                    #expect(String(describing: result[key] ?? "nil") == String(describing: reference[key] ?? "nil"), "\(file) \(id) \(key)")
                }
            }
        }
    }

    @Test func recordsAreReadFromStandardInput() throws {
        let input = try String(contentsOfFile: CLI.path(Self.samples), encoding: .utf8)
        let fromFile = try CLI.evalFengdu(["--records", Self.samples])
        let fromStdin = try CLI.evalFengdu([], stdin: input)
        #expect(fromStdin.status == 3)
        #expect(fromStdin.stdout == fromFile.stdout)
    }

    @Test(arguments: ["jsonl", "json", "csv", "table"])
    func everyOutputFormatHasOneResultPerRecord(format: String) throws {
        let run = try CLI.evalFengdu(["--records", Self.samples, "--format", format])
        #expect(run.status == 3)
        let recordCount = 43
        switch format {
        case "jsonl":
            #expect(run.lines.count == recordCount)
        case "json":
            let array = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]]
            #expect(array?.count == recordCount)
            #expect(array?.first?["id"] as? String == "fd-include-marginal-01")
        case "csv":
            let rows = CSVRows.parse(run.stdout)
            #expect(rows.count == recordCount + 1)
            #expect(rows.first?.prefix(4) == ["id", "policy", "as_of", "decision"])
            #expect(rows.dropFirst().allSatisfy { $0.count == rows[0].count })
        default:
            #expect(run.lines.count == recordCount + 1)
            #expect(run.lines.first?.hasPrefix("id") == true)
        }
    }

    @Test func explainShowsTheRulesTheirInputsAndOutcomes() throws {
        let first = try String(contentsOfFile: CLI.path(Self.samples), encoding: .utf8).split(separator: "\n")[0]
        let run = try CLI.evalFengdu(["--explain"], stdin: String(first) + "\n")
        let result = try #require(run.lines.first.flatMap(CLI.decode))
        let trace = result["trace"] as? [[String: Any]] ?? []
        let marginal = try #require(trace.first { $0["rule"] as? String == "marginal" })
        #expect(marginal["outcome"] as? String == "true")
        let inputs = marginal["inputs"] as? [String: String] ?? [:]
        #expect(inputs["below_line"] == "true")
        #expect(trace.contains { $0["kind"] as? String == "exclude" && $0["rule"] as? String == "deposits" })
    }

    @Test func aGB18030SpreadsheetIsDetectedAndRead() throws {
        let csv = "户编码,省,县,户属性,工资性收入,生产经营性收入,财产性收入,转移性收入,生产经营性支出,姓名,劳动技能,风险类型\r\n"
            + "g1,重庆市,丰都县,一般农户,9000,0,0,0,0,张三,普通劳动力,因病\r\n"
            + "g1,重庆市,丰都县,一般农户,9000,0,0,0,0,李四,弱劳动力,因病\r\n"
        let encoding = String.Encoding(rawValue: 0x8000_0632)
        let bytes = try #require(csv.data(using: encoding))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("gbk-\(UUID().uuidString).csv")
        try bytes.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let run = try CLI.evalFengdu(["--records", file.path])
        #expect(run.stderr.contains("GB18030"))
        let result = try #require(run.lines.first.flatMap(CLI.decode))
        #expect(result["decision"] as? String == "include")
        #expect(result["category"] as? String == "marginal")
    }

    @Test(arguments: [
        (["eval"], "`--policy <file>` or `--policies <folder>` is required"),
        (["eval", "--policy", CLI.fengdu, "--as-of", "2021-13-01"], "--as-of"),
        (["eval", "--policy", CLI.fengdu, "--format", "xml"], "--format"),
        (["eval", "--policy", CLI.fengdu, "--input-format", "xlsx"], "--input-format"),
        (["eval", "--policy", CLI.fengdu, "--bogus"], "unknown option `--bogus`"),
        (["frobnicate"], "unknown command `frobnicate`"),
    ])
    func usageErrorsExitWithStatus2(arguments: [String], mentions: String) throws {
        let run = try CLI.run(arguments)
        #expect(run.status == 2)
        #expect(run.stderr.contains(mentions), "\(run.stderr)")
    }

    @Test func aPolicyWithErrorsIsNotEvaluated() throws {
        let folder = try CLI.copyOfPolicies()
        defer { try? FileManager.default.removeItem(at: folder) }
        let policy = folder.appendingPathComponent("policies/chongqing/fengdu/2021.policy")
        let text = try String(contentsOf: policy, encoding: .utf8)
        try text.replacingOccurrences(of: "income.business_expense) / members_count", with: "income.business_expens) / members_count")
            .write(to: policy, atomically: true, encoding: .utf8)
        let run = try CLI.run(["eval", "--policy", policy.path, "--as-of", "2021-09-30"], stdin: "")
        #expect(run.status == 1)
        #expect(run.stderr.contains("E0302"))
        #expect(run.stdout.isEmpty)
    }

    @Test func missingRecordsFileIsAnErrorNamingIt() throws {
        let run = try CLI.evalFengdu(["--records", "no/such/file.jsonl"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("no/such/file.jsonl"))
    }
}

/// Splits CSV text into rows (quoted cells may hold commas and line ends).
enum CSVRows {
    static func parse(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var cell = ""
        var quoted = false
        var characters = Array(text)
        if characters.first == "\u{FEFF}" { characters.removeFirst() }
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if quoted {
                if character == "\"" {
                    if index + 1 < characters.count, characters[index + 1] == "\"" {
                        cell.append("\"")
                        index += 1
                    } else {
                        quoted = false
                    }
                } else {
                    cell.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                row.append(cell)
                cell = ""
            } else if character == "\r\n" || character == "\n" {
                row.append(cell)
                rows.append(row)
                row = []
                cell = ""
            } else {
                cell.append(character)
            }
            index += 1
        }
        if !cell.isEmpty || !row.isEmpty {
            row.append(cell)
            rows.append(row)
        }
        return rows
    }
}

@Suite("policy eval on several threads")
struct EvalThreadsTests {
    @Test func oneAndTwoThreadsWriteTheSameBytes() throws {
        let generated = try CLI.run(["generate", "--count", "400", "--seed", "11"])
        #expect(generated.status == 0)
        #expect(generated.lines.count == 400)
        for format in ["jsonl", "csv", "json"] {
            let one = try CLI.evalFengdu(["--records", "-", "--threads", "1", "--format", format], stdin: generated.stdout)
            let two = try CLI.evalFengdu(["--records", "-", "--threads", "2", "--format", format], stdin: generated.stdout)
            #expect(one.status == 0 && two.status == 0)
            #expect(one.stdout == two.stdout, "\(format) differs between 1 and 2 threads")
            #expect(one.stdout.count > 20_000)
        }
    }

    @Test func aBadThreadCountIsAUsageError() throws {
        let run = try CLI.evalFengdu(["--records", "-", "--threads", "0"], stdin: "")
        #expect(run.status == 2)
        #expect(run.stderr.contains("`--threads` is a number from 1 to 256"))
    }
}
