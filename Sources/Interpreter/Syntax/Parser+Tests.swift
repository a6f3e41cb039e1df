import Lexer

/// Tests written in a policy file: an example household and what the policy
/// must decide for it.
extension Parser {
    /// test = "test" name string? "{" test-clause* "}"
    /// test-clause = "as_of" date | "household" record-literal | expectation | provenance
    mutating func parseTest() -> TestDeclaration? {
        let start = current.range
        advance()
        guard let name = parseName(what: "the test's name") else { return nil }
        let label = optionalString()
        guard let open = expect(.leftBrace, "`{` to open the test") else { return nil }
        var test = TestDeclaration(name: name, label: label, range: start)
        while !atBlockEnd(opener: "`test \(name.text)`", open: open) {
            let clause = current
            if clause.isWord(.as_of) {
                advance()
                if test.asOf != nil { report(.duplicateClause("as_of"), at: clause.range) }
                if case .date(let text) = current.kind {
                    test.asOf = (text, current.range)
                    advance()
                } else {
                    reportOnce(.expected("the as-of date, such as 2021-09-30", found: current.kind.description), at: current.range)
                }
            } else if clause.isWord(.household) {
                advance()
                if test.household != nil { report(.duplicateClause("household"), at: clause.range) }
                guard check(.leftBrace) else {
                    reportOnce(.expected("`{` and the household's fields", found: current.kind.description), at: current.range)
                    continue
                }
                test.household = parseRecordLiteral(depth: 0)
            } else if clause.isWord(.expect) {
                advance()
                if let expectation = parseExpectation(from: clause.range) { test.expectations.append(expectation) }
            } else if !panicking, !parseProvenanceClause(into: &test.provenance) {
                reportOnce(.expected("`as_of`, `household`, `expect`, `source` or `assumption`", found: clause.kind.description), at: clause.range)
            }
            if panicking { synchronizeInBlock() }
        }
        if check(.rightBrace) { advance() }
        test.range = start.union(previousRange)
        return test
    }

    /// record-literal = "{" ((name | string) ":" record-literal ","?)* "}" | "[" (record-literal ","?)* "]"
    ///                | "-"? number | string | date | "true" | "false" | name
    mutating func parseRecordLiteral(depth: Int) -> RecordLiteral? {
        let start = current.range
        if depth > Parser.maxNesting {
            reportOnce(.nestingTooDeep(limit: Parser.maxNesting), at: start)
            return nil
        }
        switch current.kind {
        case .punctuation(.leftBrace):
            advance()
            var members: [(key: Name, value: RecordLiteral)] = []
            while !check(.rightBrace) {
                if atEnd || startsDeclaration(current) {
                    report(.unclosedBlock(opener: "`{`"), at: start)
                    return .object(members, start.union(previousRange))
                }
                let key: Name
                if case .string(let text) = current.kind {
                    key = Name(text, current.range)
                    advance()
                } else if let name = parseName(what: "a field name") {
                    key = name
                } else {
                    return nil
                }
                guard expect(.colon, "`:` after the field name") != nil, let value = parseRecordLiteral(depth: depth + 1) else { return nil }
                members.append((key, value))
                _ = consume(.comma)
            }
            advance()
            return .object(members, start.union(previousRange))
        case .punctuation(.leftBracket):
            advance()
            var items: [RecordLiteral] = []
            while !check(.rightBracket) {
                if atEnd || startsDeclaration(current) {
                    report(.unclosedBlock(opener: "`[`"), at: start)
                    return .list(items, start.union(previousRange))
                }
                guard let item = parseRecordLiteral(depth: depth + 1) else { return nil }
                items.append(item)
                _ = consume(.comma)
            }
            advance()
            return .list(items, start.union(previousRange))
        case .punctuation(.minus):
            advance()
            guard case .number(let text) = current.kind else {
                reportOnce(.expected("a number after `-`", found: current.kind.description), at: current.range)
                return nil
            }
            advance()
            return .number("-" + text, start.union(previousRange))
        case .number(let text):
            advance()
            return .number(text, start)
        case .string(let text):
            advance()
            return .string(text, start)
        case .date(let text):
            advance()
            return .date(text, start)
        case .keyword(.true), .keyword(.false):
            let truth = current.kind == .keyword(.true)
            advance()
            return .bool(truth, start)
        case .identifier(let name):
            advance()
            return .word(name, start)
        default:
            reportOnce(.expected("a value: a number, a string, a date, true, false, a name, `{` or `[`", found: current.kind.description), at: start)
            return nil
        }
    }

    /// expectation = "expect" ( "decision" name | "category" name
    ///   | ("exclusions" | "blocked_by" | "missing") path ("," path)*
    ///   | "no"? ("alert" | "step") name ("due" date)? | ("green_channel" | "exception") ("true" | "false") )
    /// A list that should be empty is written `none`.
    mutating func parseExpectation(from start: SourceRange) -> TestExpectation? {
        var negated = false
        if current.isWord(.no) {
            negated = true
            advance()
        }
        guard let word = current.word, let kind = TestExpectation.Kind(rawValue: word) else {
            reportOnce(.expected("what to expect: decision, category, exclusions, blocked_by, missing, alert, step, green_channel or exception",
                                 found: current.kind.description), at: current.range)
            return nil
        }
        let kindRange = current.range
        advance()
        if negated, kind != .alert, kind != .step {
            reportOnce(.expected("`alert` or `step` after `no`", found: "`\(kind.rawValue)`"), at: kindRange)
            return nil
        }
        var values: [Name] = []
        var due: (text: String, range: SourceRange)?
        switch kind {
        case .greenChannel, .exception:
            guard current.kind == .keyword(.true) || current.kind == .keyword(.false) else {
                reportOnce(.expected("`true` or `false`", found: current.kind.description), at: current.range)
                return nil
            }
            values = [Name(current.kind == .keyword(.true) ? "true" : "false", current.range)]
            advance()
        case .decision, .category, .alert, .step:
            guard let name = parseName(what: "a name") else { return nil }
            values = [name]
            if kind == .alert || kind == .step, current.isWord(.due) {
                advance()
                if case .date(let text) = current.kind {
                    due = (text, current.range)
                    advance()
                } else {
                    reportOnce(.expected("the due date, such as 2021-10-13", found: current.kind.description), at: current.range)
                }
            }
        case .exclusions, .blockedBy, .missing:
            repeat {
                guard let path = parsePath() else { return nil }
                values.append(path)
            } while consume(.comma)
            if values.count == 1, values[0].text == "none" { values = [] }
        }
        return TestExpectation(kind: kind, negated: negated, values: values, due: due, range: start.union(previousRange))
    }

    /// name ("." name)*, as one name: `income.wage`.
    mutating func parsePath() -> Name? {
        guard let first = parseName(what: "a name") else { return nil }
        var text = first.text
        var range = first.range
        while check(.dot) {
            advance()
            guard let next = parseName(what: "a field name after `.`") else { return nil }
            text += "." + next.text
            range = range.union(next.range)
        }
        return Name(text, range)
    }
}
