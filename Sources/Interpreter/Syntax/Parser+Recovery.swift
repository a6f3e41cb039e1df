import Lexer

/// Token access, error reporting and recovery. After an error the parser is
/// *panicking*: it reports nothing more until it has skipped to a place where
/// parsing can resume (the next clause of a block, or the next declaration).
extension Parser {
    var current: Token { tokens[min(position, tokens.count - 1)] }

    var atEnd: Bool { current.kind == .endOfFile }

    var previousRange: SourceRange {
        position > 0 ? tokens[min(position - 1, tokens.count - 1)].range : current.range
    }

    func peekToken(_ ahead: Int) -> Token { tokens[min(position + ahead, tokens.count - 1)] }

    func peekKind(_ ahead: Int) -> TokenKind { peekToken(ahead).kind }

    mutating func advance() {
        if position < tokens.count - 1 { position += 1 }
    }

    func check(_ punctuation: Punctuation) -> Bool { current.kind == .punctuation(punctuation) }

    mutating func consume(_ punctuation: Punctuation) -> Bool {
        guard check(punctuation) else { return false }
        advance()
        return true
    }

    /// Consumes the punctuation or reports what was expected; returns its range.
    mutating func expect(_ punctuation: Punctuation, _ what: String) -> SourceRange? {
        let range = current.range
        if consume(punctuation) { return range }
        reportOnce(.expected(what, found: current.kind.description), at: current.range)
        return nil
    }

    mutating func expectKeyword(_ keyword: Keyword, _ what: String) -> Bool {
        if current.kind == .keyword(keyword) {
            advance()
            return true
        }
        reportOnce(.expected(what, found: current.kind.description), at: current.range)
        return false
    }

    mutating func parseName(what: String) -> Name? {
        if case .identifier(let text) = current.kind {
            let name = Name(text, current.range)
            advance()
            return name
        }
        if case .keyword(let keyword) = current.kind {
            reportOnce(.expected("\(what) (`\(keyword.rawValue)` is a reserved word)", found: current.kind.description), at: current.range)
        } else {
            reportOnce(.expected(what, found: current.kind.description), at: current.range)
        }
        return nil
    }

    mutating func parseString(what: String) -> StringLiteral? {
        if case .string(let value) = current.kind {
            let literal = StringLiteral(value: value, range: current.range)
            advance()
            return literal
        }
        reportOnce(.expected("\(what) in double quotes", found: current.kind.description), at: current.range)
        return nil
    }

    mutating func optionalString() -> StringLiteral? {
        guard case .string(let value) = current.kind else { return nil }
        let literal = StringLiteral(value: value, range: current.range)
        advance()
        return literal
    }

    // MARK: - Reporting

    /// Whether a block's clauses end here: at its `}`, or (reported as
    /// unclosed) at the end of the file or the start of the next declaration.
    mutating func atBlockEnd(opener: String, open: SourceRange) -> Bool {
        if check(.rightBrace) { return true }
        guard atEnd || startsDeclaration(current) else { return false }
        report(.unclosedBlock(opener: opener), at: open)
        return true
    }

    mutating func report(_ kind: DiagnosticKind, at range: SourceRange) {
        diagnostics.append(Diagnostic(kind, file: source, range: range))
    }

    /// Reports unless already panicking, then panics.
    mutating func reportOnce(_ kind: DiagnosticKind, at range: SourceRange) {
        // Unreadable text was reported by the lexer; a second message would only echo it.
        if case .error = current.kind {
            panicking = true
            return
        }
        if !panicking, diagnostics.count < Parser.maxErrors {
            report(kind, at: range)
        }
        panicking = true
    }

    /// The lexer's error tokens, reported up front; the parser then treats them
    /// as already reported.
    mutating func reportLexErrors() {
        for token in tokens {
            guard case .error(let error) = token.kind else { continue }
            let kind: DiagnosticKind
            switch error {
            case .unexpectedCharacter(let scalar): kind = .unexpectedCharacter(scalar)
            case .typographicQuote(let scalar): kind = .typographicQuote(scalar)
            case .invisibleCharacter(let scalar): kind = .invisibleCharacter(scalar)
            case .unterminatedString: kind = .unterminatedString
            case .invalidEscape(let text): kind = .invalidEscape(text)
            case .numberTooLong: kind = .numberTooLong
            }
            report(kind, at: token.range)
            if diagnostics.count >= Parser.maxErrors { break }
        }
    }

