import Foundation
import Lexer

/// A declaration with a name, found in one file of a policy's `extends` chain.
struct NamedItem {
    /// `param`, `let`, `category`, `exclude`, `exception`, `monitored`,
    /// `require`, `forbid`, `alert`, `procedure`, `step`, `test`.
    let kind: String
    let name: Name
    let label: String?
    let provenance: Provenance
    /// The expression, as written (a value's or a rule's condition).
    let expression: SourceRange?
    let isOverride: Bool
    let path: String
    let source: SourceFile

    static let valueKinds: Set<String> = ["param", "let"]
    static let ruleKinds: Set<String> = ["category", "exclude", "exception", "monitored", "require", "forbid", "alert", "procedure", "step", "test"]

    static func items(of file: PolicyFile, path: String) -> [NamedItem] {
        var items: [NamedItem] = []
        func add(_ declaration: Declaration, override: Bool) {
            switch declaration {
            case .value(let value):
                items.append(NamedItem(kind: value.kind.rawValue, name: value.name, label: nil, provenance: value.provenance,
                                       expression: value.value.range, isOverride: override, path: path, source: file.source))
            case .rule(let rule):
                items.append(NamedItem(kind: rule.kind.rawValue, name: rule.name, label: rule.label?.value, provenance: rule.provenance,
                                       expression: rule.condition?.range, isOverride: override, path: path, source: file.source))
            case .eliminate(let block):
                for condition in block.conditions {
                    items.append(NamedItem(kind: condition.kind.rawValue, name: condition.name, label: condition.label?.value,
                                           provenance: condition.provenance, expression: condition.condition.range,
                                           isOverride: override, path: path, source: file.source))
                }
            case .alert(let alert):
                items.append(NamedItem(kind: "alert", name: alert.name, label: alert.label?.value, provenance: alert.provenance,
                                       expression: alert.condition?.range, isOverride: override, path: path, source: file.source))
            case .procedure(let procedure):
                items.append(NamedItem(kind: "procedure", name: procedure.name, label: procedure.label?.value, provenance: procedure.provenance,
                                       expression: nil, isOverride: override, path: path, source: file.source))
                for step in procedure.steps {
                    items.append(NamedItem(kind: "step", name: step.name, label: step.label?.value, provenance: step.provenance,
                                           expression: step.skipWhen?.range, isOverride: override, path: path, source: file.source))
                }
            case .test(let test):
                items.append(NamedItem(kind: "test", name: test.name, label: test.label?.value, provenance: test.provenance,
                                       expression: nil, isOverride: false, path: path, source: file.source))
            case .override(let inner, _):
                add(inner, override: true)
            default:
                break
            }
        }
        for declaration in file.declarations { add(declaration, override: false) }
        return items
    }
}

/// What one request needs to know about a document: its tokens and syntax,
/// the files of its `extends` chain, its schema and the types of its values.
struct Analysis {
    let document: LSPDocument
    let file: PolicyFile
    let tokens: [Token]
    /// The document, then its base, then the base's base: nearest first.
    let chain: [(path: String, file: PolicyFile)]
    let schema: Schema?
    let schemaPath: String?
    let valueTypes: [String: ValueType]

    var source: SourceFile { document.map.source }

    func text(_ range: SourceRange) -> String { source.text(range.start..<range.end) }

    /// The index of the word token under (or just before) an offset.
    func wordToken(at offset: Int) -> Int? {
        if let index = tokens.firstIndex(where: { $0.range.start <= offset && offset < $0.range.end }), tokens[index].word != nil {
            return index
        }
        return tokens.firstIndex { $0.range.end == offset && $0.word != nil }
    }

    /// The token index of the last token ending at or before an offset.
    func lastToken(before offset: Int) -> Int? {
        tokens.lastIndex { $0.range.end <= offset && $0.kind != .endOfFile }
    }

    /// The top-level declaration an offset is in.
    func declarationRange(at offset: Int) -> SourceRange? {
        file.declarations.first { $0.range.start <= offset && offset <= $0.range.end }?.range
    }

