import Lexer

/// The expression grammar, lowest precedence first:
///
///     expr        = conditional ("otherwise" conditional)*
///     conditional = "if" expr "then" expr "else" conditional | or
///     or          = and ("or" and)*
///     and         = not ("and" not)*
///     not         = "not" not | comparison
///     comparison  = additive (("==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "not" "in") additive)?
///     additive    = multiplicative (("+" | "-") multiplicative)*
///     multiplicative = unary (("*" | "/") unary)*
///     unary       = "-" unary | postfix
///     postfix     = primary ("." name)*
///     primary     = number unit? | number "%" | string | date | "true" | "false"
///                 | quantifier | call | name | "(" expr ")" | "[" (expr ("," expr)* ","?)? "]"
///     quantifier  = ("any" | "all" | "count" | "sum" | "min" | "max")
///                   "(" name "in" expr ("where" expr)? (":" expr)? ")"
///     call        = name "(" (expr ("," expr)*)? ")"
extension Parser {
    mutating func parseExpression() -> Expr {
        guard enterNesting() else { return invalidExpression() }
        defer { depth -= 1 }
        var left = parseConditional()
        while current.kind == .keyword(.otherwise) {
            advance()
            let right = parseConditional()
            left = Expr(.otherwise(left, right), left.range.union(right.range))
        }
        return left
    }

    mutating func parseConditional() -> Expr {
        guard current.kind == .keyword(.if) else { return parseOr() }
        let start = current.range
        advance()
        let condition = parseExpression()
        guard expectKeyword(.then, "`then` after the condition of `if`") else { return invalidExpression() }
        let thenBranch = parseExpression()
        guard expectKeyword(.else, "`else`: an `if` needs both branches") else { return invalidExpression() }
        guard enterNesting() else { return invalidExpression() }
        defer { depth -= 1 }
        let elseBranch = parseConditional()
        return Expr(.conditional(condition, thenBranch, elseBranch), start.union(elseBranch.range))
    }

    mutating func parseOr() -> Expr {
        var left = parseAnd()
        while current.kind == .keyword(.or) {
            advance()
            let right = parseAnd()
            left = Expr(.binary(.or, left, right), left.range.union(right.range))
        }
        return left
    }

    mutating func parseAnd() -> Expr {
        var left = parseNot()
        while current.kind == .keyword(.and) {
            advance()
            let right = parseNot()
            left = Expr(.binary(.and, left, right), left.range.union(right.range))
        }
        return left
    }

    mutating func parseNot() -> Expr {
        guard current.kind == .keyword(.not) else { return parseComparison() }
        let start = current.range
        advance()
        guard enterNesting() else { return invalidExpression() }
        defer { depth -= 1 }
        let operand = parseNot()
        return Expr(.unary(.not, operand), start.union(operand.range))
    }

    mutating func parseComparison() -> Expr {
        let left = parseAdditive()
        let op: BinaryOperator
        switch current.kind {
        case .punctuation(.equal): op = .equal
        case .punctuation(.notEqual): op = .notEqual
        case .punctuation(.less): op = .less
        case .punctuation(.lessEqual): op = .lessEqual
        case .punctuation(.greater): op = .greater
        case .punctuation(.greaterEqual): op = .greaterEqual
        case .keyword(.in): op = .in
        case .keyword(.not) where peekKind(1) == .keyword(.in):
            advance()
            op = .notIn
        case .punctuation(.assign):
            reportOnce(.expected("`==` to compare (`=` only gives a value to a name)", found: "`=`"), at: current.range)
            return invalidExpression()
        default:
            return left
        }
        advance()
        let right = parseAdditive()
        switch current.kind {
        case .punctuation(.equal), .punctuation(.notEqual), .punctuation(.less), .punctuation(.lessEqual),
             .punctuation(.greater), .punctuation(.greaterEqual), .keyword(.in):
            // `a < b < c` reads as maths but means nothing here.
            reportOnce(.expected("`and` or `or` between comparisons (they do not chain; use parentheses to compare a comparison)",
                                 found: current.kind.description), at: current.range)
            return invalidExpression()
        default:
            return Expr(.binary(op, left, right), left.range.union(right.range))
        }
    }

