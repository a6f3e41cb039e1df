import Foundation
import Testing
@testable import Interpreter

/// The household generator follows the record contract and is deterministic;
/// the parallel pipeline gives the same results as one thread, in input order.
@Suite struct GeneratorAndPipelineTests {
    static let plan: Plan = {
        guard let plan = PolicyEngine().load(path: Fixtures.url("policies/chongqing/fengdu/2021.policy").path).plan else {
            fatalError("the shipped policy must load")
        }
        return plan
    }()
    static let asOf = CivilDate(year: 2021, month: 9, day: 30)!

    static func records(_ count: Int, seed: UInt64 = 7) -> [RawRecord] {
        let generator = HouseholdGenerator(seed: seed)
        return (0..<count).map { index in
            guard case .success(let json) = JSONParser.parse(Array(generator.json(index).utf8)) else { fatalError("generated JSON must parse") }
            return RawRecord(line: index + 1, json: json)
        }
    }

    @Test func theSameSeedGivesTheSameHouseholdsAndAnySliceCanBeMade() {
        let a = HouseholdGenerator(seed: 3), b = HouseholdGenerator(seed: 3), c = HouseholdGenerator(seed: 4)
        #expect((0..<50).map(a.json) == (0..<50).map(b.json))
        #expect(a.json(1234) == b.json(1234))
        #expect(a.json(10) != c.json(10))
    }

    @Test func generatedHouseholdsAreValidRecordsWithEveryDecision() {
        var evaluator = HouseholdEvaluator(plan: Self.plan, asOf: Self.asOf)
        let results = Self.records(2000).map { evaluator.evaluate($0) }
        #expect(results.allSatisfy { $0.decision != .error }, "\(results.first { $0.decision == .error }?.messages ?? [])")
        let decisions = Set(results.map(\.decision))
        for decision in [DecisionKind.include, .exclude, .notEligible, .continue, .eliminate, .remove] {
            #expect(decisions.contains(decision), "no household gets \(decision)")
        }
        #expect(results.contains { !$0.alerts.isEmpty })
        #expect(results.contains { !$0.procedure.isEmpty })
    }

    @Test func generatedCSVHasTheRowsOfEveryMember() throws {
        let generator = HouseholdGenerator(seed: 7)
        let text = HouseholdGenerator.csvHeader + "\n" + (0..<100).flatMap(generator.csvRows).joined(separator: "\n") + "\n"
        var source = CSVRecordSource(rows: CSVReader(source: MemoryByteSource(Array(text.utf8))), schema: Self.plan.schema)
        var evaluator = HouseholdEvaluator(plan: Self.plan, asOf: Self.asOf)
        var count = 0
        while let record = source.next() {
            #expect(evaluator.evaluate(record).decision != .error)
            count += 1
        }
        #expect(count == 100)
    }

    @Test(arguments: [(1, 1), (2, 1), (2, 7), (3, 128), (2, 5000)])
    func resultsAreTheSameWhateverTheThreadsAndBatches(threads: Int, batch: Int) {
        var records = Self.records(1500)
        // A duplicate id, to see that it is found across batches and threads.
        records.append(RawRecord(line: 1501, json: records[3].json))
        var sequential = HouseholdEvaluator(plan: Self.plan, asOf: Self.asOf)
        let expected = records.map { ResultWriter.line(sequential.evaluate($0), .jsonl) }
        let evaluator = HouseholdEvaluator(plan: Self.plan, asOf: Self.asOf)
        var source = ArraySource(records: records)
        var outputs: [String] = []
        let count = EvaluationPipeline(threads: threads, batchSize: batch).run(&source, work: { raw, first in
            let result = evaluator.evaluate(raw, firstLineOfID: first)
            return (result.id, ResultWriter.line(result, .jsonl))
        }, emit: { outputs.append($0) })
        #expect(count == records.count)
        #expect(outputs == expected)
        #expect(outputs.last?.contains("E0607") == true, "the duplicate id is refused")
    }
}

/// Records from memory.
struct ArraySource: RecordSource {
    var records: [RawRecord]
    var position = 0

    mutating func next() -> RawRecord? {
        guard position < records.count else { return nil }
        defer { position += 1 }
        return records[position]
    }
}

/// Memory for duplicate ids is bounded: a repeat within the window is found.
@Suite struct DuplicateIDsTests {
    static func record(_ id: String, line: Int) -> RawRecord {
        RawRecord(line: line, json: .object(JSONObject(members: [JSONObject.Member(key: "id", value: .string(id))])))
    }