    /// `a.b.c` ending at a word token: the names and the index of the first.
    func dottedPath(endingAt index: Int) -> (names: [String], first: Int)? {
        guard index >= 0, index < tokens.count, let word = tokens[index].word else { return nil }
        var names = [word]
        var first = index
        while first >= 2, tokens[first - 1].kind == .punctuation(.dot), let previous = tokens[first - 2].word {
            names.insert(previous, at: 0)
            first -= 2
        }
        return (names, first)
    }

    /// `a.b.c` starting at a word token.
    func dottedPath(startingAt index: Int) -> [String]? {
        guard index < tokens.count, let word = tokens[index].word else { return nil }
        var names = [word]
        var next = index + 1
        while next + 1 < tokens.count, tokens[next].kind == .punctuation(.dot), let following = tokens[next + 1].word {
            names.append(following)
            next += 2
        }
        return names
    }

    /// Where a quantifier or an alert's `on` binds a variable: `any(m in members…`,
    /// `on e in events…`, the nearest at or before the token, in the same declaration.
    func binding(of name: String, atOrBefore index: Int) -> (index: Int, list: [String])? {
        guard index < tokens.count else { return nil }
        let scope = declarationRange(at: tokens[index].range.start)
        var position = index
        var steps = 0
        while position >= 1, steps < 4000 {
            defer { position -= 1; steps += 1 }
            if let scope, tokens[position].range.start < scope.start { break }
            guard tokens[position].kind == .identifier(name), position + 2 < tokens.count,
                  tokens[position + 1].kind == .keyword(.in),
                  tokens[position - 1].kind == .punctuation(.leftParen) || tokens[position - 1].isWord(.on),
                  let list = dottedPath(startingAt: position + 2) else { continue }
            return (position, list)
        }
        return nil
    }

    /// The type of a field path as written at a token: a quantifier's
    /// variable, a parameter or `let`, or a field of the household, then fields.
    func type(of names: [String], at index: Int, depth: Int = 0) -> (type: ValueType, field: Field?, record: RecordType?)? {
        guard let schema, let first = names.first else { return nil }
        var current: ValueType
        var field: Field?
        var record: RecordType?
        if depth < 8, let bound = binding(of: first, atOrBefore: index),
           let list = type(of: bound.list, at: bound.index - 1, depth: depth + 1), let element = list.type.elementType {
            current = element
        } else if let valueType = valueTypes[first] {
            current = valueType
        } else if let rootField = schema.rootRecord.field(named: first) {
            current = rootField.type
            field = rootField
            record = schema.rootRecord
        } else {
            return nil
        }
        for name in names.dropFirst() {
            guard case .record(let index) = current, let owner = schema.records[safe: index], let next = owner.field(named: name) else { return nil }
            current = next.type
            field = next
            record = owner
        }
        return (current, field, record)
    }

    /// The named items of the chain, nearest file first.
    var chainItems: [NamedItem] {
        chain.flatMap { NamedItem.items(of: $0.file, path: $0.path) }
    }
}

extension PolicyLanguageService {
    func analysis(of document: LSPDocument) -> Analysis {
        let (file, _) = Parser.parse(document.map.source)
        let tokens = Lexer.tokenize(document.map.source).tokens
        var chain: [(path: String, file: PolicyFile)] = [(document.path, file)]
        var visited: Set<String> = [document.path]
        var current = file
        var currentPath = document.path
        while chain.count < 16, let base = current.header?.base,
              let basePath = engine.workspace.findPolicy(base.description, near: currentPath).path,
              visited.insert(basePath).inserted, let baseFile = engine.parse(path: basePath).file {
            chain.append((basePath, baseFile))
            current = baseFile
            currentPath = basePath
        }
        var schema: Schema?
        var schemaPath: String?
        if file.header?.kind == .schema {
            schemaPath = document.path
            schema = engine.loadSchema(at: document.path).schema
        } else if let link = chain.first(where: { $0.file.header?.schema != nil }), let id = link.file.header?.schema?.description,
                  let found = engine.workspace.findSchema(id, near: document.path).path {
            schemaPath = found
            schema = engine.loadSchema(at: found).schema
        }
        if valueTypes[document.path] == nil, file.header?.kind == .policy, let policy = engine.load(path: document.path).policy {
            remember(policy, for: document.path)
        }
        return Analysis(document: document, file: file, tokens: tokens, chain: chain, schema: schema, schemaPath: schemaPath,
                        valueTypes: valueTypes[document.path] ?? [:])
    }

