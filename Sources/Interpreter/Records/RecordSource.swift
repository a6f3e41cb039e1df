/// One record as read from an input, before it is checked against the schema:
/// its JSON form (a CSV household is assembled into the same form), or the
/// reason it could not be read.
public struct RawRecord: Sendable {
    /// The line where the record starts in its input.
    public var line: Int
    public var json: JSONValue?
    /// The household id when it is known even though the record is unreadable.
    public var id: String?
    public var errors: [Diagnostic] = []
    public var warnings: [Diagnostic] = []
    /// Read scalar cells leniently (spreadsheets hold numbers and booleans as text).
    public var lenient = false
    /// A line of JSON not parsed yet: the reader leaves parsing to the thread
    /// that evaluates the record (see `parsed()`).
    public var unparsed: [UInt8]?

    public init(line: Int, json: JSONValue?, id: String? = nil, errors: [Diagnostic] = [], warnings: [Diagnostic] = [], lenient: Bool = false) {
        self.line = line
        self.json = json
        self.id = id
        self.errors = errors
        self.warnings = warnings
        self.lenient = lenient
    }
}

extension RawRecord {
    /// The record with its JSON parsed, if the reader left it unparsed.
    public func parsed(limits: JSONLimits = .default) -> RawRecord {
        guard let bytes = unparsed else { return self }
        let result = bytes.withUnsafeBytes { JSONParser.parse($0, limits: limits, firstLine: line) }
        var record = RawRecord(syntax: result, line: line)
        record.warnings = warnings + record.warnings
        return record
    }
}

/// A stream of records from one input.
public protocol RecordSource {
    mutating func next() -> RawRecord?
    /// The next records, up to `maxRecords`, as one block; nil at the end.
    mutating func nextBlock(maxRecords: Int) -> RecordBlock?
}

extension RecordSource {
    public mutating func nextBlock(maxRecords: Int) -> RecordBlock? { nextRecords(maxRecords: maxRecords) }

    /// The next records, up to `maxRecords`, each as a `RawRecord`; nil at the end.
    public mutating func nextRecords(maxRecords: Int) -> RecordBlock? {
        var block = RecordBlock()
        while block.count < maxRecords, let record = next() { block.append(record) }
        return block.isEmpty ? nil : block
    }
}

/// The encodings `policy eval` reads.
public enum InputFormat: String, CaseIterable, Sendable {
    case jsonl, json, csv

    /// The format a file name implies, if any.
    public static func guess(fromPath path: String) -> InputFormat? {
        let lower = path.lowercased()
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") { return .jsonl }
        if lower.hasSuffix(".json") { return .json }
        if lower.hasSuffix(".csv") { return .csv }
        return nil
    }
}

/// Records from JSON Lines: one household object per line.
public struct JSONLinesRecordSource: RecordSource {
    var reader: JSONLinesReader
    /// The bytes of the last block's lines: the next block gets that much
    /// room and a little more, so that its lines are copied in once.
    private var lastBlockBytes = 0

    /// With `defersParsing`, lines come out as bytes and are parsed by whoever
    /// evaluates them (`RawRecord.parsed()`), so that parsing runs on every thread.
    public init(reader: JSONLinesReader, defersParsing: Bool = false) {
        self.reader = reader
        self.reader.defersParsing = defersParsing
    }

    public mutating func next() -> RawRecord? {
        guard let item = reader.next() else { return nil }
        if reader.defersParsing, case .success = item.result, let bytes = reader.takeUnparsed() {
            var record = RawRecord(line: item.line, json: nil)
            record.unparsed = bytes
            return record
        }
        return RawRecord(syntax: item.result, line: item.line)
    }

    /// Lines not parsed yet go into the block's bytes, not into an array each.
    public mutating func nextBlock(maxRecords: Int) -> RecordBlock? {
        guard reader.defersParsing else { return nextRecords(maxRecords: maxRecords) }
        var block = RecordBlock(capacity: lastBlockBytes + lastBlockBytes / 4 + (1 << 16))
        while block.count < maxRecords, !block.isFull(bytes: RecordBlock.byteLimit), let item = reader.next() {
            if case .success = item.result, reader.withUnparsed({ block.appendLine(item.line, $0) }) != nil { continue }
            block.append(RawRecord(syntax: item.result, line: item.line))
        }
        lastBlockBytes = block.bytes.count
        return block.isEmpty ? nil : block
    }
}

/// Records from a JSON array of household objects.
public struct JSONArrayRecordSource: RecordSource {
    var reader: JSONArrayReader

    public init(reader: JSONArrayReader) { self.reader = reader }

    /// What is wrong with the document as a whole (not an array, not closed).
    public var structureError: JSONSyntaxError? { reader.structureError }

    public mutating func next() -> RawRecord? {
        guard let item = reader.next() else { return nil }
        return RawRecord(syntax: item.result, line: item.line)
    }
}

extension RawRecord {
    init(syntax result: Result<JSONValue, JSONSyntaxError>, line: Int) {
        switch result {
        case .success(let json):
            self.init(line: line, json: json)
        case .failure(let error):
            self.init(line: line, json: nil, id: error.recordID,
                      errors: [Diagnostic(.recordSyntax("invalid JSON at \(error.line):\(error.column): \(error.message)"))])
        }
    }
}
