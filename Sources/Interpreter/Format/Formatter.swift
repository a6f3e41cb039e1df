import Lexer

/// `policy fmt`: one canonical layout for every `.policy` file.
///
/// The tokens are kept as written (and checked to be so afterwards); what
/// changes is the whitespace between them. Where lines break comes from the
/// syntax tree: each declaration on its own lines, each clause of a block on
/// its own line one level in, the sentences and expressions of a nested item
/// (an elimination condition, a step) two levels in; an expression never
/// breaks. Comments stay where they are. Columns of header clauses, enum
/// members and record fields are aligned by display width, so Chinese text
/// lines up. Formatting twice changes nothing.
public enum Formatter {
    public enum Failure: Error, Sendable {
        /// The file has syntax errors: it is not formatted.
        case syntax([Diagnostic])
        /// The layout would change the tokens or comments (a bug; nothing is written).
        case changedMeaning(String)
    }

    public static let indentUnit = "  "

    public static func format(_ source: SourceFile) -> Result<String, Failure> {
        let (file, syntax) = Parser.parse(source)
        if syntax.hasErrors { return .failure(.syntax(syntax)) }
        let lexed = Lexer.tokenize(source)
        var layout = Layout(source: source, tokens: lexed.tokens)
        for declaration in file.declarations { layout.plan(declaration) }
        let text = Printer(source: source, tokens: lexed.tokens, comments: lexed.comments, layout: layout).print()
        // The output must read back to the same tokens and comments.
        let again = Lexer.tokenize(SourceFile(path: source.path, text: text))
        let before = lexed.tokens.map { source.text($0.range.start..<$0.range.end) }
        let outputSource = SourceFile(path: source.path, text: text)
        let after = again.tokens.map { outputSource.text($0.range.start..<$0.range.end) }
        guard before == after else { return .failure(.changedMeaning("the tokens would change")) }
        guard lexed.comments.map({ trimmed($0.text) }) == again.comments.map({ trimmed($0.text) }) else {
            return .failure(.changedMeaning("the comments would change"))
        }
        return .success(text)
    }

    static func trimmed(_ text: String) -> String {
        var text = Substring(text)
        while let last = text.last, last == " " || last == "\t" || last == "\u{3000}" { text = text.dropLast() }
        return String(text)
    }
}

/// Where lines break and how deep they are indented, from the syntax tree.
struct Layout {
    let source: SourceFile
    let tokens: [Token]
    /// Token start offset → indentation level of the line it starts.
    var breaks: [Int: Int] = [:]
    /// Start offsets of top-level declarations, with whether each fits one line.
    var declarations: [(start: Int, end: Int, keyword: String, oneLine: Bool)] = []
    /// Tokens after which no space follows: unary minus, call and quantifier names.
    var tight: Set<Int> = []
    /// `/` tokens of ids and units, written without spaces: `hebei/2022`, `yuan/person/year`.
    var slashes: Set<Int> = []
    /// Token start offset → width its line is padded to after it (alignment).
    var padAfter: [Int: Int] = [:]
    private var index: [Int: Int] = [:]

    init(source: SourceFile, tokens: [Token]) {
        self.source = source
        self.tokens = tokens
        for (position, token) in tokens.enumerated() { index[token.range.start] = position }
    }

    /// The token at or after an offset.
    func token(at offset: Int) -> Int? {
        if let position = index[offset] { return position }
        return tokens.firstIndex { $0.range.start >= offset }
    }

    /// The offset of the token before the one at `offset`.
    func before(_ offset: Int, by count: Int = 1) -> Int? {
        guard let position = token(at: offset), position - count >= 0 else { return nil }
        return tokens[position - count].range.start
    }

    /// The offset of the closing brace of a block that ends at `end`.
    func closer(endingAt end: Int) -> Int? {
        guard let position = tokens.lastIndex(where: { $0.range.end <= end && $0.kind != .endOfFile }),
              tokens[position].kind == .punctuation(.rightBrace) else { return nil }
        return tokens[position].range.start
    }

    /// The slashes within a range (an id or a unit) stay tight.
    mutating func glue(_ range: SourceRange?) {
        guard let range, var position = token(at: range.start) else { return }
        while position < tokens.count, tokens[position].range.end <= range.end {
            if tokens[position].kind == .punctuation(.slash) { slashes.insert(tokens[position].range.start) }
            position += 1
        }
    }

    mutating func mark(_ offset: Int?, _ level: Int) {
        guard let offset else { return }
        breaks[offset] = level
    }

    mutating func plan(_ declaration: Declaration) {
        let range = declaration.range
        declarations.append((range.start, range.end, keyword(of: declaration), isOneLine(declaration)))
        mark(range.start, 0)
        plan(declaration, level: 0)
    }

