/// The text of one policy file, held as Unicode scalars so that every position
/// is counted in characters, not bytes: a column under Chinese text is the
/// number of characters before it, as a reader counts them.
public struct SourceFile: Sendable {
    /// The path as the user gave it; shown in diagnostics.
    public let path: String
    /// The text, one element per Unicode scalar (a leading byte-order mark removed).
    public let scalars: [Unicode.Scalar]
    /// Offsets (into `scalars`) at which each line starts; the first is 0.
    public let lineStarts: [Int]

    public init(path: String, text: String) {
        self.path = path
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        self.scalars = scalars
        var starts = [0]
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            if scalar == "\n" {
                starts.append(index)
            } else if scalar == "\r" {
                // CR LF counts as one line end; a lone CR ends a line too.
                if index < scalars.count, scalars[index] == "\n" { index += 1 }
                starts.append(index)
            }
        }
        self.lineStarts = starts
    }

    /// The 1-based line and column of a scalar offset.
    public func location(of offset: Int) -> SourceLocation {
        let clamped = max(0, min(offset, scalars.count))
        // The last line start that is not after the offset.
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= clamped { low = middle } else { high = middle - 1 }
        }
        return SourceLocation(line: low + 1, column: clamped - lineStarts[low] + 1, offset: clamped)
    }

    /// The text of a 1-based line, without its line end.
    public func line(_ number: Int) -> String {
        guard number >= 1, number <= lineStarts.count else { return "" }
        let start = lineStarts[number - 1]
        var end = number < lineStarts.count ? lineStarts[number] : scalars.count
        while end > start, scalars[end - 1] == "\n" || scalars[end - 1] == "\r" { end -= 1 }
        return text(start..<end)
    }

    /// The text of a range of scalar offsets.
    public func text(_ range: Range<Int>) -> String {
        let lower = max(0, min(range.lowerBound, scalars.count))
        let upper = max(lower, min(range.upperBound, scalars.count))
        var result = String.UnicodeScalarView()
        result.append(contentsOf: scalars[lower..<upper])
        return String(result)
    }

    public var lineCount: Int { lineStarts.count }
}

/// A position in a source file: 1-based line and column (in characters) and the
/// 0-based scalar offset it came from.
public struct SourceLocation: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let line: Int
    public let column: Int
    public let offset: Int

    public init(line: Int, column: Int, offset: Int) {
        self.line = line
        self.column = column
        self.offset = offset
    }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool { lhs.offset < rhs.offset }

    public var description: String { "\(line):\(column)" }
}

/// A half-open range of scalar offsets in one source file. Every token and
/// syntax node carries one.
public struct SourceRange: Hashable, Sendable, CustomStringConvertible {
    public let start: Int
    public let end: Int

    public init(start: Int, end: Int) {
        self.start = start
        self.end = max(start, end)
    }

    public init(_ range: Range<Int>) { self.init(start: range.lowerBound, end: range.upperBound) }

    /// The smallest range covering both.
    public func union(_ other: SourceRange) -> SourceRange {
        SourceRange(start: min(start, other.start), end: max(end, other.end))
    }

    public var isEmpty: Bool { start == end }

    public var description: String { "\(start)..<\(end)" }
}
