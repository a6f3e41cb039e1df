import Foundation
import Testing
@testable import Interpreter

/// Records evaluated in blocks (`EvaluationPipeline.runBlocks`, what
/// `policy eval` does for JSON Lines and CSV output) come out as the same
/// bytes, in the same order, as records evaluated one by one through the
/// general path, whatever the threads and the size of the blocks.
@Suite struct RecordBlockTests {
    static let plan: Plan = {
        guard let plan = CompiledEvaluationTests.plans.first(where: { $0.metadata.id == "chongqing/fengdu/2021" }) else {
            fatalError("the Fengdu policy must load")
        }
        return plan
    }()
    static let asOf = CivilDate(year: 2021, month: 9, day: 30)!

    /// An input with everything a reader meets: a byte-order mark, CRLF line
    /// ends, a broken line, blank lines, a repeated id (near and far), an
    /// array, a line over the length limit, and no line end at the end.
    static func mixedInput() -> [UInt8] {
        let generator = HouseholdGenerator(seed: 33)
        var lines = (0..<600).map(generator.json)
        lines.insert("{\"id\": \"broken\", \"members\": [", at: 10)
        lines.insert("", at: 20)
        lines.insert("   \t", at: 21)
        lines.insert(lines[30], at: 31)
        lines.insert(lines[40], at: 450)
        lines.insert("[1, 2]", at: 60)
        lines.insert("{\"id\": \"long\", \"note\": \"" + String(repeating: "x", count: 6000) + "\"}", at: 70)
        return Array(("\u{FEFF}" + lines.joined(separator: "\r\n")).utf8)
    }

    static func source(_ bytes: [UInt8]) -> JSONLinesRecordSource {
        JSONLinesRecordSource(reader: JSONLinesReader(source: MemoryByteSource(bytes, chunkSize: 4096), maxLineBytes: 5000),
                              defersParsing: true)
    }

    /// One record at a time, by the general path alone: the reference.
    static func oneByOne(_ bytes: [UInt8], format: ResultWriter.LineFormat) -> (output: [UInt8], decisions: [DecisionKind]) {
        let evaluator = HouseholdEvaluator(plan: plan, asOf: asOf)
        var source = source(bytes)
        var output: [UInt8] = []
        var decisions: [DecisionKind] = []
        EvaluationPipeline(threads: 1).run(&source, work: { raw, first in
            let result = evaluator.evaluateLineByGeneralPath(raw, firstLineOfID: first, format: format)
            return (result.id, (result.output, result.decision))
        }, emit: { line, decision in
            output.append(contentsOf: line)
            decisions.append(decision)
        })
        return (output, decisions)
    }

    /// Through `runBlocks`, with each part's records decided one by one
    /// (`work`) or, as `policy eval` does, together (`parts`, households in
    /// blocks of up to 64: `BlockRun`).
    static func inBlocks(_ bytes: [UInt8], format: ResultWriter.LineFormat, threads: Int, batch: Int, together: Bool = false)
        -> (output: [UInt8], decisions: [DecisionKind], count: Int) {
        let evaluator = HouseholdEvaluator(plan: plan, asOf: asOf)
        var source = source(bytes)
        var output: [UInt8] = []
        var decisions: [DecisionKind] = []
        let parts: (@Sendable (RecordBlock, Range<Int>, ByteBuffer, (String?, DecisionKind) -> Void) -> Void)? = together
            ? { @Sendable block, range, out, done in evaluator.evaluateLines(block, range, format: format, into: out, done) } : nil
        let count = EvaluationPipeline(threads: threads, batchSize: batch).runBlocks(&source, work: { block, index, first, out in
            evaluator.evaluateLine(block, index, firstLineOfID: first, format: format, into: out)
        }, parts: parts, emit: { line, decision in
            output.append(contentsOf: line)
            decisions.append(decision)
        })
        return (output, decisions, count)
    }

    @Test(arguments: [(1, 1, false), (1, 256, false), (2, 1, false), (2, 7, false), (2, 64, false), (3, 256, false),
                      (1, 1, true), (1, 100, true), (1, 256, true), (2, 7, true), (2, 129, true), (3, 256, true)])
    func blocksGiveTheSameBytesAsOneByOne(threads: Int, batch: Int, together: Bool) {
        let input = Self.mixedInput()
        let reference = Self.oneByOne(input, format: .jsonl)
        let blocks = Self.inBlocks(input, format: .jsonl, threads: threads, batch: batch, together: together)
        #expect(blocks.output == reference.output)
        #expect(blocks.decisions == reference.decisions)
        #expect(blocks.count == reference.decisions.count)
        let text = String(decoding: blocks.output, as: UTF8.self)
        #expect(text.split(separator: "\n").count == 605, "the blank lines give no result")
        #expect(text.components(separatedBy: "E0607").count - 1 == 2, "both repeated ids are found")
        #expect(text.contains("longer than 5000 bytes"))
    }

    @Test(arguments: [1, 2])
    func csvLinesInBlocksAreTheSameAsOneByOne(threads: Int) {
        let input = Self.mixedInput()
        let reference = Self.oneByOne(input, format: .csv)
        let blocks = Self.inBlocks(input, format: .csv, threads: threads, batch: 50, together: true)
        #expect(blocks.output == reference.output)
        #expect(blocks.decisions == reference.decisions)
    }

    /// A block holds the lines as the reader gives them, one after another,
    /// and gives each back as the record `next()` would have made.
    @Test func aBlockGivesBackEachRecordAsReadOneByOne() {
        let input = Self.mixedInput()
        var single = Self.source(input)
        var expected: [RawRecord] = []
        while let record = single.next() { expected.append(record) }
        var blocks = Self.source(input)
        var got: [RawRecord] = []
        while let block = blocks.nextBlock(maxRecords: 9) {
            #expect(block.count <= 9)
            for index in 0..<block.count {
                #expect(block.entries[index].line == block.record(index).line)
                got.append(block.record(index))
            }
        }
        #expect(got.count == expected.count)
        for (a, b) in zip(got, expected) {
            #expect(a.line == b.line && a.unparsed == b.unparsed && a.id == b.id)
            #expect(a.errors.map(\.code) == b.errors.map(\.code))
        }
    }

    /// Records from other formats come in blocks of records.
    @Test func otherSourcesGiveBlocksOfRecords() throws {
        let generator = HouseholdGenerator(seed: 4)
        let text = HouseholdGenerator.csvHeader + "\n" + (0..<30).flatMap(generator.csvRows).joined(separator: "\n") + "\n"
        var source = CSVRecordSource(rows: CSVReader(source: MemoryByteSource(Array(text.utf8), chunkSize: 512)), schema: Self.plan.schema)
        var sizes: [Int] = []
        while let block = source.nextBlock(maxRecords: 8) {
            sizes.append(block.count)
            #expect(block.withLine(0) { _, _ in true } == nil, "no line of JSON Lines in a block of CSV records")
        }
        #expect(sizes == [8, 8, 8, 6])
    }
}
