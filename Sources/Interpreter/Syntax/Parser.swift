import Lexer

/// Reads the tokens of one file into a `PolicyFile`, reporting every syntax
/// error and carrying on after each: an error abandons the declaration it is
/// in and parsing resumes at the next one (see `Parser+Recovery.swift`).
///
/// One method per grammar rule; the production sits above each.
public struct Parser {
    /// Deeper expressions are an error, so hostile input cannot exhaust the stack.
    public static let maxNesting = 200
    /// After this many errors the rest of the file is not worth reading.
    public static let maxErrors = 100

    let source: SourceFile
    var tokens: [Token]
    var position = 0
    var diagnostics: [Diagnostic] = []
    var depth = 0
    /// Set after an error until the parser has resynchronised, so one mistake
    /// gives one message.
    var panicking = false
    var brokenNames: Set<String> = []

    public static func parse(_ source: SourceFile) -> (file: PolicyFile, diagnostics: [Diagnostic]) {
        let lexed = Lexer.tokenize(source)
        var parser = Parser(source: source, tokens: lexed.tokens)
        parser.reportLexErrors()
        let declarations = parser.parseFile()
        var file = PolicyFile(source: source, declarations: declarations, comments: lexed.comments)
        file.brokenNames = parser.brokenNames
        return (file, parser.diagnostics)
    }

    init(source: SourceFile, tokens: [Token]) {
        self.source = source
        self.tokens = tokens
    }

    // MARK: - File

    /// file = declaration* EOF
    mutating func parseFile() -> [Declaration] {
        var declarations: [Declaration] = []
        while !atEnd {
            if diagnostics.count >= Parser.maxErrors {
                report(.tooManyErrors(limit: Parser.maxErrors), at: current.range)
                break
            }
            let before = position
            panicking = false
            if let declaration = parseDeclaration() {
                declarations.append(declaration)
                // The declaration ended in an error: skip what is left of it.
                if panicking { synchronizeToDeclaration() }
            } else {
                if before + 1 < tokens.count, tokens[before].word.flatMap(Keyword.init(rawValue:)) != nil,
                   case .identifier(let name) = tokens[before + 1].kind {
                    brokenNames.insert(name)
                }
                synchronizeToDeclaration()
            }
            // INVARIANT: every turn consumes at least one token, so parsing ends.
            if position == before { advance() }
        }
        return declarations
    }

    /// declaration = header | param | let | rule | eliminate | enum | record
    mutating func parseDeclaration() -> Declaration? {
        let token = current
        if case .error = token.kind {
            advance()
            return nil
        }
        guard let word = token.word, let keyword = Keyword(rawValue: word) else {
            reportOnce(.expectedDeclaration(found: token.kind.description), at: token.range)
            return nil
        }
        switch keyword {
        case .policy: return parseHeader(.policy).map(Declaration.header)
        case .schema: return parseHeader(.schema).map(Declaration.header)
        case .param: return parseValue(.param).map(Declaration.value)
        case .let: return parseValue(.let).map(Declaration.value)
        case .category: return parseRule(.category).map(Declaration.rule)
        case .exclude: return parseRule(.exclude).map(Declaration.rule)
        case .exception: return parseRule(.exception).map(Declaration.rule)
        case .monitored: return parseRule(.monitored).map(Declaration.rule)
        case .eliminate: return parseElimination().map(Declaration.eliminate)
        case .enum: return parseEnum().map(Declaration.enumeration)
        case .record: return parseRecord().map(Declaration.record)
        case .alert: return parseAlert().map(Declaration.alert)
        case .procedure: return parseProcedure().map(Declaration.procedure)
        case .calendar: return parseHeader(.calendar).map(Declaration.header)
        case .holiday, .workday: return parseCalendarDay().map(Declaration.calendarDay)
        case .override:
            advance()
            let inner = current
            guard let innerWord = inner.word, let innerKeyword = Keyword(rawValue: innerWord),
                  Parser.overridable.contains(innerKeyword) else {
                reportOnce(.expected("what to override: param, let, category, exclude, exception, monitored, eliminate, alert or procedure",
                                     found: inner.kind.description), at: inner.range)
                return nil
            }
            return parseDeclaration().map { Declaration.override($0, keyword: token.range) }
        case .remove: return parseRemove().map(Declaration.remove)
        case .test: return parseTest().map(Declaration.test)
        default:
            reportOnce(.expectedDeclaration(found: token.kind.description), at: token.range)
            return nil
        }
    }

