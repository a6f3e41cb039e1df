// Fuzz target `evaluate`: the input is one household record (a line of JSON),
// evaluated against chongqing/fengdu/2021 as of a fixed date, with the trace
// of every rule, and the result written in every output format.
//
// The policy is loaded once, through its folder as `policy eval --policy`
// loads it (schema household/v1 and calendar cn found from
// `<policies>/chongqing/fengdu/`; $POLICY_ROOT overrides the policies folder).
//
// Promises checked besides "no crash, no hang":
//   * the same record gives the same result whether the fast decoder or the
//     general path (JSON parser + RecordDecoder) reads it ("results never
//     depend on which path read a record");
//   * without the trace, the compiled evaluation (`Sources/Interpreter/Compiled/`)
//     writes the same line of JSON Lines, and the same result, as the general
//     path, or leaves the record to it;
//   * in a block with other households, decided together (`BlockRun`, as
//     `policy eval` decides lines of JSON Lines), the record gets the lines
//     the general path writes;
//   * the JSON written for a result is valid JSON.
import Foundation
import Lexer
@testable import Interpreter

private let policyPath = FuzzSupport.policiesRoot + "/chongqing/fengdu/2021.policy"
private let asOf = CivilDate(year: 2022, month: 6, day: 30)!

private let plan: Plan = {
    let loaded = FuzzSupport.engine.load(path: policyPath)
    guard let plan = loaded.plan else {
        fatalError("cannot load \(policyPath):\n\(DiagnosticRenderer.render(loaded.diagnostics))")
    }
    return plan
}()
private let evaluator = HouseholdEvaluator(plan: plan, asOf: asOf, explain: true)
/// Without the trace: the compiled evaluation decides what it can.
private let compiledEvaluator: HouseholdEvaluator = {
    let evaluator = HouseholdEvaluator(plan: plan, asOf: asOf)
    guard evaluator.isCompiled else { fatalError("chongqing/fengdu/2021 must compile") }
    return evaluator
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // As `policy eval` reads a line of JSON Lines: unparsed, for the fast decoder.
    var deferred = RawRecord(line: 1, json: nil)
    deferred.unparsed = bytes
    let viaFastPath = evaluator.evaluate(deferred, firstLineOfID: nil)
    let first = write(viaFastPath)

    // The general path on the same bytes.
    let parsed = RawRecord(syntax: JSONParser.parse(bytes, firstLine: 1), line: 1)
    let viaGeneralPath = evaluator.evaluate(parsed, firstLineOfID: nil)
    let second = write(viaGeneralPath)
    if first != second {
        FuzzSupport.fail("the fast and the general path give different results",
                         "--- fast ---\n\(first)\n--- general ---\n\(second)")
    }
    // A repeated id is an error of the later record, not a crash.
    _ = evaluator.evaluate(parsed, firstLineOfID: 1)

    // The compiled evaluation against the general path, in bytes and in results.
    let compiled = compiledEvaluator.evaluateLine(deferred, firstLineOfID: nil, format: .jsonl)
    let general = compiledEvaluator.evaluateLineByGeneralPath(deferred, firstLineOfID: nil, format: .jsonl)
    if compiled.output != general.output || compiled.id != general.id || compiled.decision != general.decision {
        FuzzSupport.fail("the compiled and the general path write different lines",
                         "--- compiled ---\n\(String(decoding: compiled.output, as: UTF8.self))--- general ---\n\(String(decoding: general.output, as: UTF8.self))")
    }
    let together = inPipeline(bytes, together: true), alone = inPipeline(bytes, together: false)
    if together != alone {
        FuzzSupport.fail("households decided in a block and the general path write different lines",
                         "--- in a block ---\n\(String(decoding: together, as: UTF8.self))--- general ---\n\(String(decoding: alone, as: UTF8.self))")
    }
    let result = compiledEvaluator.evaluate(deferred, firstLineOfID: nil)
    let generalResult = compiledEvaluator.evaluateByGeneralPath(deferred, firstLineOfID: nil)
    if write(result) != write(generalResult) || ResultWriter.line(result, .csv) != ResultWriter.line(generalResult, .csv)
        || result.township != generalResult.township || result.village != generalResult.village {
        FuzzSupport.fail("the compiled and the general path give different results", "\(result)\n\(generalResult)")
    }
    return 0
}

/// Generated households of the policy's county, read before the record so
/// that it is decided in a block with them.
private let neighbours: [UInt8] = {
    let generator = HouseholdGenerator(seed: 3)
    return Array((0..<3).map { generator.json($0) + "\n" }.joined().utf8)
}()

/// The neighbours and the record (its lines, if it has several) through
/// `policy eval`'s pipeline: decided together in blocks, or each by the general path.
private func inPipeline(_ record: [UInt8], together: Bool) -> [UInt8] {
    var source = JSONLinesRecordSource(reader: JSONLinesReader(source: MemoryByteSource(neighbours + record + [0x0A], chunkSize: 4096)),
                                       defersParsing: true)
    var output: [UInt8] = []
    let work: @Sendable (RecordBlock, Int, Int?, ByteBuffer) -> (id: String?, decision: DecisionKind) = { block, index, first, out in
        let result = compiledEvaluator.evaluateLineByGeneralPath(block.record(index), firstLineOfID: first, format: .jsonl)
        out.append(result.output)
        return (result.id, result.decision)
    }
    let parts: @Sendable (RecordBlock, Range<Int>, ByteBuffer, (String?, DecisionKind) -> Void) -> Void = { block, range, out, done in
        compiledEvaluator.evaluateLines(block, range, format: .jsonl, into: out, done)
    }
    EvaluationPipeline(threads: 1).runBlocks(&source, work: work, parts: together ? parts : nil, emit: { line, _ in output += line })
    return output
}

/// The result in every output format; returns its JSON line.
private func write(_ result: HouseholdResult) -> String {
    let json = ResultWriter.json(result)
    guard (try? JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed])) != nil else {
        FuzzSupport.fail("ResultWriter.json wrote invalid JSON", json)
    }
    _ = ResultWriter.line(result, .csv)
    for format in [ResultWriter.Format.json, .table] {
        var writer = ResultWriter(format: format)
        _ = writer.begin() + writer.write(result) + writer.end()
    }
    return json
}
