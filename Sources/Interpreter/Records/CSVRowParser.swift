/// The byte-level state machine of `CSVReader`, kept apart from the generic
/// reader so that it is compiled once, fully optimised, whatever the byte
/// source: the reader only feeds it chunks.
///
/// Positions are tracked as the bytes pass (physical line; column in
/// characters, which UTF-8 validation knows), so that an error anywhere in a
/// row, even lines below its start, can say where it is without keeping the
/// row's text.
struct CSVRowParser {
    typealias Row = (line: Int, result: Result<[String], CSVError>)

    private enum State {
        /// At the start of a field: after a comma or at the start of a row.
        case fieldStart
        case unquoted
        case quoted
        /// A quote inside a quoted field: a closing quote or the first half of `""`.
        case quoteInQuoted
        /// After an error that leaves the row's structure unknown: skipping to
        /// the next line end, quotes or not.
        case skippingLine
    }

    private static var quote: UInt8 { 0x22 }
    private static var comma: UInt8 { 0x2C }
    private static var carriageReturn: UInt8 { 0x0D }
    private static var lineFeed: UInt8 { 0x0A }

    private let maxRowBytes: Int
    private let skipsBlankLines: Bool
    /// Named in `invalidByte` errors: the bytes may have been transcoded from it.
    private let encoding: TextEncoding

    // Where the next byte is: the physical line and the characters before it on that line.
    private var line = 1
    private var column = 0
    private var previousWasCarriageReturn = false

    // UTF-8 validation of the bytes as they pass, so errors know their column.
    private var utf8Remaining = 0
    private var utf8NextRange: ClosedRange<UInt8> = 0x80...0xBF
    private var utf8Lead: UInt8 = 0
    private var utf8LeadColumn = 0

    // The row being read.
    private var state = State.fieldStart
    private var rowStarted = false
    private var rowLine = 1
    private var rowBytes = 0
    private var rowError: CSVError?
    private var cells: [String] = []
    private var field: [UInt8] = []
    private var quoteLine = 0
    private var quoteColumn = 0

    init(maxRowBytes: Int, skipBlankLines: Bool, encoding: TextEncoding) {
        self.maxRowBytes = Swift.max(1, maxRowBytes)
        self.skipsBlankLines = skipBlankLines
        self.encoding = encoding
    }

    // MARK: Input

    /// Reads `bytes` from `position` on until a row is complete, and returns
    /// it with `position` just past its line end; nil when the chunk ran out
    /// first (or held only skipped blank lines).
    mutating func parse(_ bytes: [UInt8], from position: inout Int) -> Row? {
        bytes.withUnsafeBufferPointer { buffer in
            var index = Swift.max(0, position)
            defer { position = index }
            while index < buffer.count {
                if rowError == nil, utf8Remaining == 0, state == .unquoted || state == .quoted {
                    index = appendPlainRun(buffer, from: index)
                    guard index < buffer.count else { break }
                } else if rowError != nil, state == .unquoted || state == .quoted || state == .skippingLine {
                    index = skipRun(buffer, from: index)
                    guard index < buffer.count else { break }
                }
                let byte = buffer[index]
                index += 1
                if let row = consume(byte) { return row }
            }
            return nil
        }
    }

    /// Ends the input: the last row, if it has no line end, or an error.
    mutating func finish() -> Row? {
        if utf8Remaining > 0 {
            utf8Remaining = 0
            fail(.invalidByte(utf8Lead, encoding: encoding), line: line, column: utf8LeadColumn)
        }
        guard rowStarted else { return nil }
        if state == .quoted {
            fail(.unterminatedQuote, line: quoteLine, column: quoteColumn)
        }
        return endRow()
    }

    /// The row a failed `read` interrupts, as the failure.
    func readFailure(_ reason: String) -> Row {
        (rowStarted ? rowLine : line, .failure(CSVError(.readFailed(reason: reason), line: line)))
    }

    // MARK: Bytes