    mutating func parseAdditive() -> Expr {
        var left = parseMultiplicative()
        while true {
            let op: BinaryOperator
            switch current.kind {
            case .punctuation(.plus): op = .add
            case .punctuation(.minus): op = .subtract
            default: return left
            }
            advance()
            let right = parseMultiplicative()
            left = Expr(.binary(op, left, right), left.range.union(right.range))
        }
    }

    mutating func parseMultiplicative() -> Expr {
        var left = parseUnary()
        while true {
            let op: BinaryOperator
            switch current.kind {
            case .punctuation(.star): op = .multiply
            case .punctuation(.slash): op = .divide
            default: return left
            }
            advance()
            let right = parseUnary()
            left = Expr(.binary(op, left, right), left.range.union(right.range))
        }
    }

    mutating func parseUnary() -> Expr {
        guard current.kind == .punctuation(.minus) else { return parsePostfix() }
        let start = current.range
        advance()
        guard enterNesting() else { return invalidExpression() }
        defer { depth -= 1 }
        let operand = parseUnary()
        return Expr(.unary(.negate, operand), start.union(operand.range))
    }

    mutating func parsePostfix() -> Expr {
        var base = parsePrimary()
        while check(.dot) {
            advance()
            guard let field = parseName(what: "a field name after `.`") else { return invalidExpression() }
            base = Expr(.member(base, field), base.range.union(field.range))
        }
        return base
    }

    mutating func parsePrimary() -> Expr {
        let token = current
        switch token.kind {
        case .number(let text):
            advance()
            if check(.percent) {
                advance()
                return Expr(.percent(text), token.range.union(previousRange))
            }
            let unit = parseUnit()
            return Expr(.number(text, unit), token.range.union(unit?.range ?? token.range))
        case .string(let value):
            advance()
            return Expr(.string(value), token.range)
        case .date(let text):
            advance()
            return Expr(.date(text), token.range)
        case .keyword(.true):
            advance()
            return Expr(.bool(true), token.range)
        case .keyword(.false):
            advance()
            return Expr(.bool(false), token.range)
        case .punctuation(.leftParen):
            advance()
            guard enterNesting() else { return invalidExpression() }
            defer { depth -= 1 }
            let inner = parseExpression()
            guard expect(.rightParen, "`)` to close `(`") != nil else { return invalidExpression() }
            return Expr(inner.kind, token.range.union(previousRange))
        case .punctuation(.leftBracket):
            return parseList()
        case .identifier(let word):
            if looksLikeDeclaration(token) {
                // The expression was left unfinished at the end of the previous line.
                reportOnce(.expected("a value", found: token.kind.description), at: token.range)
                return invalidExpression()
            }
            let next = peekToken(1)
            if next.kind == .punctuation(.leftParen), !next.followsNewline {
                if let kind = QuantifierKind(rawValue: word), peekKind(2).isName, peekKind(3) == .keyword(.in) {
                    return parseQuantifier(kind)
                }
                return parseCall()
            }
            advance()
            return Expr(.name(Name(word, token.range)), token.range)
        case .error:
            // Already reported by the lexer.
            advance()
            panicking = true
            return invalidExpression()
        default:
            reportOnce(.expected("a value", found: token.kind.description), at: token.range)
            return invalidExpression()
        }
    }

    /// "[" (expr ("," expr)* ","?)? "]"
    mutating func parseList() -> Expr {
        let start = current.range
        advance()
        var elements: [Expr] = []
        while !check(.rightBracket) {
            if atEnd {
                reportOnce(.expected("`]` to close the list", found: current.kind.description), at: current.range)
                return invalidExpression()
            }
            elements.append(parseExpression())
            if panicking { return invalidExpression() }
            if !consume(.comma) { break }
        }
        guard expect(.rightBracket, "`,` or `]` in the list") != nil else { return invalidExpression() }
        return Expr(.list(elements), start.union(previousRange))
    }

