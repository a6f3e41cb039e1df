import Lexer

/// Builds a `Schema` from a parsed schema file (`schema household/v1 { … }`,
/// its `enum`s and `record`s), checking names and the expressions of its data
/// checks and defaults.
enum SchemaBuilder {
    static func build(_ file: PolicyFile) -> (schema: Schema?, diagnostics: [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        func report(_ kind: DiagnosticKind, _ range: SourceRange?) {
            diagnostics.append(Diagnostic(kind, file: file.source, range: range))
        }
        guard let header = file.header else {
            report(.missingHeader, SourceRange(start: 0, end: 0))
            return (nil, diagnostics)
        }
        if header.kind != .schema {
            report(.declarationNotAllowed(declaration: "policy", file: "schema"), header.id.range)
            return (nil, diagnostics)
        }
        var enumDeclarations: [EnumDeclaration] = []
        var recordDeclarations: [RecordDeclaration] = []
        var typeNames: Set<String> = []
        for declaration in file.declarations {
            switch declaration {
            case .header: break
            case .enumeration(let node):
                if !typeNames.insert(node.name.text).inserted { report(.duplicateDeclaration(node.name.text), node.name.range) }
                enumDeclarations.append(node)
            case .record(let node):
                if !typeNames.insert(node.name.text).inserted { report(.duplicateDeclaration(node.name.text), node.name.range) }
                recordDeclarations.append(node)
            case .value(let node): report(.declarationNotAllowed(declaration: node.kind.rawValue, file: "schema"), node.name.range)
            case .rule(let node): report(.declarationNotAllowed(declaration: node.kind.rawValue, file: "schema"), node.name.range)
            case .eliminate(let node): report(.declarationNotAllowed(declaration: "eliminate", file: "schema"), node.range)
            case .alert(let node): report(.declarationNotAllowed(declaration: "alert", file: "schema"), node.name.range)
            case .procedure(let node): report(.declarationNotAllowed(declaration: "procedure", file: "schema"), node.name.range)
            case .calendarDay(let node): report(.declarationNotAllowed(declaration: node.isHoliday ? "holiday" : "workday", file: "schema"), node.range)
            case .override(_, let keyword): report(.declarationNotAllowed(declaration: "override", file: "schema"), keyword)
            case .remove(let node): report(.declarationNotAllowed(declaration: "remove", file: "schema"), node.range)
            case .test(let node): report(.declarationNotAllowed(declaration: "test", file: "schema"), node.name.range)
            }
        }
        let enumerations = enumDeclarations.map { declaration -> EnumerationType in
            var seen: Set<String> = []
            for member in declaration.members where !seen.insert(member.name.text).inserted {
                report(.duplicateDeclaration(member.name.text), member.name.range)
            }
            return EnumerationType(name: declaration.name.text, label: declaration.label?.value,
                                   members: declaration.members.map {
                                       EnumerationType.Member(name: $0.name.text, label: $0.label?.value, aliases: $0.aliases.map(\.value))
                                   })
        }
        let rootName = header.id.segments.first ?? ""
        guard let root = recordDeclarations.firstIndex(where: { $0.name.text == rootName }) else {
            report(.missingRootRecord(rootName), header.id.range)
            return (nil, diagnostics)
        }
        let recordNames = recordDeclarations.map(\.name.text)
        let enumNames = enumerations.map(\.name)

        func resolveType(_ syntax: TypeSyntax) -> (type: ValueType, isInteger: Bool)? {
            switch syntax {
            case .list(let element, _):
                guard let inner = resolveType(element) else { return nil }
                return (.list(inner.type), false)
            case .unit(let unit):
                let checker = Checker(schema: Schema(id: "", title: nil, enumerations: [], records: [], root: 0, file: nil), file: file.source)
                let meaning = checker.interpretUnit(unit)
                diagnostics += checker.diagnostics
                switch meaning {
                case .quantity(let dimension, _)?: return (.number(dimension), false)
                case .duration(let durationUnit, _)?: return (.duration(durationUnit), true)
                case nil: return nil
                }
            case .named(let name):
                switch name.text {
                case "text": return (.text, false)
                case "bool": return (.bool, false)
                case "date": return (.date, false)
                case "int": return (.number(.none), true)
                case "number": return (.number(.none), false)
                default:
                    if let index = enumNames.firstIndex(of: name.text) { return (.enumeration(index), false) }
                    if let index = recordNames.firstIndex(of: name.text) { return (.record(index), false) }
                    let candidates = ["text", "bool", "date", "int", "number"] + enumNames + recordNames
                    report(.unknownType(name.text, suggestion: Suggestion.closest(to: name.text, among: candidates)), name.range)
                    return nil
                }
            }
        }

        var records: [RecordType] = []
        for declaration in recordDeclarations {
            var fields: [Field] = []
            var lookup: [String: Int] = [:]
            for field in declaration.fields {
                if lookup[field.name.text] != nil {
                    report(.duplicateDeclaration(field.name.text), field.name.range)
                    continue
                }
                guard let resolved = resolveType(field.type) else { continue }
                var bounds: ClosedRange<Rational>?
                if let written = field.bounds {
                    if case .success(let lower) = Rational.parse(written.lower),
                       case .success(let upper) = Rational.parse(written.upper), lower <= upper {
                        bounds = lower...upper
                    } else {
                        report(.invalidLiteral(kind: "range", text: "\(written.lower)..\(written.upper)"), written.range)
                    }
                }
                let csv: Field.CSVMapping
                switch field.csv {
                case .column(let name)?: csv = .column(name.value)
                case .rows(let prefix)?: csv = .rows(prefix: prefix.value)
                case .none?: csv = .none
                case nil: csv = .automatic
                }
                lookup[field.name.text] = fields.count
                fields.append(Field(name: field.name.text, slot: fields.count, type: resolved.type, isInteger: resolved.isInteger,
                                    required: field.required, nonEmpty: field.nonEmpty, label: field.label?.value,
                                    aliases: field.aliases.map(\.value), bounds: bounds, csv: csv, defaultValue: nil))
            }
            var unit = Unit.none
            if let word = declaration.unit {
                if UnitWord.lookup(word.text) == .person {
                    unit = .person
                } else {
                    report(.unknownUnit(word.text), word.range)
                }
            }
            records.append(RecordType(name: declaration.name.text, label: declaration.label?.value, unit: unit,
                                      fields: fields, checks: [], lookup: lookup))
        }
        if let cycle = containmentCycle(records) {
            report(.cyclicDefinition(cycle), recordDeclarations.first { $0.name.text == cycle.first }?.name.range)
        }
        var schema = Schema(id: header.id.description, title: header.title?.value, enumerations: enumerations,
                            records: records, root: root, file: file.source)
        guard !diagnostics.hasErrors else { return (nil, diagnostics) }

        // Data checks and defaults are expressions over the record they sit in.
        let checker = Checker(schema: schema, file: file.source)
        for (recordIndex, declaration) in recordDeclarations.enumerated() {
            for field in declaration.fields {
                guard let expr = field.defaultValue, let slot = schema.records[recordIndex].slot(of: field.name.text) else { continue }
                var scope = Scope(.record(recordIndex))
                let expected = schema.records[recordIndex].fields[slot].type
                let typed = checker.check(expr, &scope, expected: expected)
                if !typed.type.isError, typed.type != expected {
                    checker.report(.argumentMismatch(function: "default", expected: schema.describe(expected),
                                                     found: schema.describe(typed.type)), expr.range)
                }
                schema.records[recordIndex].fields[slot].defaultValue = typed
            }
            for check in declaration.checks {
                var scope = Scope(.record(recordIndex))
                let condition = checker.checkCondition(check.condition, &scope)
                let field = check.field?.text ?? ""
                if let path = check.field {
                    validateCheckPath(path, record: recordIndex, schema: schema, checker: checker)
                }
                schema.records[recordIndex].checks.append(DataCheck(name: check.name.text, message: check.message?.value ?? check.name.text,
                                                                    isError: check.severity == .error, field: field, condition: condition))
            }
            checker.schema = schema
        }
        diagnostics += checker.diagnostics
        return (diagnostics.hasErrors ? nil : schema, diagnostics)
    }

    /// The field a check names must exist.
    static func validateCheckPath(_ path: Name, record: Int, schema: Schema, checker: Checker) {
        var current = schema.records[record]
        for part in path.text.split(separator: ".").map(String.init) {
            guard let field = current.field(named: part) else {
                checker.report(.unknownField(field: part, in: current.name, suggestion: nil, available: current.fields.map(\.name)), path.range)
                return
            }
            if case .record(let next) = field.type { current = schema.records[next] }
        }
    }

    /// A record that contains itself (not through a list) could never be written down.
    static func containmentCycle(_ records: [RecordType]) -> [String]? {
        let names = records.map(\.name)
        func contained(_ index: Int) -> [Int] {
            records[index].fields.compactMap { if case .record(let next) = $0.type { return next } else { return nil } }
        }
        for start in records.indices {
            var stack = [(start, [start])]
            var visited: Set<Int> = []
            while let (node, path) = stack.popLast() {
                for next in contained(node) {
                    if next == start { return (path + [start]).map { names[$0] } }
                    if visited.insert(next).inserted { stack.append((next, path + [next])) }
                }
            }
        }
        return nil
    }
}