    func keyword(of declaration: Declaration) -> String {
        guard let position = token(at: declaration.range.start) else { return "" }
        return tokens[position].word ?? ""
    }

    /// A rule with only a `when` clause stays on one line: `category x "…" { when … }`.
    func isOneLine(_ declaration: Declaration) -> Bool {
        switch declaration {
        case .rule(let rule): return rule.provenance.isEmpty && rule.categoryExpression == nil
        case .calendarDay(let day): return day.provenance.isEmpty
        case .remove: return true
        case .value(let value): return value.provenance.isEmpty
        case .override(let inner, _): return isOneLine(inner)
        default: return false
        }
    }

    mutating func plan(_ declaration: Declaration, level: Int) {
        let inner = level + 1
        switch declaration {
        case .header(let header):
            glue(header.id.range)
            glue(header.base?.range)
            glue(header.schema?.range)
            glue(header.calendar?.range)
            let clauses = header.clauseRanges.values.map(\.start).sorted()
            let width = clauses.compactMap { token(at: $0) }.map { DisplayWidth.of(source.text(tokens[$0].range.start..<tokens[$0].range.end)) }.max() ?? 0
            for clause in clauses {
                mark(clause, inner)
                padAfter[clause] = width
            }
            mark(closer(endingAt: header.range.end), level)
        case .value(let value):
            provenance(value.provenance, inner)
            expression(value.value)
        case .rule(let rule):
            if let condition = rule.condition { expression(condition) }
            if let category = rule.categoryExpression { expression(category) }
            guard !isOneLine(declaration) else { return }
            if let condition = rule.condition { mark(before(condition.range.start), inner) }
            if let category = rule.categoryExpression { mark(before(category.range.start), inner) }
            provenance(rule.provenance, inner)
            mark(closer(endingAt: rule.range.end), level)
        case .eliminate(let block):
            for condition in block.conditions {
                mark(condition.range.start, inner)
                mark(condition.condition.range.start, inner + 1)
                expression(condition.condition)
                provenance(condition.provenance, inner + 1)
            }
            provenance(block.provenance, inner)
            mark(closer(endingAt: block.range.end), level)
        case .enumeration(let node):
            let width = node.members.map { DisplayWidth.of($0.name.text) }.max() ?? 0
            for member in node.members {
                mark(member.name.range.start, inner)
                if member.label != nil { padAfter[member.name.range.start] = width }
            }
            mark(closer(endingAt: node.range.end), level)
        case .record(let node):
            // `name:` padded so that the types line up.
            let width = node.fields.map { DisplayWidth.of($0.name.text) + 1 }.max() ?? 0
            for field in node.fields {
                mark(field.range.start, inner)
                glue(field.type.range)
                if let colon = token(at: field.name.range.end), tokens[colon].kind == .punctuation(.colon) {
                    padAfter[tokens[colon].range.start] = width - DisplayWidth.of(field.name.text)
                }
                if let value = field.defaultValue { expression(value) }
            }
            for check in node.checks {
                mark(check.range.start, inner)
                mark(check.condition.range.start, inner + 1)
                expression(check.condition)
            }
            mark(closer(endingAt: node.range.end), level)
        case .alert(let alert):
            if let department = alert.department { mark(before(department.range.start), inner) }
            if let trigger = alert.trigger {
                mark(trigger.range.start, inner)
                expression(trigger.list)
                if let filter = trigger.filter { expression(filter) }
            }
            if let condition = alert.condition {
                mark(before(condition.range.start), inner)
                expression(condition)
            }
            if let months = alert.months { mark(before(months.range.start), inner) }
            for schedule in alert.schedules {
                mark(schedule.range.start, inner)
                if let guardCondition = schedule.guardCondition { expression(guardCondition) }
            }
            provenance(alert.provenance, inner)
            mark(closer(endingAt: alert.range.end), level)
        case .procedure(let procedure):
            if let first = procedure.decisions.first { mark(before(first.range.start), inner) }
            if let start = procedure.start {
                mark(before(start.range.start), inner)
                expression(start)
            }
            for step in procedure.steps {
                mark(step.range.start, inner)
                if let skip = step.skipWhen { expression(skip) }
                provenance(step.provenance, inner + 1)
            }
            if let deadline = procedure.deadline { mark(deadline.range.start, inner) }
            if let green = procedure.greenChannel {
                mark(before(green.range.start, by: 2), inner)
                expression(green)
            }
            provenance(procedure.provenance, inner)
            mark(closer(endingAt: procedure.range.end), level)
        case .calendarDay(let day):
            provenance(day.provenance, inner)
        case .override(let inner, _):
            plan(inner, level: level)
        case .remove:
            break
        case .test(let test):
            if let asOf = test.asOf { mark(before(asOf.range.start), inner) }
            if let household = test.household {
                mark(before(household.range.start), inner)
                literal(household, level: inner, broken: true)
            }
            for expectation in test.expectations { mark(expectation.range.start, inner) }
            provenance(test.provenance, inner)
            mark(closer(endingAt: test.range.end), level)
        }
    }