    @Test func aRepeatWithinTheWindowIsFoundAndOneBeyondItIsNot() {
        var ids = DuplicateIDs(window: 3)
        #expect(ids.firstLine(of: Self.record("a", line: 1)) == nil)
        #expect(ids.firstLine(of: Self.record("b", line: 2)) == nil)
        #expect(ids.firstLine(of: Self.record("a", line: 3)) == 1)
        #expect(ids.firstLine(of: Self.record("c", line: 4)) == nil)
        #expect(ids.firstLine(of: Self.record("d", line: 5)) == nil)   // "a" leaves the window
        #expect(ids.firstLine(of: Self.record("a", line: 6)) == nil)
        #expect(ids.firstLine(of: Self.record("d", line: 7)) == 5)
    }

    /// The table agrees with the plainest model of the window (a dictionary
    /// and a ring of ids) on long random runs, where ids enter, repeat and
    /// leave, and runs of the table wrap around and are mended on removal.
    @Test(arguments: [1, 2, 5, 17, 64, 5000])
    func theTableAgreesWithAPlainModel(window: Int) {
        var generator = SplitMix64(seed: UInt64(window))
        var ids = DuplicateIDs(window: window)
        var firstLines: [String: Int] = [:]
        var ring: [String] = []
        var next = 0
        for line in 1...20_000 {
            let id = "h\(generator.next() % UInt64(window * 3))"
            var expected: Int?
            if let first = firstLines[id] {
                expected = first
            } else if ring.count < window {
                ring.append(id)
                firstLines[id] = line
            } else {
                firstLines[ring[next]] = nil
                ring[next] = id
                next = (next + 1) % window
                firstLines[id] = line
            }
            let found = ids.firstLine(of: id, line: line)
            #expect(found == expected, "line \(line), id \(id)")
            if found != expected { return }
        }
    }
}

/// Lines parsed by the evaluating threads give what lines parsed by the reader give.
@Suite struct DeferredParsingTests {
    @Test(arguments: [1, 2])
    func deferredParsingChangesNothing(threads: Int) throws {
        let generator = HouseholdGenerator(seed: 21)
        var lines = (0..<600).map(generator.json)
        lines.insert("{\"id\": \"broken\", \"members\": [", at: 10)
        lines.insert("", at: 20)
        lines.insert(lines[30], at: 500)                 // a duplicate id
        lines.insert("[1, 2]", at: 40)
        let text = "\u{FEFF}" + lines.joined(separator: "\r\n") + "\n"
        let plan = GeneratorAndPipelineTests.plan
        let evaluator = HouseholdEvaluator(plan: plan, asOf: GeneratorAndPipelineTests.asOf)
        func run(defers: Bool) -> [String] {
            var source = JSONLinesRecordSource(reader: JSONLinesReader(source: MemoryByteSource(Array(text.utf8), chunkSize: 4096)),
                                               defersParsing: defers)
            var outputs: [String] = []
            EvaluationPipeline(threads: threads, batchSize: 64).run(&source, work: { raw, first in
                let result = evaluator.evaluate(raw, firstLineOfID: first)
                return (result.id, ResultWriter.line(result, .jsonl))
            }, emit: { outputs.append($0) })
            return outputs
        }
        let eager = run(defers: false)
        #expect(eager.count == 603)
        #expect(run(defers: true) == eager)
        #expect(eager.filter { $0.contains("\"decision\":\"error\"") }.count == 3)
    }
}

/// The fast reader gives what the general path gives, or leaves the line to it.
@Suite struct FastRecordDecoderTests {
    static let schema = GeneratorAndPipelineTests.plan.schema

    @Test func generatedHouseholdsReadTheSameBothWays() {
        let generator = HouseholdGenerator(seed: 33)
        let fast = FastRecordDecoder(schema: Self.schema)
        for index in 0..<1500 {
            let bytes = Array(generator.json(index).utf8)
            guard case .success(let json) = JSONParser.parse(bytes) else { Issue.record("generated JSON must parse"); return }
            let slow = RecordDecoder(schema: Self.schema).decode(json)
            let quick = fast.decode(bytes)
            #expect(quick?.record == slow.record, "household \(index)")
            #expect(quick?.id == slow.id)
        }
    }

    static let base = #"{"id":"h","region":{"province":"重庆市","county":"丰都县"},"category":"general","members":[{"name":"张三","labour":"ordinary"}],"income":{"business":0,"wage":9000,"property":0,"transfer":0,"business_expense":0}"#

