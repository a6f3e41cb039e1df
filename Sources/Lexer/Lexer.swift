/// Turns policy text into tokens. It never fails: text it cannot read becomes
/// an `.error` token, so the parser can report every problem of a file in one
/// run. It always ends with one `.endOfFile` token.
public struct Lexer {
    /// The tokens and comments of one file.
    public struct Output: Sendable {
        public let tokens: [Token]
        public let comments: [Comment]
    }

    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var tokens: [Token] = []
    private var comments: [Comment] = []
    private var sawNewline = true
    private var codeOnLine = false

    public static func tokenize(_ source: SourceFile) -> Output {
        var lexer = Lexer(scalars: source.scalars)
        lexer.run()
        return Output(tokens: lexer.tokens, comments: lexer.comments)
    }

    private init(scalars: [Unicode.Scalar]) {
        self.scalars = scalars
    }

    private mutating func run() {
        // INVARIANT: every turn of the loop consumes at least one scalar, so the
        // lexer ends on any input.
        while let scalar = peek() {
            let start = index
            switch scalar {
            case "\n", "\r":
                index += 1
                sawNewline = true
                codeOnLine = false
            case " ", "\t", "\u{3000}", "\u{00A0}", "\u{0C}":
                index += 1
            case "#":
                lexComment()
            case "\"":
                lexString()
            case "0"..."9":
                lexNumberOrDate()
            case "“", "”", "„", "‘", "’", "「", "」", "『", "』":
                lexTypographicString(opening: scalar)
            default:
                if Lexer.isIdentifierStart(scalar) {
                    lexWord()
                } else if let punctuation = lexPunctuation() {
                    emit(.punctuation(punctuation), from: start)
                } else {
                    index += 1
                    let error: LexError = Lexer.isInvisible(scalar)
                        ? .invisibleCharacter(scalar) : .unexpectedCharacter(scalar)
                    emit(.error(error), from: start)
                }
            }
        }
        tokens.append(Token(kind: .endOfFile, range: SourceRange(start: index, end: index), followsNewline: sawNewline))
    }

    // MARK: - Pieces

    private mutating func lexComment() {
        let start = index
        while let scalar = peek(), scalar != "\n", scalar != "\r" { index += 1 }
        var text = String.UnicodeScalarView()
        text.append(contentsOf: scalars[(start + 1)..<index])
        comments.append(Comment(text: String(text), range: SourceRange(start: start, end: index), trailing: codeOnLine))
    }

    private mutating func lexString() {
        let start = index
        index += 1
        var value = String.UnicodeScalarView()
        var error: LexError?
        while true {
            guard let scalar = peek(), scalar != "\n", scalar != "\r" else {
                emit(.error(.unterminatedString), from: start)
                return
            }
            index += 1
            if scalar == "\"" { break }
            if scalar == "\\" {
                switch lexEscape() {
                case .success(let decoded): value.append(decoded)
                case .failure(let escapeError): error = error ?? escapeError
                }
            } else {
                value.append(scalar)
            }
        }
        if let error {
            emit(.error(error), from: start)
        } else {
            emit(.string(String(value)), from: start)
        }
    }

    /// A string between typographic quotes (“…” or 「…」) is an error, but one
    /// error: the whole quoted text becomes a single error token, so the parser
    /// does not stumble over the words inside.
    private mutating func lexTypographicString(opening: Unicode.Scalar) {
        let start = index
        index += 1
        let closing: Unicode.Scalar?
        switch opening {
        case "“": closing = "”"
        case "‘": closing = "’"
        case "「": closing = "」"
        case "『": closing = "』"
        default: closing = nil
        }
        if let closing {
            var probe = index
            while probe < scalars.count, scalars[probe] != "\n", scalars[probe] != "\r" {
                if scalars[probe] == closing {
                    index = probe + 1
                    break
                }
                probe += 1
            }
        }
        emit(.error(.typographicQuote(opening)), from: start)
    }

