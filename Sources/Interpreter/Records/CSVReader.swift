/// Reads CSV rows one at a time from a byte source, holding only the current
/// chunk and the current row, so that exports of any size can be checked.
///
/// The format is RFC 4180 as spreadsheets write it: comma separators; fields
/// in double quotes may hold commas, quotes written `""`, and line breaks;
/// rows end with CR LF, LF or a lone CR. A UTF-8 byte-order mark at the start
/// is skipped, blank lines hold no record and are skipped, and a last row
/// without a line end is still read. Cells come back exactly as written, less
/// the quoting: no trimming.
///
/// A problem stays with its row: the row is returned as a `CSVError` and
/// reading goes on with the next row, so one dirty row never hides the others
/// and no row is dropped without a word. The exception is a failing `read`,
/// reported once as `.readFailed` before the sequence ends.
///
/// Lenient where spreadsheets are sloppy: a quote inside an unquoted field
/// (`ab"c`) is kept as a character, since Excel and WPS write such fields and
/// read them back that way.
///
/// Not generic over the source: the byte work is in the non-generic
/// `CSVRowParser`, and the source is called once per chunk, so an existential
/// costs nothing measurable and keeps the type simple to store.
public struct CSVReader: IteratorProtocol, Sequence {
    /// A row with the 1-based physical line it starts on, or why it is unusable.
    public typealias Row = (line: Int, result: Result<[String], CSVError>)

    public static var defaultMaxRowBytes: Int { 16 << 20 }
    public static var defaultChunkSize: Int { 1 << 20 }

    private var source: any ByteSource
    private let chunkSize: Int
    private var parser: CSVRowParser

    private var buffer: [UInt8] = []
    private var position = 0
    private var startedReading = false
    private var finished = false
    private var readError: Error?

    /// A reader of UTF-8 text. `maxRowBytes` bounds the memory one row may take:
    /// a longer row is reported and skipped, not buffered. `skipBlankLines`
    /// false returns a blank line as one empty cell, as RFC 4180 reads it.
    public init(source: some ByteSource, maxRowBytes: Int = defaultMaxRowBytes, chunkSize: Int = defaultChunkSize,
                 skipBlankLines: Bool = true) {
        self.init(reading: source, encoding: .utf8, maxRowBytes: maxRowBytes, chunkSize: chunkSize,
                  skipBlankLines: skipBlankLines)
    }

    /// A reader of text in `encoding`, converted to UTF-8 as it streams.
    /// Throws only when the system cannot convert `encoding`.
    public init(source: some ByteSource, encoding: TextEncoding, maxRowBytes: Int = defaultMaxRowBytes,
                 chunkSize: Int = defaultChunkSize, skipBlankLines: Bool = true) throws(TextEncoding.ConversionError) {
        if encoding == .utf8 {
            self.init(reading: source, encoding: encoding, maxRowBytes: maxRowBytes, chunkSize: chunkSize,
                      skipBlankLines: skipBlankLines)
        } else {
            let transcoded = try TranscodingByteSource(source, from: encoding, chunkSize: chunkSize)
            self.init(reading: transcoded, encoding: encoding, maxRowBytes: maxRowBytes, chunkSize: chunkSize,
                      skipBlankLines: skipBlankLines)
        }
    }

    private init(reading source: any ByteSource, encoding: TextEncoding, maxRowBytes: Int, chunkSize: Int, skipBlankLines: Bool) {
        self.source = source
        self.chunkSize = Swift.max(1, chunkSize)
        self.parser = CSVRowParser(maxRowBytes: maxRowBytes, skipBlankLines: skipBlankLines, encoding: encoding)
    }

    /// The next row, or nil after the last one.
    public mutating func next() -> Row? {
        if !startedReading { skipByteOrderMark() }
        while !finished {
            if position >= buffer.count {
                if refill() { continue }
                finished = true
                if let readError {
                    let reason = String(describing: readError)
                    return parser.readFailure(reason)
                }
                return parser.finish()
            }
            if let row = parser.parse(buffer, from: &position) { return row }
        }
        return nil
    }

    /// Replaces the buffer with the next chunk; false at the end of the input
    /// or when reading failed.
    private mutating func refill() -> Bool {
        buffer.removeAll(keepingCapacity: true)
        position = 0
        return readMore()
    }

    /// Appends the next chunk to the buffer; false when nothing was appended.
    private mutating func readMore() -> Bool {
        guard readError == nil else { return false }
        let before = buffer.count
        do {
            _ = try source.read(into: &buffer, maxCount: chunkSize)
        } catch {
            readError = error
            return false
        }
        return buffer.count > before
    }

    /// Skips EF BB BF at the very start. It is read until three bytes are
    /// there, since a source may hand out fewer at a time.
    private mutating func skipByteOrderMark() {
        startedReading = true
        while buffer.count - position < 3, readMore() {}
        if buffer.count - position >= 3, buffer[position] == 0xEF, buffer[position + 1] == 0xBB,
           buffer[position + 2] == 0xBF {
            position += 3
        }
    }
}
