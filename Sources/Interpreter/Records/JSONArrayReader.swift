import Foundation

/// Reads a JSON document whose top level is an array of records, one element
/// at a time from a byte stream. Element boundaries are found by scanning
/// (strings, escapes and bracket depth), then each element is parsed on its
/// own: a malformed element gives an error for that element only, and reading
/// resumes at the next.
///
/// Problems that belong to no element (the top level is not an array, the
/// array is never closed, text after it) are kept in `structureError`.
public struct JSONArrayReader: Sequence, IteratorProtocol {
    public typealias Element = (line: Int, result: Result<JSONValue, JSONSyntaxError>)

    public var limits: JSONLimits
    public var maxElementBytes: Int
    /// What is wrong with the document as a whole, once found.
    public private(set) var structureError: JSONSyntaxError?

    private var source: any ByteSource
    private let chunkSize: Int
    private var buffer: [UInt8] = []
    private var position = 0
    private var atEnd = false
    private var line = 1
    /// Offset in `buffer` where the current line starts (for columns).
    private var lineStart = 0
    private enum State { case beforeArray, beforeElement, finished }
    private var state = State.beforeArray

    public init(source: some ByteSource, limits: JSONLimits = .default, maxElementBytes: Int = 16 << 20, chunkSize: Int = 1 << 20) {
        self.source = source
        self.limits = limits
        self.maxElementBytes = maxElementBytes
        self.chunkSize = Swift.max(1, chunkSize)
    }

    public mutating func next() -> Element? {
        while true {
            switch state {
            case .finished:
                return nil
            case .beforeArray:
                guard let byte = nextSignificantByte() else {
                    state = .finished
                    return nil
                }
                if position == 0, byte == 0xEF, skipByteOrderMark() { continue }
                guard byte == UInt8(ascii: "[") else {
                    structureError = error("the top level must be an array of records `[ {…}, {…} ]`")
                    state = .finished
                    return nil
                }
                position += 1
                state = .beforeElement
                if let byte = nextSignificantByte(), byte == UInt8(ascii: "]") {
                    position += 1
                    finish()
                    return nil
                }
            case .beforeElement:
                guard nextSignificantByte() != nil else {
                    structureError = error("the array is not closed with `]`: the input may be cut short")
                    state = .finished
                    return nil
                }
                return readElement()
            }
        }
    }