    mutating func parseQuantifier(_ kind: QuantifierKind) -> Expr {
        let start = current.range
        advance()
        advance()
        guard let variable = parseName(what: "a variable name") else { return invalidExpression() }
        guard expectKeyword(.in, "`in` after the variable") else { return invalidExpression() }
        guard enterNesting() else { return invalidExpression() }
        defer { depth -= 1 }
        let list = parseExpression()
        var filter: Expr?
        var body: Expr?
        if current.kind == .keyword(.where) {
            advance()
            filter = parseExpression()
        }
        if consume(.colon) {
            body = parseExpression()
        }
        guard expect(.rightParen, "`where`, `:` or `)` in `\(kind.rawValue)(…)`") != nil else { return invalidExpression() }
        return Expr(.quantifier(kind, variable: variable, list: list, filter: filter, body: body), start.union(previousRange))
    }

    mutating func parseCall() -> Expr {
        let token = current
        guard case .identifier(let word) = token.kind else { return invalidExpression() }
        advance()
        advance()
        var arguments: [Expr] = []
        guard enterNesting() else { return invalidExpression() }
        defer { depth -= 1 }
        while !check(.rightParen) {
            if atEnd {
                reportOnce(.expected("`)` to close the call", found: current.kind.description), at: current.range)
                return invalidExpression()
            }
            arguments.append(parseExpression())
            if panicking { return invalidExpression() }
            if !consume(.comma) { break }
        }
        guard expect(.rightParen, "`,` or `)` in the call") != nil else { return invalidExpression() }
        return Expr(.call(Name(word, token.range), arguments), token.range.union(previousRange))
    }

    /// unit = unitWord ("/" unitWord)* ; unitWord = a word of `UnitWord`, or "working" "day(s)"
    mutating func parseUnit() -> UnitSyntax? {
        guard let first = unitWordAhead(at: 0) else { return nil }
        var words = [first.name]
        var count = first.tokens
        while peekKind(count) == .punctuation(.slash), let next = unitWordAhead(at: count + 1) {
            words.append(next.name)
            count += 1 + next.tokens
        }
        let start = current.range
        for _ in 0..<count { advance() }
        return UnitSyntax(words: words, range: start.union(previousRange))
    }

    /// The unit word starting `offset` tokens ahead and how many tokens it takes.
    private func unitWordAhead(at offset: Int) -> (name: Name, tokens: Int)? {
        let token = peekToken(offset)
        guard case .identifier(let word) = token.kind else { return nil }
        if word == UnitWord.workingPrefix {
            let next = peekToken(offset + 1)
            if case .identifier(let second) = next.kind, UnitWord.lookup(second) == .day {
                return (Name("working \(second)", token.range.union(next.range)), 2)
            }
            return nil
        }
        guard UnitWord.lookup(word) != nil else { return nil }
        return (Name(word, token.range), 1)
    }

    /// Counts one level of nesting; past the limit reports once and refuses.
    mutating func enterNesting() -> Bool {
        if depth >= Parser.maxNesting {
            reportOnce(.nestingTooDeep(limit: Parser.maxNesting), at: current.range)
            skipToEndOfNesting()
            return false
        }
        depth += 1
        return true
    }

    func invalidExpression() -> Expr {
        Expr(.invalid, current.range)
    }
}

extension TokenKind {
    var isName: Bool {
        if case .identifier = self { return true }
        return false
    }

    func isPunctuation(_ punctuation: Punctuation) -> Bool { self == .punctuation(punctuation) }

    func isWord(_ keyword: Keyword) -> Bool {
        switch self {
        case .identifier(let word): return word == keyword.rawValue
        case .keyword(let reserved): return reserved == keyword
        default: return false
        }
    }
}