    func location(_ range: SourceRange, in source: SourceFile, path: String) -> LSPLocation {
        let hasMark = documents.values.first { $0.path == path }?.map.hasByteOrderMark ?? false
        return LSPLocation(uri: uri(forPath: path), range: PositionMap(source: source, hasByteOrderMark: hasMark).range(of: range))
    }

    // MARK: Hover

    public func hover(uri: String, position: LSPPosition) -> LSPHover? {
        guard let document = self.document(uri) else { return nil }
        let analysis = analysis(of: document)
        let offset = document.map.offset(of: position)
        guard let index = analysis.wordToken(at: offset), let word = analysis.tokens[index].word else { return nil }
        let range = document.map.range(of: analysis.tokens[index].range)
        guard let (names, _) = analysis.dottedPath(endingAt: index) else { return nil }
        if names.count == 1 {
            if let bound = analysis.binding(of: word, atOrBefore: index) {
                var text = language.pick("**variable** `\(word)` over `\(bound.list.joined(separator: "."))`",
                                         "**变量** `\(word)`，取自 `\(bound.list.joined(separator: "."))`")
                if let schema = analysis.schema, let type = analysis.type(of: [word], at: index) {
                    text += "\n\n" + describe(type.type, in: schema)
                }
                return LSPHover(markdown: text, range: range)
            }
            let items = analysis.chainItems.filter { $0.name.text == word }
            let declaredHere = items.first { $0.path == document.path && $0.name.range == analysis.tokens[index].range }
            let previous = index > 0 ? analysis.tokens[index - 1].word : nil
            let preferRule = previous.map { ["require", "forbid", "category", "exclude", "exception", "alert", "procedure", "step", "test",
                                             "remove"].contains($0) } ?? false
            let values = items.filter { NamedItem.valueKinds.contains($0.kind) }
            let rules = items.filter { NamedItem.ruleKinds.contains($0.kind) }
            if let declaredHere {
                let same = items.filter { $0.kind == declaredHere.kind || (NamedItem.valueKinds.contains($0.kind) && NamedItem.valueKinds.contains(declaredHere.kind)) }
                return LSPHover(markdown: describe(same, analysis: analysis), range: range)
            }
            if !values.isEmpty, !preferRule { return LSPHover(markdown: describe(values, analysis: analysis), range: range) }
            if !rules.isEmpty {
                let kind = rules[0].kind
                return LSPHover(markdown: describe(rules.filter { $0.kind == kind }, analysis: analysis), range: range)
            }
            if !values.isEmpty { return LSPHover(markdown: describe(values, analysis: analysis), range: range) }
        }
        if let schema = analysis.schema, let typed = analysis.type(of: names, at: index), typed.field != nil || names.count > 1 {
            var text = "**" + language.pick("field", "字段") + "** `\(names.joined(separator: "."))`: " + describe(typed.type, in: schema)
            if let label = typed.field?.label, !label.isEmpty { text += " — \(label)" }
            if let record = typed.record, typed.field != nil {
                text += "\n\n" + language.pick("in record", "属于记录") + " `\(record.name)`" + (record.label.map { " \($0)" } ?? "")
            }
            if let field = typed.field {
                var notes: [String] = []
                if field.required { notes.append("required") }
                if field.nonEmpty { notes.append("nonempty") }
                if !field.aliases.isEmpty { notes.append("alias " + field.aliases.joined(separator: ", ")) }
                if !notes.isEmpty { text += " · " + notes.joined(separator: " · ") }
            }
            if case .enumeration(let enumIndex) = typed.type, let enumeration = schema.enumerations[safe: enumIndex] {
                text += "\n\n" + members(of: enumeration)
            } else if case .list(.enumeration(let enumIndex)) = typed.type, let enumeration = schema.enumerations[safe: enumIndex] {
                text += "\n\n" + members(of: enumeration)
            } else if case .record(let recordIndex) = typed.type, let record = schema.records[safe: recordIndex] {
                text += "\n\n" + language.pick("fields: ", "字段：") + record.fields.map { "`\($0.name)`" + ($0.label.map { " \($0)" } ?? "") }.joined(separator: ", ")
            }
            return LSPHover(markdown: text, range: range)
        }
        if names.count == 1, let schema = analysis.schema {
            for enumeration in schema.enumerations {
                if let member = enumeration.members.first(where: { $0.name == word }) {
                    var text = "**" + language.pick("member", "枚举值") + "** `\(word)`" + (member.label.map { " — \($0)" } ?? "")
                    text += "\n\n" + language.pick("of", "属于") + " `\(enumeration.name)`" + (enumeration.label.map { " \($0)" } ?? "")
                    return LSPHover(markdown: text, range: range)
                }
            }
        }
        if names.count == 1, word == "today" {
            return LSPHover(markdown: language.pick("`today`: the as-of date of the evaluation", "`today`：评估日"), range: range)
        }
        return nil
    }