    /// What `override` may replace.
    static let overridable: Set<Keyword> = [.param, .let, .category, .exclude, .exception, .monitored, .eliminate, .alert, .procedure]

    // MARK: - Header

    /// header = ("policy" | "schema") id "{" headerClause* "}"
    /// headerClause = "title" string | "region" string+ | "year" number
    ///              | "schema" id | "source" string ("at" string)?
    mutating func parseHeader(_ kind: Header.Kind) -> Header? {
        let start = current.range
        advance()
        guard let id = parseQualifiedID(what: "the \(kind.rawValue)'s id, such as `chongqing/fengdu/2021`") else { return nil }
        var base: QualifiedID?
        if current.isWord(.extends) {
            advance()
            base = parseQualifiedID(what: "the id of the policy it extends, such as `hebei/2022`")
        }
        guard let open = expect(.leftBrace, "`{` after the id") else { return nil }
        var header = Header(kind: kind, id: id, range: start)
        header.base = base
        while !check(.rightBrace) {
            if atEnd || startsDeclaration(current) {
                report(.unclosedBlock(opener: "the \(kind.rawValue) header"), at: open)
                return finish(header, from: start)
            }
            let clause = current
            guard let word = clause.word else {
                reportOnce(.expected("a header clause (title, region, year, schema, source)", found: clause.kind.description), at: clause.range)
                synchronizeInBlock()
                continue
            }
            if header.clauseRanges[word] != nil, word != Keyword.region.rawValue {
                report(.duplicateClause(word), at: clause.range)
            }
            header.clauseRanges[word] = clause.range
            advance()
            switch Keyword(rawValue: word) {
            case .title:
                header.title = parseString(what: "the title")
            case .region:
                while case .string = current.kind, let part = parseString(what: "a region name") {
                    header.region.append(part)
                }
                if header.region.isEmpty { _ = parseString(what: "the region, such as \"重庆市\" \"丰都县\"") }
            case .year:
                if case .number(let text) = current.kind {
                    header.year = (text, current.range)
                    advance()
                } else {
                    reportOnce(.expected("the year, such as 2021", found: current.kind.description), at: current.range)
                }
            case .schema:
                header.schema = parseQualifiedID(what: "the schema id, such as `household/v1`")
            case .source, .document:
                header.document = parseString(what: "the source document's file name")
                if current.isWord(.at) {
                    advance()
                    _ = parseString(what: "where in the document")
                }
            case .calendar:
                header.calendar = parseQualifiedID(what: "the calendar, such as `cn`")
            case .reference:
                header.reference = parseString(what: "the document referred to")
            default:
                reportOnce(.expected("a header clause (title, region, year, schema, calendar, source, reference)", found: clause.kind.description), at: clause.range)
                synchronizeInBlock()
            }
            if panicking { synchronizeInBlock() }
        }
        advance()
        return finish(header, from: start)
    }

    private func finish(_ header: Header, from start: SourceRange) -> Header {
        var finished = header
        finished.range = start.union(previousRange)
        return finished
    }

    /// id = segment ("/" segment)* ; segment = name | number
    mutating func parseQualifiedID(what: String) -> QualifiedID? {
        var segments: [String] = []
        let start = current.range
        repeat {
            switch current.kind {
            case .punctuation(.dot), .punctuation(.dotDot), .punctuation(.slash), .string:
                // `../../etc/passwd`, `/etc/passwd`, `"base.policy"`: a path, never followed.
                reportOnce(.pathInsteadOfID(current.kind.description), at: current.range)
                return nil
            case .identifier(let text), .number(let text):
                segments.append(text)
                advance()
            case .keyword(let keyword):
                segments.append(keyword.rawValue)
                advance()
            default:
                reportOnce(.expected(what, found: current.kind.description), at: current.range)
                return nil
            }
        } while consume(.slash)
        return QualifiedID(segments: segments, range: start.union(previousRange))
    }