    mutating func provenance(_ provenance: Provenance, _ level: Int) {
        for citation in provenance.citations { mark(citation.range.start, level) }
        for assumption in provenance.assumptions { mark(before(assumption.range.start), level) }
    }

    /// A household literal: an object on several lines, one member a line;
    /// a list of objects one element a line; what holds only scalars inline.
    mutating func literal(_ literal: RecordLiteral, level: Int, broken: Bool) {
        switch literal {
        case .object(let members, let range):
            let breaksInside = broken || !Layout.isSimple(literal)
            for member in members {
                if breaksInside { mark(member.key.range.start, level + 1) }
                self.literal(member.value, level: level + 1, broken: false)
            }
            if breaksInside { mark(closer(endingAt: range.end), level) }
        case .list(let items, let range):
            let breaksInside = items.contains { if case .object = $0 { return true } else { return false } }
            for item in items {
                if breaksInside { mark(item.range.start, level + 1) }
                self.literal(item, level: level + 1, broken: false)
            }
            if breaksInside, let position = tokens.lastIndex(where: { $0.range.end <= range.end && $0.kind != .endOfFile }) {
                mark(tokens[position].range.start, level)
            }
        case .number(let text, let range):
            if text.hasPrefix("-") { tight.insert(range.start) }
        case .string, .date, .bool, .word:
            break
        }
    }

    /// An object or list that fits inline: scalars, lists of scalars, and
    /// objects made of those.
    static func isSimple(_ literal: RecordLiteral) -> Bool {
        switch literal {
        case .object(let members, _): return members.allSatisfy { isSimple($0.value) }
        case .list: return isScalarList(literal)
        default: return true
        }
    }

    static func isScalar(_ literal: RecordLiteral) -> Bool {
        switch literal {
        case .object, .list: return false
        default: return true
        }
    }

    static func isScalarList(_ literal: RecordLiteral) -> Bool {
        guard case .list(let items, _) = literal else { return false }
        return items.allSatisfy(isScalar)
    }

    /// Records the tokens an expression glues: `-` of a negation, the name of a call before `(`.
    mutating func expression(_ expr: Expr) {
        switch expr.kind {
        case .unary(let op, let operand):
            if op != .not { tight.insert(expr.range.start) }
            expression(operand)
        case .call(let name, let arguments):
            tight.insert(name.range.start)
            arguments.forEach { expression($0) }
        case .quantifier(_, _, let list, let filter, let body):
            tight.insert(expr.range.start)
            expression(list)
            if let filter { expression(filter) }
            if let body { expression(body) }
        case .member(let base, _): expression(base)
        case .binary(_, let left, let right), .otherwise(let left, let right):
            expression(left)
            expression(right)
        case .conditional(let a, let b, let c):
            expression(a)
            expression(b)
            expression(c)
        case .list(let items): items.forEach { expression($0) }
        case .number(_, let unit): glue(unit?.range)
        case .percent, .string, .date, .bool, .name, .invalid: break
        }
    }
}

/// Writes tokens and comments out with the layout's line breaks.
struct Printer {
    let source: SourceFile
    let tokens: [Token]
    let comments: [Comment]
    let layout: Layout

    func text(_ token: Token) -> String { source.text(token.range.start..<token.range.end) }