    func members(of enumeration: EnumerationType) -> String {
        let shown = enumeration.members.prefix(40).map { "`\($0.name)`" + ($0.label.map { " \($0)" } ?? "") }
        return language.pick("members: ", "成员：") + shown.joined(separator: ", ") + (enumeration.members.count > 40 ? ", …" : "")
    }

    func describe(_ type: ValueType, in schema: Schema) -> String {
        var text = "`\(schema.describe(type))`"
        if case .enumeration(let index) = type, let label = schema.enumerations[safe: index]?.label { text += " (\(label))" }
        if case .record(let index) = type, let label = schema.records[safe: index]?.label { text += " (\(label))" }
        return text
    }

    /// A value or a rule: what it is, its citations, and where each file of
    /// the chain defines or overrides it. `items` are nearest first.
    func describe(_ items: [NamedItem], analysis: Analysis) -> String {
        guard let effective = items.first else { return "" }
        var text = "**\(effective.kind)** `\(effective.name.text)`"
        if let label = effective.label, !label.isEmpty { text += " — \(label)" }
        if let expression = effective.expression {
            let written = effective.source.text(expression.start..<expression.end)
            text += NamedItem.valueKinds.contains(effective.kind) ? " = `\(written)`" : "\n\n`\(written)`"
        }
        if NamedItem.valueKinds.contains(effective.kind), let type = analysis.valueTypes[effective.name.text], let schema = analysis.schema {
            text += "\n\n" + language.pick("type: ", "类型：") + describe(type, in: schema)
        }
        for citation in effective.provenance.citations {
            var line = "\n\n> \(citation.quote.value)"
            var parts: [String] = []
            if let location = citation.location?.value { parts.append(location) }
            if let document = citation.document?.value { parts.append(document) }
            if !parts.isEmpty { line += "\n>\n> — " + parts.joined(separator: ", ") }
            text += line
        }
        for assumption in effective.provenance.assumptions {
            text += "\n\n" + language.pick("*Assumption:* ", "*假设：*") + assumption.value
        }
        var places: [String] = []
        for item in items.reversed() {
            let line = item.source.location(of: item.name.range.start).line
            let verb = item.isOverride ? language.pick("overridden", "覆盖") : language.pick("defined", "定义")
            places.append("\(verb): `\(display(item.path)):\(line)`")
        }
        if !places.isEmpty { text += "\n\n" + places.joined(separator: "  \n") }
        return text
    }

    // MARK: Definition