    /// Takes a run of ordinary characters inside a field in one step, the
    /// common case by far: printable ASCII other than comma and quote, and
    /// complete, valid UTF-8 sequences (Chinese text). Anything else, a
    /// sequence cut by the chunk's end included, is left to `consume`.
    /// Returns where the run ends; the run is given back when it would cross
    /// the row limit.
    private mutating func appendPlainRun(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var end = start
        var characters = 0
        // Never look further than the row may still grow: past the limit the
        // row is an error, and scanning on would read a huge row again and again.
        let count = Swift.min(buffer.count, start + Swift.max(0, maxRowBytes - rowBytes))
        while end < count {
            let byte = buffer[end]
            if byte < 0x80 {
                guard byte >= 0x20, byte != 0x7F, byte != Self.comma, byte != Self.quote else { break }
                end += 1
                characters += 1
                continue
            }
            guard let (length, secondRange) = TextEncoding.utf8SequenceShape(byte), length > 1,
                  length <= count - end, secondRange.contains(buffer[end + 1]) else { break }
            if length >= 3 {
                guard (0x80...0xBF).contains(buffer[end + 2]) else { break }
                if length == 4 {
                    guard (0x80...0xBF).contains(buffer[end + 3]) else { break }
                }
            }
            end += length
            characters += 1
        }
        let length = end - start
        guard length > 0, length <= maxRowBytes - rowBytes else { return start }
        field.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[start..<end]))
        rowBytes += length
        column &+= characters
        previousWasCarriageReturn = false
        return end
    }

    /// Passes over the bytes of a row already in error, up to the next byte
    /// that can change the state (a quote, a comma, a line end): they are
    /// not kept, and a row of 100 MB is crossed in one step.
    private mutating func skipRun(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var end = start
        let count = buffer.count
        switch state {
        case .quoted:
            while end < count, buffer[end] != Self.quote, buffer[end] != Self.carriageReturn, buffer[end] != Self.lineFeed { end += 1 }
        case .unquoted:
            while end < count, buffer[end] != Self.quote, buffer[end] != Self.comma,
                  buffer[end] != Self.carriageReturn, buffer[end] != Self.lineFeed { end += 1 }
        default:
            while end < count, buffer[end] != Self.carriageReturn, buffer[end] != Self.lineFeed { end += 1 }
        }
        if end > start {
            utf8Remaining = 0
            previousWasCarriageReturn = false
            rowBytes &+= end - start
        }
        return end
    }

    /// Takes one byte; returns a row when the byte completes one.
    private mutating func consume(_ byte: UInt8) -> Row? {
        let isSecondHalfOfCRLF = byte == Self.lineFeed && previousWasCarriageReturn
        previousWasCarriageReturn = byte == Self.carriageReturn
        if isSecondHalfOfCRLF {
            // The line was counted at the CR. Inside quotes the LF belongs to
            // the cell; otherwise the CR already ended the row.
            if state == .quoted {
                append(byte)
                countRowByte()
            }
            return nil
        }
        if !rowStarted {
            rowStarted = true
            rowLine = line
            rowBytes = 0
        }
        track(byte)
        // The line end that closes a row is not part of it.
        let endsRow = state != .quoted && (byte == Self.carriageReturn || byte == Self.lineFeed)
        if !endsRow { countRowByte() }

        switch state {
        case .fieldStart:
            switch byte {
            case Self.quote:
                state = .quoted
                quoteLine = line
                quoteColumn = column
            case Self.comma:
                endField()
            case Self.carriageReturn, Self.lineFeed:
                return endRow()
            default:
                append(byte)
                state = .unquoted
            }
        case .unquoted:
            switch byte {
            case Self.comma:
                endField()
                state = .fieldStart
            case Self.carriageReturn, Self.lineFeed:
                return endRow()
            default:
                append(byte)
            }
        case .quoted:
            if byte == Self.quote {
                state = .quoteInQuoted
            } else {
                append(byte)
            }
        case .quoteInQuoted:
            switch byte {
            case Self.quote:
                append(byte)
                state = .quoted
            case Self.comma:
                endField()
                state = .fieldStart
            case Self.carriageReturn, Self.lineFeed:
                return endRow()
            default:
                fail(.unexpectedCharacterAfterQuote, line: line, column: column)
                state = .skippingLine
            }
        case .skippingLine:
            if byte == Self.carriageReturn || byte == Self.lineFeed { return endRow() }
        }
        return nil
    }

    /// Counts a byte against the row limit; past it the row is an error and
    /// its bytes are no longer kept, while quotes are still followed so that
    /// the next row starts where it really does.
    private mutating func countRowByte() {
        rowBytes &+= 1
        if rowBytes > maxRowBytes, rowError == nil {
            // At a line end the column is 0; the limit fell at its start.
            fail(.rowTooLong(limit: maxRowBytes), line: line, column: Swift.max(1, column))
        }
    }

    /// Moves the line and column past `byte` and checks it continues valid UTF-8.
    private mutating func track(_ byte: UInt8) {
        if utf8Remaining > 0 {
            if utf8NextRange.contains(byte) {
                utf8Remaining -= 1
                utf8NextRange = 0x80...0xBF
                return
            }
            // The sequence broke off: the lead byte is the one at fault, and
            // this byte starts afresh (it may well be a comma or a line end).
            utf8Remaining = 0
            fail(.invalidByte(utf8Lead, encoding: encoding), line: line, column: utf8LeadColumn)
        }
        switch byte {
        case Self.carriageReturn, Self.lineFeed:
            line &+= 1
            column = 0
        case 0x00...0x7F:
            column &+= 1
        default:
            column &+= 1
            if let (length, secondRange) = TextEncoding.utf8SequenceShape(byte), length > 1 {
                utf8Remaining = length - 1
                utf8NextRange = secondRange
                utf8Lead = byte
                utf8LeadColumn = column
            } else {
                fail(.invalidByte(byte, encoding: encoding), line: line, column: column)
            }
        }
    }

    // MARK: Rows

    private mutating func append(_ byte: UInt8) {
        if rowError == nil { field.append(byte) }
    }

    private mutating func endField() {
        // Bytes reach a field only while the row has no error, and every
        // error in the bytes is found before the comma or line end that ends
        // the field, so the bytes here are valid UTF-8.
        if rowError == nil { cells.append(String(decoding: field, as: UTF8.self)) }
        field.removeAll(keepingCapacity: true)
    }

    /// Finishes the row at a line end or the end of the input; nil for a
    /// skipped blank line.
    private mutating func endRow() -> Row? {
        let isBlank = state == .fieldStart && cells.isEmpty && rowError == nil
        if !isBlank || !skipsBlankLines { endField() }
        let result: Result<[String], CSVError>
        if let rowError {
            result = .failure(rowError)
        } else {
            result = .success(cells)
        }
        let startLine = rowLine
        let width = cells.count
        state = .fieldStart
        rowStarted = false
        rowError = nil
        cells = []
        // Rows of one file have the same width; this saves the regrowing.
        cells.reserveCapacity(width)
        field.removeAll(keepingCapacity: true)
        if isBlank && skipsBlankLines { return nil }
        return (startLine, result)
    }

    /// Records the row's first error (later ones follow from it) and drops
    /// what the row had gathered, which will not be returned.
    private mutating func fail(_ kind: CSVError.Kind, line: Int, column: Int) {
        guard rowError == nil else { return }
        rowError = CSVError(kind, line: line, column: column)
        cells = []
        field = []
    }
}
