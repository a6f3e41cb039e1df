/// A run of records read together, to be evaluated together: the lines of
/// JSON Lines as ranges of one byte buffer (no array per line), and any
/// other record (from another format, or a line the reader refused) as a
/// `RawRecord`. `EvaluationPipeline.runBlocks` hands out the parts of a
/// block to the threads.
public struct RecordBlock: Sendable {
    /// The bytes of the block's lines, one after another.
    let bytes: ByteBuffer
    /// Each record: its line, and either its bytes in `bytes` or its index in `records`.
    public private(set) var entries: [Entry] = []
    private var records: [RawRecord] = []

    public struct Entry: Sendable {
        public let line: Int
        let start: Int32
        let end: Int32
        /// Index in `records`, or -1 for a line in `bytes`.
        let record: Int32
    }

    public init() { bytes = ByteBuffer(capacity: 1 << 16) }

    /// A block with room for `capacity` bytes of lines: a reader that knows
    /// how large its last block was spares this one the growing.
    init(capacity: Int) { bytes = ByteBuffer(capacity: capacity) }

    /// A block of lines is cut once it holds this many bytes (a few hundred
    /// generated households), so that memory stays flat with long lines.
    static let byteLimit = 1 << 20

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }

    /// Appends a line of JSON not parsed yet.
    mutating func appendLine(_ line: Int, _ content: UnsafeBufferPointer<UInt8>) {
        let start = bytes.count
        bytes.append(content)
        entries.append(Entry(line: line, start: Int32(start), end: Int32(bytes.count), record: -1))
    }

    /// Appends a record of any other kind.
    public mutating func append(_ record: RawRecord) {
        entries.append(Entry(line: record.line, start: 0, end: 0, record: Int32(records.count)))
        records.append(record)
    }

    /// Whether the block holds this many bytes of lines or more (a block is cut there).
    func isFull(bytes limit: Int) -> Bool { bytes.count >= limit }

    /// Calls `body` with the bytes of entry `index` when it is a line not parsed yet.
    public func withLine<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>, Int) -> R?) -> R? {
        let entry = entries[index]
        guard entry.record < 0 else { return nil }
        return body(bytes.slice(Int(entry.start)..<Int(entry.end)), entry.line)
    }

    /// Entry `index` as a record, as `RecordSource.next()` would have given it.
    public func record(_ index: Int) -> RawRecord {
        let entry = entries[index]
        if entry.record >= 0 { return records[Int(entry.record)] }
        var record = RawRecord(line: entry.line, json: nil)
        record.unparsed = Array(bytes.slice(Int(entry.start)..<Int(entry.end)))
        return record
    }
}
