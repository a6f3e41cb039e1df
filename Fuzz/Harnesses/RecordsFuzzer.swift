// Fuzz target `records`: the input is a household export, read by one of the
// record readers of `policy eval` and decoded against the household/v1 schema.
//
// The first byte chooses how (the rest of the input is the export):
//   bits 0-1  reader: 0 JSON Lines, 1 JSON array, 2 CSV (UTF-8), 3 CSV in the
//             encoding detected from the first bytes (GB18030 goes through iconv),
//             as `policy eval` does
//   bits 2-7  chunk size: 0 → 1 MiB (the default), n → n bytes, so that every
//             chunk boundary of the readers is reached
//
// Promises checked besides "no crash, no hang": for JSON Lines read with
// deferred parsing (as `policy eval` reads them), a line the fast decoder reads
// decodes to the same record on the general path (`FastRecordDecoder`: "results
// never depend on which path read a record").
import Foundation
import Lexer
@testable import Interpreter

private let schema = FuzzSupport.loadSchema()
private let fastDecoder = FastRecordDecoder(schema: schema)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let selector = data[0]
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let chunkBits = Int(selector >> 2)
    let chunkSize = chunkBits == 0 ? 1 << 20 : chunkBits
    let source = MemoryByteSource(bytes, chunkSize: chunkSize)
    switch selector & 3 {
    case 0:
        var records = JSONLinesRecordSource(reader: JSONLinesReader(source: source, chunkSize: chunkSize), defersParsing: true)
        drain(&records)
    case 1:
        var records = JSONArrayRecordSource(reader: JSONArrayReader(source: source, chunkSize: chunkSize))
        drain(&records)
        _ = records.structureError
    case 2:
        var records = CSVRecordSource(rows: CSVReader(source: source, chunkSize: chunkSize), schema: schema)
        drain(&records)
    default:
        readCSVWithDetectedEncoding(bytes, chunkSize: chunkSize)
    }
    return 0
}

/// `EvalCommand.openRecords` for CSV: peek, detect the encoding, transcode.
private func readCSVWithDetectedEncoding(_ bytes: [UInt8], chunkSize: Int) {
    let peeked: PeekedByteSource<MemoryByteSource>
    do {
        peeked = try PeekedByteSource(MemoryByteSource(bytes, chunkSize: chunkSize), peeking: 64 << 10)
    } catch {
        return
    }
    switch TextEncoding.detect(peeked.prefix, isWholeFile: peeked.prefixIsWholeInput) {
    case .utf8, .unknown:
        var records = CSVRecordSource(rows: CSVReader(source: peeked, chunkSize: chunkSize), schema: schema)
        drain(&records)
    case .gb18030:
        guard let transcoded = try? TranscodingByteSource(peeked, from: .gb18030, chunkSize: chunkSize) else { return }
        var records = CSVRecordSource(rows: CSVReader(source: transcoded, chunkSize: chunkSize), schema: schema)
        drain(&records)
    case .utf16, .binary:
        return
    }
}

/// Reads every record and decodes it as `HouseholdEvaluator` would.
private func drain(_ records: inout some RecordSource) {
    var ids = DuplicateIDs(window: 8)
    var count = 0
    while let raw = records.next() {
        count += 1
        if count > 100_000 { FuzzSupport.fail("more than 100000 records from a small input") }
        _ = ids.firstLine(of: raw)
        let fast: (record: RecordValue, id: String?)?
        if let unparsed = raw.unparsed, raw.errors.isEmpty { fast = fastDecoder.decode(unparsed) } else { fast = nil }
        let parsed = raw.parsed()
        _ = PolicySelector.region(of: parsed)
        for diagnostic in parsed.errors + parsed.warnings { _ = DiagnosticRenderer.render(diagnostic) }
        guard let json = parsed.json else {
            if fast != nil { FuzzSupport.fail("the fast decoder read a line the JSON parser refuses", String(decoding: raw.unparsed ?? [], as: UTF8.self)) }
            continue
        }
        let decoded = RecordDecoder(schema: schema, lenient: parsed.lenient).decode(json)
        for diagnostic in decoded.errors + decoded.warnings { _ = DiagnosticRenderer.render(diagnostic) }
        if let record = decoded.record { _ = HouseholdEvaluator.region(of: record, HouseholdEvaluator.RegionSlots(schema)) }
        if let fast {
            let line = String(decoding: raw.unparsed ?? [], as: UTF8.self)
            guard let general = decoded.record, decoded.errors.isEmpty else {
                FuzzSupport.fail("the fast decoder read a record the general path refuses",
                                 line + "\n" + DiagnosticRenderer.render(decoded.errors))
            }
            if general != fast.record { FuzzSupport.fail("fast and general decoders read different records", line) }
            if fast.id != decoded.id { FuzzSupport.fail("fast and general decoders read different ids: \(String(describing: fast.id)) vs \(String(describing: decoded.id))", line) }
        }
    }
}