    @Test(arguments: [
        #","note":"x"}"#,                                   // unknown key: a warning to give
        #","category":"general"}"#,                          // a key twice
        #","risks":["ill\u004eess"]}"#,                       // an escape
        #","assets":{"deposits":1e3}}"#,                     // an exponent
        #","assets":{"deposits":0100}}"#,                    // a leading zero
        #","assets":{"deposits":10.001}}"#,                  // money with three decimals
        #","risks":["flood"]}"#,                              // not a member
        #","assets":{"commercial_housing":1.5}}"#,           // not a whole number
        #","monitoring":{"identified_on":"2021-02-30"}}"#,   // not a date
        #"} trailing"#,                                       // text after the record
        #","risks":[illness]}"#,                              // not JSON
    ])
    func unusualLinesAreLeftToTheGeneralPath(ending: String) {
        let line = Self.base + ending
        #expect(FastRecordDecoder(schema: Self.schema).decode(Array(line.utf8)) == nil, "\(line)")
    }

    /// Numbers are read in one pass when short (up to 15 digits, 2 decimals);
    /// whatever the spelling, the value is the general reader's, or the line
    /// is left to it.
    @Test(arguments: ["0", "-0", "7", "-12.5", "12296.50", "0.5", "10.10", "-0.01", "123456789012345", "1234567890123456",
                      "99999999999999.9", "9999999999999.99", "999999999999999.9", "1.", ".5", "-", "00", "-01", "1e2", "2E0", "3.25e1"])
    func numbersReadTheSameBothWays(number: String) {
        let line = Array((Self.base + #","assets":{"deposits":\#(number),"commercial_housing":1}}"#).utf8)
        let quick = FastRecordDecoder(schema: Self.schema).decode(line)
        guard case .success(let json) = JSONParser.parse(line) else {
            #expect(quick == nil, "not JSON, so not read fast: \(number)")
            return
        }
        let slow = RecordDecoder(schema: Self.schema).decode(json)
        if let quick {
            #expect(quick.record == slow.record, "\(number)")
        } else {
            // Left to the general reader: it refuses the number, or the number has an exponent or more digits than the fast reader takes.
            let long = number.filter(\.isNumber).count > 15
            #expect(slow.record == nil || !slow.errors.isEmpty || number.lowercased().contains("e") || long, "\(number) is plain and short, so read fast")
        }
    }

    /// Dates (read in place when ten bytes between quotes) and members of a
    /// long enumeration (found by hash): whatever the spelling, the value is
    /// the general reader's, or the line is left to it.
    @Test(arguments: [#""2021-09-30""#, #""2020-02-29""#, #""2021-02-29""#, #""2021-13-01""#, #""2021-9-30""#, #""2021-09-300""#,
                      #""2021/09/30""#, #"" 2021-09-30""#, #""2021-09-30 ""#, #""２０２１-09-30""#, #""2021-09\u002d30""#, #""""#,
                      #"null"#, #"20210930"#])
    func datesReadTheSameBothWays(date: String) {
        let fast = Self.readTheSameBothWays(#","monitoring":{"identified_on":\#(date)}}"#, date)
        if ["\"2021-09-30\"", "\"2020-02-29\"", "null"].contains(date) { #expect(fast, "\(date) is read fast") }
    }

    @Test(arguments: [#"["illness"]"#, #"["illness","disaster","schooling"]"#, #"["Illness"]"#, #"["illnes"]"#, #"["illness "]"#,
                      #"["ill\u006eess"]"#, #"["因病"]"#, #"[""]"#, #"[null]"#, #"["illness","illness"]"#])
    func membersReadTheSameBothWays(risks: String) {
        let fast = Self.readTheSameBothWays(#","risks":\#(risks)}"#, risks)
        if risks.allSatisfy({ $0.isASCII && $0 != "\\" && $0 != " " }), risks.contains("illness") { #expect(fast, "\(risks) is read fast") }
    }

    /// The fast reader gives what the general one gives, or leaves the line
    /// to it; whether it read the line.
    @discardableResult
    static func readTheSameBothWays(_ ending: String, _ label: String) -> Bool {
        let line = Array((base + ending).utf8)
        let quick = FastRecordDecoder(schema: schema).decode(line)
        guard case .success(let json) = JSONParser.parse(line) else {
            #expect(quick == nil, "not JSON, so not read fast: \(label)")
            return false
        }
        let slow = RecordDecoder(schema: schema).decode(json)
        if let quick {
            #expect(slow.errors.isEmpty && quick.record == slow.record, "\(label)")
        }
        return quick != nil
    }

    @Test func aPlainLineIsReadFast() {
        #expect(FastRecordDecoder(schema: Self.schema).decode(Array((Self.base + "}").utf8))?.id == "h")
        #expect(FastRecordDecoder(schema: Self.schema).decode(Array(#"{"id":"h","members":[]}"#.utf8)) == nil, "required fields missing, members empty")
        #expect(FastRecordDecoder(schema: Self.schema).decode([0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D]) == nil, "invalid UTF-8")
    }
}