    public func definition(uri: String, position: LSPPosition) -> [LSPLocation] {
        guard let document = self.document(uri) else { return [] }
        let analysis = analysis(of: document)
        let offset = document.map.offset(of: position)
        let within = { (range: SourceRange?) -> Bool in range.map { $0.start <= offset && offset <= $0.end } ?? false }
        if let header = analysis.file.header {
            if let base = header.base, within(base.range) {
                guard let path = engine.workspace.findPolicy(base.description, near: document.path).path else { return [] }
                return [headerLocation(path)]
            }
            if let schema = header.schema, within(schema.range) {
                guard let path = engine.workspace.findSchema(schema.description, near: document.path).path else { return [] }
                return [headerLocation(path)]
            }
            if let calendar = header.calendar, within(calendar.range) {
                guard let files = engine.workspace.calendarFiles(calendar.description, near: document.path)?.files else { return [] }
                return files.map { headerLocation($0) }
            }
        }
        guard let index = analysis.wordToken(at: offset), let word = analysis.tokens[index].word,
              let (names, _) = analysis.dottedPath(endingAt: index) else { return [] }
        if names.count == 1 {
            if let bound = analysis.binding(of: word, atOrBefore: index) {
                return [location(analysis.tokens[bound.index].range, in: document.map.source, path: document.path)]
            }
            let items = analysis.chainItems.filter { $0.name.text == word }
            let previous = index > 0 ? analysis.tokens[index - 1].word : nil
            let preferRule = previous.map { ["require", "forbid", "category", "exclude", "exception", "alert", "procedure", "step", "test",
                                             "remove"].contains($0) } ?? false
            let values = items.filter { NamedItem.valueKinds.contains($0.kind) }
            let rules = items.filter { NamedItem.ruleKinds.contains($0.kind) }
            if let item = (preferRule ? rules.first ?? values.first : values.first ?? rules.first) {
                return [location(item.name.range, in: item.source, path: item.path)]
            }
        }
        // A field: its declaration in the schema.
        if let typed = analysis.type(of: names, at: index), let field = typed.field, let record = typed.record,
           let schemaPath = analysis.schemaPath, let schemaFile = engine.parse(path: schemaPath).file {
            for declaration in schemaFile.declarations {
                guard case .record(let node) = declaration, node.name.text == record.name,
                      let found = node.fields.first(where: { $0.name.text == field.name }) else { continue }
                return [location(found.name.range, in: schemaFile.source, path: schemaPath)]
            }
        }
        // An enumeration member: its declaration in the schema.
        if names.count == 1, let schemaPath = analysis.schemaPath, let schemaFile = engine.parse(path: schemaPath).file {
            for declaration in schemaFile.declarations {
                guard case .enumeration(let node) = declaration, let member = node.members.first(where: { $0.name.text == word }) else { continue }
                return [location(member.name.range, in: schemaFile.source, path: schemaPath)]
            }
        }
        return []
    }

    /// The id in the header of a file (its first line when it has none).
    func headerLocation(_ path: String) -> LSPLocation {
        guard let file = engine.parse(path: path).file else {
            return LSPLocation(uri: uri(forPath: path), range: .zero)
        }
        let range = file.header?.id.range ?? SourceRange(start: 0, end: 0)
        return location(range, in: file.source, path: path)
    }

    // MARK: Completion

