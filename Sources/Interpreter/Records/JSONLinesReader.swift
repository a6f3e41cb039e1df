import Foundation
/// Reads JSON Lines from a byte stream in chunks, one JSON value per line,
/// never holding more than one line (up to a limit) in memory. A bad line
/// gives an error for that line only; reading goes on with the next.
///
/// Blank lines are skipped, CR LF and LF both end lines, a UTF-8 byte-order
/// mark at the start is ignored, and a last line without a line end is read.
public struct JSONLinesReader: Sequence, IteratorProtocol {
    public typealias Element = (line: Int, result: Result<JSONValue, JSONSyntaxError>)

    /// A line longer than this is an error (and is skipped without being buffered).
    public var maxLineBytes: Int
    public var limits: JSONLimits

    private var source: any ByteSource
    private let chunkSize: Int
    /// Memory for what is read: the bytes up to `end` are the input's, the
    /// rest is room for the next read (zeroed once, when the buffer grows,
    /// and written by the source directly after that).
    private var buffer: [UInt8] = []
    private var end = 0
    /// Where the unread part of `buffer` starts.
    private var start = 0
    /// How far `buffer` has been searched for a line end.
    private var scanned = 0
    private var lineNumber = 0
    private var atEnd = false
    private var startedReading = false
    /// Skipping the rest of an overlong line.
    private var skipping = false
    /// Lines are handed out as bytes (`takeUnparsed`), not parsed.
    public var defersParsing = false
    /// Where the line just returned lies in `buffer`, when parsing is deferred.
    private var unparsedRange: Range<Int>?

    /// The bytes of the line just returned, when parsing is deferred.
    public mutating func takeUnparsed() -> [UInt8]? {
        defer { unparsedRange = nil }
        return unparsedRange.map { Array(buffer[$0]) }
    }

    /// Calls `body` with the bytes of the line just returned, in place, when
    /// parsing is deferred (valid until the next call of `next`).
    public mutating func withUnparsed<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        guard let range = unparsedRange else { return nil }
        unparsedRange = nil
        return buffer.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[range])) }
    }

    public init(source: some ByteSource, maxLineBytes: Int = 16 << 20, limits: JSONLimits = .default, chunkSize: Int = 1 << 20) {
        self.source = source
        self.maxLineBytes = maxLineBytes
        self.limits = limits
        self.chunkSize = Swift.max(1, chunkSize)
    }

    public mutating func next() -> Element? {
        unparsedRange = nil
        while true {
            if let newline = findNewline() {
                let lineStart = start
                start = newline + 1
                scanned = start
                if skipping {
                    // The end of the overlong line, already counted and reported.
                    skipping = false
                    continue
                }
                lineNumber += 1
                if newline - lineStart > maxLineBytes {
                    // A long line that happened to fit in what was read: refused all the same.
                    return (lineNumber, .failure(JSONSyntaxError(message: "line longer than \(maxLineBytes) bytes", byteOffset: 0,
                                                                 line: lineNumber, column: 1)))
                }
                if let item = parseLine(lineStart..<newline) { return item }
                continue
            }
            if skipping {
                // Drop what is buffered of the overlong line; keep reading until its end.
                end = 0
                start = 0
                scanned = 0
                if atEnd {
                    skipping = false
                    return nil
                }
                if let failure = fill() { return failure }
                continue
            }
            if end - start > maxLineBytes {
                lineNumber += 1
                skipping = true
                let item: Element = (lineNumber, .failure(JSONSyntaxError(
                    message: "line longer than \(maxLineBytes) bytes", byteOffset: 0, line: lineNumber, column: 1)))
                end = 0
                start = 0
                scanned = 0
                return item
            }
            if atEnd {
                guard start < end else { return nil }
                let lineStart = start
                start = end
                scanned = start
                lineNumber += 1
                if let item = parseLine(lineStart..<end) { return item }
                return nil
            }
            if let failure = fill() { return failure }
        }
    }

    /// Reads the next chunk; a read error becomes an error item and ends the input.
    private mutating func fill() -> Element? {
        if start > 0 && start >= end / 2 {
            let (from, kept) = (start, end - start)
            buffer.withUnsafeMutableBytes { raw in
                guard let base = raw.baseAddress, kept > 0 else { return }
                memmove(base, base + from, kept)
            }
            end = kept
            scanned -= start
            start = 0
        }
        if buffer.count - end < chunkSize {
            buffer.append(contentsOf: [UInt8](repeating: 0, count: Swift.max(chunkSize, buffer.count) - (buffer.count - end)))
        }
        do {
            let (from, room) = (end, chunkSize)
            let count = try buffer.withUnsafeMutableBytes { raw in
                try source.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[from..<(from + room)]))
            }
            end += count
            if count == 0 { atEnd = true }
        } catch {
            atEnd = true
            lineNumber += 1
            return (lineNumber, .failure(JSONSyntaxError(message: "cannot read the input: \(error)", byteOffset: 0,
                                                         line: lineNumber, column: 1)))
        }
        if !startedReading, end - start >= 3 || atEnd {
            startedReading = true
            if end - start >= 3, buffer[start] == 0xEF, buffer[start + 1] == 0xBB, buffer[start + 2] == 0xBF {
                start += 3
                scanned = Swift.max(scanned, start)
            }
        }
        return nil
    }

    private mutating func findNewline() -> Int? {
        guard startedReading else { return nil }
        // `memchr` is as fast in a debug build as in a release one: a line of
        // 100 MB is crossed in a few milliseconds either way.
        let (from, end) = (scanned, self.end)
        let found: Int? = buffer.withUnsafeBytes { raw in
            guard let base = raw.baseAddress, from < end,
                  let hit = memchr(base + from, 0x0A, end - from) else { return nil }
            return base.distance(to: UnsafeRawPointer(hit))
        }
        if found == nil { scanned = end }
        return found
    }

    /// Parses one line, or returns nil for a blank one.
    private mutating func parseLine(_ range: Range<Int>) -> Element? {
        var end = range.upperBound
        if end > range.lowerBound, buffer[end - 1] == 0x0D { end -= 1 }
        let content = range.lowerBound..<end
        if buffer[content].allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return nil }
        let line = lineNumber
        if defersParsing {
            unparsedRange = content
            return (line, .success(.null))
        }
        let result = buffer.withUnsafeBytes { raw in
            JSONParser.parse(UnsafeRawBufferPointer(rebasing: raw[content]), limits: limits, firstLine: line)
        }
        return (line, result)
    }
}
