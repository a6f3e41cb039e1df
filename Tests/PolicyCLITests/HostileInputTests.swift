import Foundation
import Testing

/// Dirty and hostile inputs, as exports from the monitoring system and files
/// edited by hand give them: each gives a clear message, no crash, no hang,
/// and exactly one result per record.
@Suite("hostile inputs", .serialized)
struct HostileInputTests {
    /// A good household of the Fengdu sample, with the id given.
    static func household(_ id: String) throws -> String {
        let first = try String(contentsOfFile: CLI.path(EvalCommandTests.samples), encoding: .utf8).split(separator: "\n")[0]
        return first.replacingOccurrences(of: "\"fd-include-marginal-01\"", with: "\"\(id)\"")
    }

    struct Outcome {
        let run: CLI.Run
        let results: [[String: Any]]

        var decisions: [String] { results.map { $0["decision"] as? String ?? "?" } }
        var messages: String { results.flatMap { $0["messages"] as? [String] ?? [] }.joined(separator: "\n") }
    }

    /// Writes `bytes` to a file named `name` and evaluates it against the Fengdu policy.
    static func evaluate(_ name: String, _ bytes: [UInt8], _ extra: [String] = []) throws -> Outcome {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("policy-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent(name)
        try Data(bytes).write(to: file)
        let run = try CLI.evalFengdu(["--records", file.path] + extra, timeout: 10)
        return Outcome(run: run, results: run.lines.compactMap(CLI.decode))
    }

    static func lines(_ lines: [String]) -> [UInt8] { Array((lines.joined(separator: "\n") + "\n").utf8) }

    @Test func aHundredMegabyteLineIsOneErrorAndTheOthersAreRead() throws {
        let huge = "{\"id\":\"BIG\",\"x\":\"" + String(repeating: "a", count: 100 << 20) + "\"}"
        let outcome = try Self.evaluate("big.jsonl", Self.lines([try Self.household("A"), huge, try Self.household("B")]))
        #expect(outcome.decisions == ["include", "error", "include"])
        #expect(outcome.messages.contains("line longer than 16777216 bytes"), "\(outcome.messages)")
        #expect(outcome.run.status == 3)
    }

    @Test func aHundredMegabyteElementOfAJSONArrayIsOneError() throws {
        let huge = "{\"id\":\"BIG\",\"x\":\"" + String(repeating: "a", count: 100 << 20) + "\"}"
        let text = "[" + [try Self.household("A"), huge, try Self.household("B")].joined(separator: ",\n") + "]\n"
        let outcome = try Self.evaluate("big.json", Array(text.utf8))
        #expect(outcome.decisions == ["include", "error", "include"])
        #expect(outcome.messages.contains("record longer than 16777216 bytes"), "\(outcome.messages)")
    }

    @Test func aHundredMegabyteCSVRowIsOneError() throws {
        let text = "id,name\nA," + String(repeating: "b", count: 100 << 20) + "\nB,x\n"
        let outcome = try Self.evaluate("big.csv", Array(text.utf8))
        #expect(outcome.results.count == 2)
        #expect(outcome.messages.contains("row is longer than 16777216 bytes"), "\(outcome.messages)")
    }

    @Test func theRecordLimitCanBeRaisedAndLowered() throws {
        let records = Self.lines([try Self.household("A")])
        let lowered = try Self.evaluate("a.jsonl", records, ["--max-record-bytes", "100"])
        #expect(lowered.messages.contains("line longer than 100 bytes"), "\(lowered.messages)")
        let members = try Self.evaluate("a.jsonl", records, ["--max-list-items", "1"])
        #expect(members.messages.contains("a list of more than 1 items"), "\(members.messages)")
        #expect(try Self.evaluate("a.jsonl", records, ["--max-record-bytes", "200000000"]).decisions == ["include"])
        let wrong = try Self.evaluate("a.jsonl", records, ["--max-depth", "deep"])
        #expect(wrong.run.status == 2 && wrong.run.stderr.contains("`--max-depth` is a positive number"))
    }

    @Test func aCSVHouseholdWithTooManyRowsIsOneError() throws {
        var text = "id,member_name\n"
        for index in 0..<12 { text += "A,成员\(index)\n" }
        text += "B,张三\n"
        let outcome = try Self.evaluate("rows.csv", Array(text.utf8), ["--max-list-items", "10"])
        #expect(outcome.results.count == 2)
        #expect(outcome.messages.contains("household `A` has 12 rows, more than 10"), "\(outcome.messages)")
    }

    @Test func nestingAHundredThousandDeepIsRefused() throws {
        let deep = "{\"id\":\"D\",\"a\":" + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        let outcome = try Self.evaluate("deep.jsonl", Self.lines([try Self.household("A"), deep]))
        #expect(outcome.decisions == ["include", "error"])
        #expect(outcome.messages.contains("nesting deeper than 64 levels"))

        let folder = try CLI.copyOfPolicies()
        defer { try? FileManager.default.removeItem(at: folder) }
        let policy = folder.appendingPathComponent("policies/test/2021.policy")
        try FileManager.default.createDirectory(at: policy.deletingLastPathComponent(), withIntermediateDirectories: true)
        let text = "policy test/2021 {\n  region \"重庆市\"\n  year 2021\n  schema household/v1\n}\nparam x = "
            + String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000) + "\n"
        try text.write(to: policy, atomically: true, encoding: .utf8)
        let check = try CLI.run(["check", policy.path], timeout: 10)
        #expect(check.status == 1)
        #expect(check.stderr.contains("error[E0205]: expression nested more than 200 levels deep"), "\(check.stderr)")
    }