    public func completion(uri: String, position: LSPPosition) -> [LSPCompletionItem] {
        guard let document = self.document(uri) else { return [] }
        let analysis = analysis(of: document)
        let offset = document.map.offset(of: position)
        let tokens = analysis.tokens
        guard var anchor = analysis.lastToken(before: offset) else { return general(analysis, at: 0) }
        // Inside a string or a comment: nothing.
        if let inside = tokens.first(where: { $0.range.start < offset && offset < $0.range.end }), case .string = inside.kind { return [] }
        if analysis.file.comments.contains(where: { $0.range.start < offset && offset <= $0.range.end }) { return [] }
        if tokens[anchor].word != nil, tokens[anchor].range.end == offset { anchor -= 1 }
        guard anchor >= 0 else { return general(analysis, at: 0) }
        let schema = analysis.schema
        // After `.`: the fields of the record before it.
        if tokens[anchor].kind == .punctuation(.dot) {
            guard let schema, let (names, _) = analysis.dottedPath(endingAt: anchor - 1),
                  let typed = analysis.type(of: names, at: anchor - 1),
                  case .record(let index) = typed.type, let record = schema.records[safe: index] else { return [] }
            return record.fields.map {
                LSPCompletionItem(label: $0.name, kind: .field, detail: schema.describe($0.type) + ($0.label.map { " — \($0)" } ?? ""),
                                  documentation: $0.label)
            }
        }
        // After `==` or `!=`, or in the list after `in [`: the members of the enumeration on the left.
        var left: Int?
        if tokens[anchor].kind == .punctuation(.equal) || tokens[anchor].kind == .punctuation(.notEqual) {
            left = anchor - 1
        } else {
            var position = anchor
            while position >= 0, tokens[position].word != nil || tokens[position].kind == .punctuation(.comma),
                  !(tokens[position].word.map { Keyword.reserved($0) != nil } ?? false) {
                position -= 1
            }
            if position >= 1, tokens[position].kind == .punctuation(.leftBracket), tokens[position - 1].kind == .keyword(.in) {
                left = position - 2
                if let before = left, before >= 0, tokens[before].kind == .keyword(.not) { left = before - 1 }
            }
        }
        if let left, left >= 0, let schema, let (names, _) = analysis.dottedPath(endingAt: left),
           let typed = analysis.type(of: names, at: left) {
            var enumType = typed.type
            if case .list(let element) = enumType { enumType = element }
            if case .enumeration(let index) = enumType, let enumeration = schema.enumerations[safe: index] {
                return enumeration.members.map {
                    LSPCompletionItem(label: $0.name, kind: .enumMember, detail: $0.label.map { "\(enumeration.name) — \($0)" } ?? enumeration.name)
                }
            }
        }
        return general(analysis, at: anchor)
    }

    /// Names that may start an expression or a declaration: quantifier
    /// variables in scope, parameters and `let`s, household fields, built-in
    /// functions and keywords.
    func general(_ analysis: Analysis, at anchor: Int) -> [LSPCompletionItem] {
        var items: [LSPCompletionItem] = []
        var seen: Set<String> = []
        func add(_ item: LSPCompletionItem) {
            if seen.insert(item.label).inserted { items.append(item) }
        }
        let tokens = analysis.tokens
        if anchor < tokens.count, let scope = analysis.declarationRange(at: tokens[anchor].range.start) {
            var position = anchor
            while position >= 1, tokens[position].range.start >= scope.start {
                if case .identifier(let name) = tokens[position].kind, position + 1 < tokens.count, tokens[position + 1].kind == .keyword(.in),
                   tokens[position - 1].kind == .punctuation(.leftParen) || tokens[position - 1].isWord(.on) {
                    add(LSPCompletionItem(label: name, kind: .variable, detail: language.pick("variable", "变量")))
                }
                position -= 1
            }
        }
        for item in analysis.chainItems where NamedItem.valueKinds.contains(item.kind) {
            var detail = item.kind
            if let expression = item.expression { detail += " = " + item.source.text(expression.start..<expression.end) }
            add(LSPCompletionItem(label: item.name.text, kind: item.kind == "param" ? .constant : .variable, detail: String(detail.prefix(120)),
                                  documentation: item.provenance.citations.first?.quote.value))
        }
        if let schema = analysis.schema {
            for field in schema.rootRecord.fields {
                add(LSPCompletionItem(label: field.name, kind: .field, detail: schema.describe(field.type) + (field.label.map { " — \($0)" } ?? "")))
            }
        }
        add(LSPCompletionItem(label: "today", kind: .value, detail: language.pick("the as-of date", "评估日")))
        for builtin in Builtin.allCases { add(LSPCompletionItem(label: builtin.rawValue, kind: .function)) }
        for quantifier in QuantifierKind.allCases { add(LSPCompletionItem(label: quantifier.rawValue, kind: .function)) }
        for keyword in Keyword.allCases { add(LSPCompletionItem(label: keyword.rawValue, kind: .keyword)) }
        return items
    }
}
