import Lexer

/// Converts between the scalar offsets of a `SourceFile` (every token and
/// diagnostic range) and the protocol's positions: 0-based lines and columns
/// counted in UTF-16 code units, so that `监` counts one and `𠀀` two.
///
/// `SourceFile` drops a leading byte-order mark, the editor does not: with
/// `hasByteOrderMark`, columns on the first line are one further right.
public struct PositionMap: Sendable {
    public let source: SourceFile
    public let hasByteOrderMark: Bool

    public init(source: SourceFile, hasByteOrderMark: Bool = false) {
        self.source = source
        self.hasByteOrderMark = hasByteOrderMark
    }

    public init(path: String, text: String) {
        self.init(source: SourceFile(path: path, text: text), hasByteOrderMark: text.unicodeScalars.first == "\u{FEFF}")
    }

    static func utf16Width(_ scalar: Unicode.Scalar) -> Int { scalar.value > 0xFFFF ? 2 : 1 }

    /// The offset just past the last character of a 0-based line (before its line end).
    func lineEnd(_ line: Int) -> Int {
        let starts = source.lineStarts
        var end = line + 1 < starts.count ? starts[line + 1] : source.scalars.count
        while end > starts[line], source.scalars[end - 1] == "\n" || source.scalars[end - 1] == "\r" { end -= 1 }
        return end
    }

    /// The protocol position of a scalar offset.
    public func position(of offset: Int) -> LSPPosition {
        let location = source.location(of: offset)
        let line = location.line - 1
        let start = source.lineStarts[line]
        var character = 0
        var index = start
        while index < location.offset, index < source.scalars.count {
            character += PositionMap.utf16Width(source.scalars[index])
            index += 1
        }
        if hasByteOrderMark, line == 0 { character += 1 }
        return LSPPosition(line: line, character: character)
    }

    public func range(of range: SourceRange) -> LSPRange {
        LSPRange(start: position(of: range.start), end: position(of: range.end))
    }

    /// The scalar offset of a protocol position; a position past the end of
    /// its line is the line's end, a line past the last is the end of the text.
    public func offset(of position: LSPPosition) -> Int {
        guard position.line >= 0 else { return 0 }
        guard position.line < source.lineStarts.count else { return source.scalars.count }
        let start = source.lineStarts[position.line]
        let end = lineEnd(position.line)
        var remaining = position.character - (hasByteOrderMark && position.line == 0 ? 1 : 0)
        var index = start
        while index < end, remaining > 0 {
            remaining -= PositionMap.utf16Width(source.scalars[index])
            index += 1
        }
        return index
    }

    /// The range of the whole text.
    public var wholeRange: LSPRange {
        LSPRange(start: LSPPosition(line: 0, character: 0), end: position(of: source.scalars.count))
    }

    /// The range of a 0-based line's text.
    public func lineRange(_ line: Int) -> LSPRange {
        let clamped = max(0, min(line, source.lineStarts.count - 1))
        return LSPRange(start: position(of: source.lineStarts[clamped]), end: position(of: lineEnd(clamped)))
    }
}

/// Applies a protocol edit (a range in UTF-16 positions) to a text.
public enum TextEditing {
    public static func apply(_ text: String, range: LSPRange, newText: String) -> String {
        let units = Array(text.utf16)
        func offset(_ position: LSPPosition) -> Int {
            var line = 0
            var index = 0
            while line < position.line, index < units.count {
                let unit = units[index]
                index += 1
                if unit == 0x0A {
                    line += 1
                } else if unit == 0x0D {
                    if index < units.count, units[index] == 0x0A { index += 1 }
                    line += 1
                }
            }
            guard line == position.line else { return units.count }
            var column = 0
            while column < max(0, position.character), index < units.count, units[index] != 0x0A, units[index] != 0x0D {
                index += 1
                column += 1
            }
            // Never split a surrogate pair.
            if index < units.count, index > 0, UTF16.isTrailSurrogate(units[index]), UTF16.isLeadSurrogate(units[index - 1]) { index += 1 }
            return index
        }
        let start = offset(range.start)
        let end = max(start, offset(range.end))
        let result = Array(units[..<start]) + Array(newText.utf16) + Array(units[end...])
        return String(decoding: result, as: UTF16.self)
    }
}
