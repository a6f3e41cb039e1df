/// One token of policy text, with the range of characters it came from.
public struct Token: Sendable, Equatable {
    public let kind: TokenKind
    public let range: SourceRange
    /// True when a line end stands between this token and the previous one;
    /// the formatter keeps the author's line breaks, the parser uses it in
    /// error recovery.
    public let followsNewline: Bool

    public init(kind: TokenKind, range: SourceRange, followsNewline: Bool) {
        self.kind = kind
        self.range = range
        self.followsNewline = followsNewline
    }

    /// The text of an identifier token, or of any word the parser may read as a
    /// contextual keyword.
    public var word: String? {
        switch kind {
        case .identifier(let name): return name
        case .keyword(let keyword): return keyword.rawValue
        default: return nil
        }
    }

    /// Whether this token is the given word, reserved or contextual.
    public func isWord(_ keyword: Keyword) -> Bool { word == keyword.rawValue }
}

/// What kind of token it is, with its value.
public enum TokenKind: Sendable, Equatable, CustomStringConvertible {
    case identifier(String)
    case keyword(Keyword)
    /// A number as written, digits with an optional fraction: `6000`, `5999.99`.
    case number(String)
    /// A string literal, escapes already decoded.
    case string(String)
    /// A date literal `YYYY-MM-DD`, as written (its validity is checked later).
    case date(String)
    case punctuation(Punctuation)
    /// Text the lexer could not read; the parser reports it and goes on.
    case error(LexError)
    case endOfFile

    public var description: String {
        switch self {
        case .identifier(let name): return "`\(name)`"
        case .keyword(let keyword): return "`\(keyword.rawValue)`"
        case .number(let text): return "number `\(text)`"
        case .string: return "a string"
        case .date(let text): return "date `\(text)`"
        case .punctuation(let punctuation): return "`\(punctuation.rawValue)`"
        case .error: return "unreadable text"
        case .endOfFile: return "the end of the file"
        }
    }
}

/// Punctuation and operator symbols.
public enum Punctuation: String, Sendable, CaseIterable {
    case leftBrace = "{", rightBrace = "}"
    case leftParen = "(", rightParen = ")"
    case leftBracket = "[", rightBracket = "]"
    case comma = ",", colon = ":", dot = ".", dotDot = ".."
    case assign = "=", equal = "==", notEqual = "!="
    case less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case plus = "+", minus = "-", star = "*", slash = "/", percent = "%"
}

/// Why a piece of text could not be read as a token.
public enum LexError: Error, Sendable, Equatable {
    case unexpectedCharacter(Unicode.Scalar)
    /// A typographic quote where an ASCII `"` belongs (common with Chinese input methods).
    case typographicQuote(Unicode.Scalar)
    /// A zero-width or direction-changing character outside strings and comments.
    case invisibleCharacter(Unicode.Scalar)
    case unterminatedString
    case invalidEscape(String)
    /// A number too long to be meant (more than 40 characters).
    case numberTooLong
}

/// A `#` comment, kept so the formatter can put it back.
public struct Comment: Sendable, Equatable {
    public let text: String
    public let range: SourceRange
    /// True when code stands before the comment on the same line.
    public let trailing: Bool
}
