/// A problem with one row of a CSV file (or with its header), as a value: the
/// reader reports it in place of the row and goes on with the next one, so one
/// dirty row never hides the others.
public struct CSVError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Equatable, Sendable {
        // Reading
        /// A quoted field is closed and then followed by something other than
        /// a comma or a line end, as in `"ab"c`.
        case unexpectedCharacterAfterQuote
        /// A quoted field still open at the end of the input; the position is
        /// the opening quote, which is where the mistake usually is.
        case unterminatedQuote
        /// A byte that is not valid text in the file's encoding.
        case invalidByte(UInt8, encoding: TextEncoding)
        /// A row longer than the reader's limit; the rest of it was skipped.
        case rowTooLong(limit: Int)
        /// The input could not be read further; no rows follow this error.
        case readFailed(reason: String)

        // Shape (`CSVTable`)
        /// The file has no header row at all.
        case missingHeader
        /// A header cell that is empty once trimmed; `field` is 1-based.
        case emptyHeader(field: Int)
        /// A header name used twice; both fields are 1-based.
        case duplicateHeader(name: String, field: Int, firstField: Int)
        case tooManyCells(expected: Int, actual: Int)
        case tooFewCells(expected: Int, actual: Int)
    }

    public let kind: Kind
    /// The 1-based physical line of the problem (a quoted cell with line breaks
    /// makes it differ from the row count).
    public let line: Int
    /// The 1-based column in characters on that line, when the problem has a
    /// single place; nil for problems with a whole row or header.
    public let column: Int?

    public init(_ kind: Kind, line: Int, column: Int? = nil) {
        self.kind = kind
        self.line = line
        self.column = column
    }

    /// The text of the problem: lowercase, no final period, like other diagnostics.
    public var message: String {
        switch kind {
        case .unexpectedCharacterAfterQuote:
            return "unexpected character after closing quote"
        case .unterminatedQuote:
            return "quoted field is never closed"
        case .invalidByte(let byte, let encoding):
            return "byte \(hexByte(byte)) is not valid \(encoding.displayName)"
        case .rowTooLong(let limit):
            return "row is longer than \(limit) bytes"
        case .readFailed(let reason):
            return reason
        case .missingHeader:
            return "file has no header row"
        case .emptyHeader(let field):
            return "header of column \(field) is empty"
        case .duplicateHeader(let name, let field, let firstField):
            return "header `\(name)` of column \(field) repeats column \(firstField)"
        case .tooManyCells(let expected, let actual):
            return "row has too many cells: expected \(expected), found \(actual)"
        case .tooFewCells(let expected, let actual):
            return "row has too few cells: expected \(expected), found \(actual)"
        }
    }

    /// `line L, column C: message`, for logs and tests.
    public var description: String {
        if let column { return "line \(line), column \(column): \(message)" }
        return "line \(line): \(message)"
    }
}

private func hexByte(_ byte: UInt8) -> String {
    let digits = String(byte, radix: 16, uppercase: true)
    return byte < 0x10 ? "0x0" + digits : "0x" + digits
}