    // MARK: - Values

    /// value = ("param" | "let") name "=" expr provenance*
    mutating func parseValue(_ kind: ValueDeclaration.Kind) -> ValueDeclaration? {
        let start = current.range
        advance()
        guard let name = parseName(what: "the \(kind.rawValue)'s name") else { return nil }
        guard expect(.assign, "`=` after `\(name.text)`") != nil else { return nil }
        let value = parseExpression()
        var provenance = Provenance()
        while parseProvenanceClause(into: &provenance) {}
        return ValueDeclaration(kind: kind, name: name, value: value, provenance: provenance, range: start.union(previousRange))
    }

    /// provenance = "source" string ("at" string)? ("from" string)? | "assumption" string
    mutating func parseProvenanceClause(into provenance: inout Provenance) -> Bool {
        let start = current.range
        if current.isWord(.source) {
            advance()
            guard let quote = parseString(what: "the quoted sentence") else { return false }
            var location: StringLiteral?
            var document: StringLiteral?
            if current.isWord(.at) {
                advance()
                location = parseString(what: "where in the document the sentence stands")
            }
            if current.isWord(.from) {
                advance()
                document = parseString(what: "the file name of the source document")
            }
            provenance.citations.append(Citation(quote: quote, location: location, document: document, range: start.union(previousRange)))
            return true
        }
        if current.isWord(.assumption) {
            advance()
            guard let text = parseString(what: "what the assumption is and why") else { return false }
            provenance.assumptions.append(text)
            return true
        }
        return false
    }

    // MARK: - Rules

    /// rule = ("category" | "exclude" | "exception") name string? "{" ruleClause* "}"
    ///      | "monitored" string? "{" ruleClause* "}"
    /// ruleClause = "when" expr | "category" expr (monitored only) | provenance
    mutating func parseRule(_ kind: RuleDeclaration.Kind) -> RuleDeclaration? {
        let start = current.range
        let keywordToken = current
        advance()
        let name: Name
        if kind == .monitored {
            name = Name(kind.rawValue, keywordToken.range)
        } else {
            guard let parsed = parseName(what: "the \(kind.rawValue)'s name") else { return nil }
            name = parsed
        }
        let label = optionalString()
        guard let open = expect(.leftBrace, "`{` to open the \(kind.rawValue)") else { return nil }
        var condition: Expr?
        var categoryExpression: Expr?
        var provenance = Provenance()
        while !check(.rightBrace) {
            if atEnd || startsDeclaration(current) {
                report(.unclosedBlock(opener: "`\(kind.rawValue) \(name.text)`"), at: open)
                return RuleDeclaration(kind: kind, name: name, label: label, condition: condition,
                                       categoryExpression: categoryExpression, provenance: provenance, range: start.union(previousRange))
            }
            let clause = current
            if clause.isWord(.when) {
                advance()
                if condition != nil { report(.duplicateClause("when"), at: clause.range) }
                condition = parseExpression()
            } else if kind == .monitored, clause.isWord(.category) {
                advance()
                if categoryExpression != nil { report(.duplicateClause("category"), at: clause.range) }
                categoryExpression = parseExpression()
            } else if !parseProvenanceClause(into: &provenance) {
                reportOnce(.expected("`when`, `source` or `assumption`", found: clause.kind.description), at: clause.range)
            }
            if panicking { synchronizeInBlock() }
        }
        advance()
        return RuleDeclaration(kind: kind, name: name, label: label, condition: condition,
                               categoryExpression: categoryExpression, provenance: provenance, range: start.union(previousRange))
    }