    /// Whether the original had a blank line between two offsets.
    func blankLineBetween(_ start: Int, _ end: Int) -> Bool {
        guard start < end else { return false }
        let first = source.location(of: start).line, last = source.location(of: end).line
        guard last - first >= 2 else { return false }
        for line in (first + 1)..<last where source.line(line).allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\u{3000}" }) {
            // A line of nothing but a comment is not blank.
            return true
        }
        return false
    }

    func print() -> String {
        var lines: [String] = []
        var line = ""
        var lineLevel = 0
        /// The level of the last line the layout placed; continuation lines go one deeper.
        var anchorLevel = 0
        var forceBreak = false
        var commentIndex = 0
        var previous: Token?
        var previousEnd = 0
        var declarationIndex = -1
        /// Where the code of the previous top-level declaration ended.
        var lastDeclarationEnd: Int?

        func endLine() {
            if !line.isEmpty { lines.append(Formatter.trimmed(line)) }
            line = ""
        }
        func startLine(level: Int) {
            endLine()
            lineLevel = level
            line = String(repeating: Formatter.indentUnit, count: level)
        }
        func blankLine() {
            endLine()
            if let last = lines.last, !last.isEmpty { lines.append("") }
        }

        for token in tokens {
            if token.kind == .endOfFile { break }
            let offset = token.range.start
            let startsDeclaration = declarationIndex + 1 < layout.declarations.count && layout.declarations[declarationIndex + 1].start == offset

            // Comments before this token.
            var pending: [Comment] = []
            while commentIndex < comments.count, comments[commentIndex].range.start < offset {
                pending.append(comments[commentIndex])
                commentIndex += 1
            }
            if startsDeclaration {
                declarationIndex += 1
                let current = layout.declarations[declarationIndex]
                // Trailing comments of the previous line stay there.
                while let first = pending.first, first.trailing {
                    line += "  #" + Formatter.trimmed(first.text)
                    pending.removeFirst()
                }
                // Comment groups: one followed by a blank line stands alone; the
                // last, right above the declaration, belongs to it.
                var groups: [[Comment]] = []
                var cursor = lastDeclarationEnd ?? -1
                for comment in pending {
                    if groups.isEmpty || blankLineBetween(cursor, comment.range.start) { groups.append([comment]) } else { groups[groups.count - 1].append(comment) }
                    cursor = comment.range.end
                }
                let attached = groups.last.map { !blankLineBetween($0.last!.range.end, offset) } ?? false
                let previousDeclaration = declarationIndex > 0 ? layout.declarations[declarationIndex - 1] : nil
                for (number, group) in groups.enumerated() {
                    if number > 0 || lastDeclarationEnd != nil { blankLine() }
                    endLine()
                    for comment in group { lines.append("#" + Formatter.trimmed(comment.text)) }
                    if number < groups.count - 1 || !attached { blankLine() }
                }
                if groups.isEmpty, let previousDeclaration {
                    let together = previousDeclaration.oneLine && current.oneLine && previousDeclaration.keyword == current.keyword
                    if !together { blankLine() }
                }
                startLine(level: 0)
                anchorLevel = 0
                line += text(token)
                previous = token
                previousEnd = token.range.end
                lastDeclarationEnd = current.end
                forceBreak = false
                continue
            }
            for comment in pending {
                if comment.trailing {
                    line += "  #" + Formatter.trimmed(comment.text)
                } else {
                    let level = layout.breaks[offset] ?? (token.kind == .punctuation(.rightBrace) ? lineLevel + 1 : anchorLevel + 1)
                    startLine(level: level)
                    line += "#" + Formatter.trimmed(comment.text)
                }
                forceBreak = true
            }

            if let level = layout.breaks[offset] {
                startLine(level: level)
                anchorLevel = level
            } else if forceBreak {
                startLine(level: anchorLevel + 1)
            } else if let previous {
                let slash = layout.slashes.contains(previous.range.start) || layout.slashes.contains(offset)
                if slash {
                    // `hebei/2022`, `yuan/person/year`
                } else if let width = layout.padAfter[previous.range.start] {
                    let used = DisplayWidth.of(text(previous))
                    line += String(repeating: " ", count: max(0, width - used)) + " "
                } else if Printer.needsSpace(previous, token, tight: layout.tight.contains(previous.range.start)) {
                    line += " "
                }
            }
            line += text(token)
            forceBreak = false
            previous = token
            previousEnd = token.range.end
        }
        // Comments after the last token.
        while commentIndex < comments.count {
            let comment = comments[commentIndex]
            if comment.trailing, !line.isEmpty {
                line += "  #" + Formatter.trimmed(comment.text)
            } else {
                if blankLineBetween(previousEnd, comment.range.start) { blankLine() }
                endLine()
                lines.append("#" + Formatter.trimmed(comment.text))
                previousEnd = comment.range.end
            }
            commentIndex += 1
        }
        endLine()
        while lines.last == "" { lines.removeLast() }
        return lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
    }

    /// One space between two tokens on a line, except next to brackets,
    /// before `,` `:` `%`, around `.` and `..`, after a unary `-` and between a
    /// call's name and its `(`.
    static func needsSpace(_ left: Token, _ right: Token, tight: Bool) -> Bool {
        if tight { return false }
        switch left.kind {
        case .punctuation(.leftParen), .punctuation(.leftBracket), .punctuation(.dot), .punctuation(.dotDot): return false
        default: break
        }
        switch right.kind {
        case .punctuation(.rightParen), .punctuation(.rightBracket), .punctuation(.comma), .punctuation(.colon),
             .punctuation(.dot), .punctuation(.dotDot), .punctuation(.percent):
            return false
        default: return true
        }
    }
}