    @Test func invalidUTF8AndNULBytesAreErrorsOfTheirRecord() throws {
        let badUTF8 = Array("{\"id\":\"U\",\"name\":\"".utf8) + [0xFF, 0xFE] + Array("\"}".utf8)
        let nul = Array("{\"id\":\"N\",\"x\":\"a".utf8) + [0x00] + Array("b\"}".utf8)
        let bytes = Self.lines([try Self.household("A")]) + badUTF8 + [0x0A] + nul + [0x0A] + Self.lines([try Self.household("B")])
        let outcome = try Self.evaluate("dirty.jsonl", bytes)
        #expect(outcome.decisions == ["include", "error", "error", "include"])
        #expect(outcome.messages.contains("invalid UTF-8 byte 0xFF"), "\(outcome.messages)")
        #expect(outcome.messages.contains("control character in string"), "\(outcome.messages)")
    }

    @Test func aByteOrderMarkAndCRLFLineEndsAreRead() throws {
        let text = try Self.household("A") + "\r\n" + Self.household("B") + "\r\n"
        let outcome = try Self.evaluate("bom.jsonl", [0xEF, 0xBB, 0xBF] + Array(text.utf8))
        #expect(outcome.decisions == ["include", "include"])
        #expect(outcome.run.status == 0)
    }

    @Test func gb18030TextIsDetectedAndSaid() throws {
        let text = Self.lines([try Self.household("甲"), try Self.household("乙")])
        let encoded = try #require(String(decoding: text, as: UTF8.self).data(using: String.Encoding(rawValue: 0x8000_0632)))
        let outcome = try Self.evaluate("gbk.jsonl", [UInt8](encoded))
        #expect(outcome.decisions == ["include", "include"])
        #expect(outcome.results.map { $0["id"] as? String } == ["甲", "乙"])
        #expect(outcome.run.stderr.contains("is not UTF-8 but reads as GB18030"))
    }

    @Test(arguments: [("1e400", "`income.wage` is out of range: `1e400`"),
                      ("99999999999999999999.999", "`income.wage` is out of range: `99999999999999999999.999`"),
                      ("12.345", "`income.wage` has more than two decimal places: `12.345`"),
                      ("-0", "")])
    func oddNumbersAreErrorsWithTheirText(number: String, message: String) throws {
        let record = try Self.household("A").replacingOccurrences(of: "\"wage\":9000", with: "\"wage\":\(number)")
        #expect(record.contains("\"wage\":\(number)"))
        let outcome = try Self.evaluate("numbers.jsonl", Self.lines([record]))
        #expect(outcome.decisions == [message.isEmpty ? "include" : "error"])
        #expect(message.isEmpty ? outcome.messages.isEmpty : outcome.messages.contains(message), "\(outcome.messages)")
    }

    @Test func duplicateKeysAndDuplicateIDsAreErrors() throws {
        var record = try Self.household("A")
        record.removeLast()
        let outcome = try Self.evaluate("dup.jsonl", Self.lines([record + ",\"id\":\"Z\"}", try Self.household("B"), try Self.household("B")]))
        #expect(outcome.decisions == ["error", "include", "error"])
        #expect(outcome.messages.contains("key `id` appears more than once"))
        #expect(outcome.messages.contains("household id `B` already used on line 2"))
    }

    @Test func aTruncatedLastLineIsOneError() throws {
        let cut = String(try Self.household("B").prefix(200))
        let outcome = try Self.evaluate("cut.jsonl", Array((try Self.household("A") + "\n" + cut).utf8))
        #expect(outcome.decisions == ["include", "error"])
        #expect(outcome.messages.contains("unexpected end of input"), "\(outcome.messages)")
    }

    @Test func csvRowsWithTooManyOrTooFewCellsAreErrors() throws {
        let lines = try String(contentsOfFile: CLI.path("policies/samples/fengdu-2021.csv"), encoding: .utf8)
            .split(whereSeparator: \.isNewline).map(String.init)
        let header = lines[0]
        let count = header.split(separator: ",", omittingEmptySubsequences: false).count
        let tooMany = lines[1] + ",extra"
        let firstOfNext = lines.dropFirst().first { !$0.hasPrefix(lines[1].prefix { $0 != "," } + ",") } ?? lines[3]
        let tooFew = firstOfNext.split(separator: ",", omittingEmptySubsequences: false).prefix(5).joined(separator: ",")
        let outcome = try Self.evaluate("cells.csv", Self.lines([header, tooMany, tooFew]))
        #expect(outcome.results.count == 2)
        #expect(outcome.messages.contains("row has \(count + 1) cells, the header has \(count)"), "\(outcome.messages)")
        #expect(outcome.messages.contains("row has 5 cells, the header has \(count)"), "\(outcome.messages)")
    }

    @Test func anEmptyFileHasNoResultsAndSaysSo() throws {
        let outcome = try Self.evaluate("empty.jsonl", [])
        #expect(outcome.results.isEmpty)
        #expect(outcome.run.status == 0)
        #expect(outcome.run.stderr.contains("holds no records"))
    }

    @Test func aFolderGivenAsTheRecordsIsRefused() throws {
        let run = try CLI.evalFengdu(["--records", CLI.path("policies")], timeout: 10)
        #expect(run.status == 1)
        #expect(run.stderr.contains("is a directory, not a file"), "\(run.stderr)")
        let asPolicy = try CLI.run(["eval", "--policy", CLI.path("policies"), "--records", CLI.path(EvalCommandTests.samples)], timeout: 10)
        #expect(asPolicy.status == 1)
    }
}