    /// eliminate = "eliminate" string? "{" (condition | provenance)* "}"
    /// condition = ("require" | "forbid") name string? ":" expr provenance*
    mutating func parseElimination() -> EliminationDeclaration? {
        let start = current.range
        advance()
        let label = optionalString()
        guard let open = expect(.leftBrace, "`{` to open `eliminate`") else { return nil }
        var conditions: [EliminationCondition] = []
        var provenance = Provenance()
        while !check(.rightBrace) {
            if atEnd || startsDeclaration(current) {
                report(.unclosedBlock(opener: "`eliminate`"), at: open)
                return EliminationDeclaration(label: label, conditions: conditions, provenance: provenance, range: start.union(previousRange))
            }
            let clause = current
            if clause.isWord(.require) || clause.isWord(.forbid) {
                let kind: EliminationCondition.Kind = clause.isWord(.require) ? .require : .forbid
                advance()
                if let name = parseName(what: "the condition's name") {
                    let conditionLabel = optionalString()
                    if expect(.colon, "`:` before the condition") != nil {
                        let condition = parseExpression()
                        var conditionProvenance = Provenance()
                        while parseProvenanceClause(into: &conditionProvenance) {}
                        conditions.append(EliminationCondition(kind: kind, name: name, label: conditionLabel, condition: condition,
                                                               provenance: conditionProvenance, range: clause.range.union(previousRange)))
                    }
                }
            } else if !parseProvenanceClause(into: &provenance) {
                reportOnce(.expected("`require`, `forbid`, `source` or `assumption`", found: clause.kind.description), at: clause.range)
            }
            if panicking { synchronizeInBlock() }
        }
        advance()
        return EliminationDeclaration(label: label, conditions: conditions, provenance: provenance, range: start.union(previousRange))
    }

    // MARK: - Schema

    /// enum = "enum" name string? "{" (member ","?)* "}" ; member = name string? ("alias" string)*
    mutating func parseEnum() -> EnumDeclaration? {
        let start = current.range
        advance()
        guard let name = parseName(what: "the enumeration's name") else { return nil }
        let label = optionalString()
        guard let open = expect(.leftBrace, "`{` to open the enumeration") else { return nil }
        var members: [EnumDeclaration.Member] = []
        while !check(.rightBrace) {
            if atEnd || startsDeclaration(current) {
                report(.unclosedBlock(opener: "`enum \(name.text)`"), at: open)
                return EnumDeclaration(name: name, label: label, members: members, range: start.union(previousRange))
            }
            if let memberName = parseName(what: "a member name") {
                let memberLabel = optionalString()
                var aliases: [StringLiteral] = []
                while current.isWord(.alias) {
                    advance()
                    if let alias = parseString(what: "an alias") { aliases.append(alias) }
                }
                members.append(EnumDeclaration.Member(name: memberName, label: memberLabel, aliases: aliases))
                _ = consume(.comma)
            }
            if panicking { synchronizeInBlock() }
        }
        advance()
        return EnumDeclaration(name: name, label: label, members: members, range: start.union(previousRange))
    }

    /// record = "record" name string? ("unit" name)? "{" (field | check)* "}"
    mutating func parseRecord() -> RecordDeclaration? {
        let start = current.range
        advance()
        guard let name = parseName(what: "the record's name") else { return nil }
        let label = optionalString()
        var unit: Name?
        if current.isWord(.unit) {
            advance()
            unit = parseName(what: "a unit word such as `person`")
        }
        guard let open = expect(.leftBrace, "`{` to open the record") else { return nil }
        var fields: [FieldDeclaration] = []
        var checks: [CheckDeclaration] = []
        while !check(.rightBrace) {
            if atEnd || (startsDeclaration(current) && !current.isWord(.check)) {
                report(.unclosedBlock(opener: "`record \(name.text)`"), at: open)
                return RecordDeclaration(name: name, label: label, unit: unit, fields: fields, checks: checks, range: start.union(previousRange))
            }
            if current.isWord(.check), peekKind(1).isName {
                if let parsed = parseCheck() { checks.append(parsed) }
            } else if let field = parseField() {
                fields.append(field)
            }
            if panicking { synchronizeInBlock() }
        }
        advance()
        return RecordDeclaration(name: name, label: label, unit: unit, fields: fields, checks: checks, range: start.union(previousRange))
    }