    /// Scans one element up to the `,` or `]` that ends it, reading more input
    /// as needed, then parses it.
    private mutating func readElement() -> Element {
        var elementStart = position
        let elementLine = line
        let elementColumn = column(of: elementStart)
        var depth = 0
        var inString = false
        var escaped = false
        var index = position
        var linesInside = 0
        var lastLineStart = lineStart
        // An element longer than the limit is not kept: its end is still
        // looked for, so that the elements after it are read as usual.
        var overlong = false
        while true {
            if index >= buffer.count {
                if atEnd { break }
                if overlong {
                    buffer.removeAll(keepingCapacity: true)
                    index = 0
                    elementStart = 0
                    lastLineStart = 0
                    position = 0
                    lineStart = 0
                } else {
                    let shift = compact(keeping: elementStart)
                    index -= shift
                    lastLineStart -= shift
                    elementStart -= shift
                    overlong = index - elementStart > maxElementBytes
                }
                readChunk()
                continue
            }
            if overlong, inString, !escaped {
                // Inside a long string of a long element: on to the next quote,
                // backslash or line end in one step (`memchr` is fast in any build).
                index = Self.nextStringStop(in: buffer, from: index)
                if index >= buffer.count { continue }
            }
            let byte = buffer[index]
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") || byte == 0x0A {
                    // A line end inside a string is an error; ending the string there resynchronises.
                    inString = false
                }
            } else {
                switch byte {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    if depth == 0 { return finishElement(elementStart, index, elementLine, elementColumn, linesInside, lastLineStart, overlong) }
                    depth -= 1
                case UInt8(ascii: ","):
                    if depth == 0 { return finishElement(elementStart, index, elementLine, elementColumn, linesInside, lastLineStart, overlong) }
                default: break
                }
            }
            if byte == 0x0A {
                linesInside += 1
                lastLineStart = index + 1
            }
            index += 1
        }
        // The input ended inside the element.
        return finishElement(elementStart, index, elementLine, elementColumn, linesInside, lastLineStart, overlong)
    }

    /// The offset of the first `"`, `\\` or line end at or after `start`, or the buffer's end.
    private static func nextStringStop(in buffer: [UInt8], from start: Int) -> Int {
        buffer.withUnsafeBytes { raw in
            guard let base = raw.baseAddress, start < raw.count else { return raw.count }
            var nearest = raw.count
            for target in [0x22, 0x5C, 0x0A] as [Int32] {
                if let hit = memchr(base + start, target, nearest - start) { nearest = base.distance(to: UnsafeRawPointer(hit)) }
            }
            return nearest
        }
    }

    private mutating func finishElement(_ elementStart: Int, _ end: Int, _ elementLine: Int, _ elementColumn: Int,
                                        _ linesInside: Int, _ lastLineStart: Int, _ overlong: Bool) -> Element {
        let limits = self.limits
        let result: Result<JSONValue, JSONSyntaxError>
        if overlong {
            result = .failure(JSONSyntaxError(message: "record longer than \(maxElementBytes) bytes", byteOffset: 0, line: elementLine, column: elementColumn))
        } else {
            result = buffer.withUnsafeBytes { raw in
                JSONParser.parse(UnsafeRawBufferPointer(rebasing: raw[elementStart..<end]), limits: limits,
                                 firstLine: elementLine, firstColumn: elementColumn)
            }
        }
        line = elementLine + linesInside
        lineStart = lastLineStart
        position = end
        if end >= buffer.count {
            structureError = error("the array is not closed with `]`: the input may be cut short")
            state = .finished
        } else if buffer[end] == UInt8(ascii: ",") {
            position = end + 1
        } else {
            position = end + 1
            finish()
        }
        return (elementLine, result)
    }

    /// After `]`: only whitespace may follow.
    private mutating func finish() {
        state = .finished
        if nextSignificantByte() != nil {
            structureError = error("unexpected text after the closing `]`")
        }
    }

    // MARK: - Buffer

    /// The next byte that is not whitespace (reading more input as needed),
    /// counting lines on the way; nil at the end of the input.
    private mutating func nextSignificantByte() -> UInt8? {
        while true {
            while position < buffer.count {
                let byte = buffer[position]
                switch byte {
                case 0x20, 0x09, 0x0D: position += 1
                case 0x0A:
                    position += 1
                    line += 1
                    lineStart = position
                default: return byte
                }
            }
            if atEnd { return nil }
            _ = compact(keeping: position)
            readChunk()
        }
    }

    private mutating func skipByteOrderMark() -> Bool {
        while buffer.count < 3 && !atEnd { readChunk() }
        guard buffer.count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF else { return false }
        position = 3
        lineStart = 3
        return true
    }

    private mutating func readChunk() {
        do {
            if try source.read(into: &buffer, maxCount: chunkSize) == 0 { atEnd = true }
        } catch {
            atEnd = true
            structureError = self.error("cannot read the input: \(error)")
        }
    }

    /// Drops consumed bytes before `keep`; returns how far offsets moved.
    private mutating func compact(keeping keep: Int) -> Int {
        let drop = Swift.min(keep, lineStart)
        guard drop > 0, drop >= buffer.count / 2 else { return 0 }
        buffer.removeSubrange(0..<drop)
        position -= drop
        lineStart -= drop
        return drop
    }

    private func column(of offset: Int) -> Int {
        var column = 1
        var index = lineStart
        while index < offset && index < buffer.count {
            if buffer[index] & 0xC0 != 0x80 { column += 1 }
            index += 1
        }
        return column
    }

    private func error(_ message: String) -> JSONSyntaxError {
        JSONSyntaxError(message: message, byteOffset: position, line: line, column: column(of: position))
    }
}