    // MARK: - Recovery

    /// Whether a token starts a top-level declaration: a declaration word at
    /// the start of a line, followed on that line by the shape of a
    /// declaration's head (`param NAME =`, `category NAME … {`). Clause words
    /// that share a declaration's name (`schema household/v1` in a header, an
    /// enumeration member called `monitored`) do not match.
    func startsDeclaration(_ token: Token) -> Bool {
        guard token.followsNewline, let word = token.word, let keyword = Keyword(rawValue: word) else { return false }
        guard let offset = tokenOffset(of: token) else { return false }
        let next = tokens[min(offset + 1, tokens.count - 1)]
        switch keyword {
        case .param, .let:
            return next.kind.isName && !next.followsNewline
                && tokens[min(offset + 2, tokens.count - 1)].kind == .punctuation(.assign)
        case .policy, .schema, .calendar, .category, .exclude, .exception, .enum, .record, .alert, .procedure:
            return next.kind.isName && !next.followsNewline && braceOnSameLine(after: offset)
        case .monitored, .eliminate:
            return braceOnSameLine(after: offset)
        case .holiday, .workday:
            guard !next.followsNewline else { return false }
            switch next.kind {
            case .string, .date: return true
            default: return false
            }
        case .override, .remove:
            guard !next.followsNewline, let word = next.word, let inner = Keyword(rawValue: word) else { return false }
            return Parser.overridable.contains(inner) || inner == .require || inner == .forbid
        case .test:
            return next.kind.isName && !next.followsNewline
        default:
            return false
        }
    }

    /// A looser test than `startsDeclaration`, for places no clause can stand:
    /// a declaration word at the start of a line followed by a name (or, for
    /// `monitored` and `eliminate`, by `{` or a label). It lets an expression
    /// left unfinished at the end of a line stop before the next declaration.
    func looksLikeDeclaration(_ token: Token) -> Bool {
        if startsDeclaration(token) { return true }
        guard token.followsNewline, let word = token.word, let keyword = Keyword(rawValue: word),
              let offset = tokenOffset(of: token) else { return false }
        let next = tokens[min(offset + 1, tokens.count - 1)]
        guard !next.followsNewline else { return false }
        switch keyword {
        case .policy, .schema, .calendar, .param, .let, .category, .exclude, .exception, .enum, .record, .alert, .procedure:
            return next.kind.isName
        case .monitored, .eliminate:
            if case .string = next.kind { return true }
            return next.kind == .punctuation(.leftBrace)
        default:
            return false
        }
    }

    private func tokenOffset(of token: Token) -> Int? {
        if tokens[min(position, tokens.count - 1)].range == token.range { return min(position, tokens.count - 1) }
        return tokens.firstIndex { $0.range == token.range }
    }

    /// Whether a `{` follows on the same line as the token at `offset`.
    private func braceOnSameLine(after offset: Int) -> Bool {
        var index = offset + 1
        while index < tokens.count, !tokens[index].followsNewline {
            if tokens[index].kind == .punctuation(.leftBrace) { return true }
            if tokens[index].kind == .endOfFile { return false }
            index += 1
        }
        return false
    }

    /// Skips to the next declaration at the start of a line.
    mutating func synchronizeToDeclaration() {
        var braces = 0
        while !atEnd {
            if braces <= 0, looksLikeDeclaration(current) { break }
            if check(.leftBrace) { braces += 1 }
            if check(.rightBrace) { braces -= 1 }
            advance()
        }
        panicking = false
    }

    /// Inside a block, skips to the next clause (a word at the start of a line),
    /// the block's `}`, or the next declaration.
    mutating func synchronizeInBlock() {
        var braces = 0
        var first = true
        while !atEnd {
            if braces == 0 {
                if check(.rightBrace) { break }
                if !first, current.followsNewline, current.word != nil, !peekKind(1).isPunctuation(.dot) { break }
                if startsDeclaration(current) { break }
            }
            if check(.leftBrace) { braces += 1 }
            if check(.rightBrace) { braces -= 1 }
            first = false
            advance()
        }
        panicking = false
    }

    /// After refusing to nest deeper, skips the rest of the nested text so that
    /// hostile input (100 000 open brackets) costs one pass.
    mutating func skipToEndOfNesting() {
        while !atEnd, !startsDeclaration(current) { advance() }
        panicking = true
    }
}