    /// field = name ":" type option* ;
    /// option = "required" | "nonempty" | string | "alias" string | number ".." number
    ///        | "csv" (string | "rows" string | "none") | "default" expr
    mutating func parseField() -> FieldDeclaration? {
        let start = current.range
        guard let name = parseName(what: "a field name") else { return nil }
        guard expect(.colon, "`:` after the field name") != nil else { return nil }
        guard let type = parseType() else { return nil }
        var field = FieldDeclaration(name: name, type: type, range: start)
        options: while true {
            switch current.kind {
            case .string(let value):
                field.label = StringLiteral(value: value, range: current.range)
                advance()
            case .number(let lower) where peekKind(1) == .punctuation(.dotDot):
                let boundsStart = current.range
                advance()
                advance()
                guard case .number(let upper) = current.kind else {
                    reportOnce(.expected("the upper bound", found: current.kind.description), at: current.range)
                    break options
                }
                advance()
                field.bounds = (lower, upper, boundsStart.union(previousRange))
            default:
                if current.isWord(.required), !peekKind(1).isPunctuation(.colon) {
                    field.required = true
                    advance()
                } else if current.isWord(.nonempty), !peekKind(1).isPunctuation(.colon) {
                    field.nonEmpty = true
                    advance()
                } else if current.isWord(.alias), !peekKind(1).isPunctuation(.colon) {
                    advance()
                    if let alias = parseString(what: "an alias") { field.aliases.append(alias) }
                } else if current.isWord(.csv), !peekKind(1).isPunctuation(.colon) {
                    advance()
                    if current.isWord(.rows) {
                        advance()
                        if let prefix = parseString(what: "the column prefix of the rows") { field.csv = .rows(prefix) }
                    } else if current.isWord(.none) {
                        advance()
                        field.csv = FieldDeclaration.CSVMapping.none
                    } else if let column = parseString(what: "a column name, `rows \"prefix\"` or `none`") {
                        field.csv = .column(column)
                    }
                } else if current.isWord(.default), !peekKind(1).isPunctuation(.colon) {
                    advance()
                    field.defaultValue = parseExpression()
                } else {
                    break options
                }
            }
            if panicking { break }
        }
        field.range = start.union(previousRange)
        return field
    }

    /// type = "list" "of" type | unit | name
    mutating func parseType() -> TypeSyntax? {
        let start = current.range
        if current.isWord(.list), peekKind(1).isWord(.of) {
            advance()
            advance()
            guard let element = parseType() else { return nil }
            return .list(element, start.union(previousRange))
        }
        if let unit = parseUnit() { return .unit(unit) }
        guard let name = parseName(what: "a type") else { return nil }
        return .named(name)
    }

    /// check = "check" name string? ("warning" | "error")? "on" path ":" expr
    mutating func parseCheck() -> CheckDeclaration? {
        let start = current.range
        advance()
        guard let name = parseName(what: "the check's name") else { return nil }
        let message = optionalString()
        var severity = CheckDeclaration.Severity.warning
        if current.isWord(.warning) {
            advance()
        } else if current.isWord(.error) {
            severity = .error
            advance()
        }
        var field: Name?
        if current.isWord(.on) {
            advance()
            guard let first = parseName(what: "the field the check is about") else { return nil }
            var text = first.text
            var range = first.range
            while consume(.dot), let next = parseName(what: "a field name") {
                text += "." + next.text
                range = range.union(next.range)
            }
            field = Name(text, range)
        }
        guard expect(.colon, "`:` before the condition") != nil else { return nil }
        let condition = parseExpression()
        return CheckDeclaration(name: name, message: message, severity: severity, field: field, condition: condition,
                                range: start.union(previousRange))
    }
}