    /// escape = "\" ( `"` | `\` | "n" | "t" | "r" | "u{" hex+ "}" )
    private mutating func lexEscape() -> Result<Unicode.Scalar, LexError> {
        guard let next = peek(), next != "\n", next != "\r" else { return .failure(.invalidEscape("\\")) }
        index += 1
        switch next {
        case "\"": return .success("\"")
        case "\\": return .success("\\")
        case "n": return .success("\n")
        case "t": return .success("\t")
        case "r": return .success("\r")
        case "u":
            guard peek() == "{" else { return .failure(.invalidEscape("\\u")) }
            index += 1
            var hex = ""
            while let digit = peek(), digit.properties.isASCIIHexDigit, hex.count < 8 {
                hex.unicodeScalars.append(digit)
                index += 1
            }
            guard peek() == "}" else { return .failure(.invalidEscape("\\u{\(hex)")) }
            index += 1
            guard let code = UInt32(hex, radix: 16), let decoded = Unicode.Scalar(code) else {
                return .failure(.invalidEscape("\\u{\(hex)}"))
            }
            return .success(decoded)
        default:
            return .failure(.invalidEscape("\\\(next)"))
        }
    }

    /// number = digit+ ( "." digit+ )? ; date = digit{4} "-" digit{2} "-" digit{2}
    private mutating func lexNumberOrDate() {
        let start = index
        if isDateAhead() {
            index += 10
            emit(.date(text(start..<index)), from: start)
            return
        }
        skipDigits()
        if peek() == ".", let after = peek(1), Lexer.isDigit(after) {
            index += 1
            skipDigits()
        }
        if index - start > 40 {
            emit(.error(.numberTooLong), from: start)
        } else {
            emit(.number(text(start..<index)), from: start)
        }
    }

    private func isDateAhead() -> Bool {
        let shape: [Bool] = [true, true, true, true, false, true, true, false, true, true]
        for (offset, wantsDigit) in shape.enumerated() {
            guard let scalar = peek(offset) else { return false }
            if wantsDigit ? !Lexer.isDigit(scalar) : scalar != "-" { return false }
        }
        if let after = peek(10), Lexer.isDigit(after) || Lexer.isIdentifierContinue(after) { return false }
        return true
    }

    private mutating func skipDigits() {
        while let scalar = peek(), Lexer.isDigit(scalar) { index += 1 }
    }

    private mutating func lexWord() {
        let start = index
        index += 1
        while let scalar = peek(), Lexer.isIdentifierContinue(scalar) { index += 1 }
        let word = text(start..<index)
        if let keyword = Keyword.reserved(word) {
            emit(.keyword(keyword), from: start)
        } else {
            emit(.identifier(word), from: start)
        }
    }

    private mutating func lexPunctuation() -> Punctuation? {
        guard let first = peek() else { return nil }
        let second = peek(1)
        let two: Punctuation?
        switch (first, second) {
        case ("=", "="): two = .equal
        case ("!", "="): two = .notEqual
        case ("<", "="): two = .lessEqual
        case (">", "="): two = .greaterEqual
        case (".", "."): two = .dotDot
        default: two = nil
        }
        if let two {
            index += 2
            return two
        }
        guard let one = Punctuation(rawValue: String(first)) else { return nil }
        index += 1
        return one
    }

    // MARK: - Helpers

    private mutating func emit(_ kind: TokenKind, from start: Int) {
        tokens.append(Token(kind: kind, range: SourceRange(start: start, end: index), followsNewline: sawNewline))
        sawNewline = false
        codeOnLine = true
    }

    private func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
        let position = index + ahead
        return position < scalars.count ? scalars[position] : nil
    }

    private func text(_ range: Range<Int>) -> String {
        // Written as UTF-8 straight into the string's storage (at most four bytes a scalar).
        String(unsafeUninitializedCapacity: range.count * 4) { buffer in
            var count = 0
            for scalar in scalars[range] {
                if scalar.isASCII {
                    buffer[count] = UInt8(scalar.value)
                    count += 1
                } else {
                    UTF8.encode(scalar) { byte in
                        buffer[count] = byte
                        count += 1
                    }
                }
            }
            return count
        }
    }

    static func isDigit(_ scalar: Unicode.Scalar) -> Bool { scalar >= "0" && scalar <= "9" }

    /// Letters of any script (Chinese included) and `_` start a name.
    public static func isIdentifierStart(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return scalar == "_" || (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") }
        return scalar.properties.isXIDStart
    }

    public static func isIdentifierContinue(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return scalar == "_" || isDigit(scalar) || (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") }
        return scalar.properties.isXIDContinue
    }

    /// Characters that show nothing or change the direction of text: harmless in
    /// comments and strings, but never allowed in code where they could hide meaning.
    public static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180E,
             0x200B...0x200F, 0x202A...0x202E, 0x2060...0x2064, 0x2066...0x2069, 0xFEFF:
            return true
        default:
            return false
        }
    }
}
