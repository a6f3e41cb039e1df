import Lexer

/// Checks a parsed policy against its schema: names resolve, types and units
/// agree, the structure is complete. Runs in named passes; all diagnostics of a
/// file are collected, not just the first.
final class Checker {
    var schema: Schema
    let file: SourceFile
    var diagnostics: [Diagnostic] = []

    // Values (`param` and `let`), typed on first use so that order does not matter.
    var parameters: [ValueDeclaration] = []
    var lets: [ValueDeclaration] = []
    var valueIndex: [String: (kind: ValueDeclaration.Kind, index: Int)] = [:]
    var typedParameters: [TypedExpr?] = []
    var typedLets: [TypedExpr?] = []
    /// The values being typed, innermost last, to find definitions in terms of themselves.
    var inProgress: [String] = []
    var currentDeclaration: String?
    /// Names whose declarations had syntax errors: already reported.
    var brokenNames: Set<String> = []
    /// After syntax errors, structural complaints (no category, a missing
    /// clause) may only echo them, so they are not made.
    var afterSyntaxErrors = false

    init(schema: Schema, file: SourceFile) {
        self.schema = schema
        self.file = file
    }

    func report(_ kind: DiagnosticKind, _ range: SourceRange?, related: [(range: SourceRange, label: String)] = []) {
        diagnostics.append(Diagnostic(kind, file: file, range: range, related: related))
    }

    // MARK: - Entry point

    /// Checks a policy file; returns nil when there are errors.
    static func check(_ policy: PolicyFile, schema: Schema, afterSyntaxErrors: Bool = false) -> (policy: CheckedPolicy?, diagnostics: [Diagnostic]) {
        let checker = Checker(schema: schema, file: policy.source)
        checker.brokenNames = policy.brokenNames
        checker.afterSyntaxErrors = afterSyntaxErrors
        let result = checker.checkPolicy(policy)
        return (checker.diagnostics.hasErrors ? nil : result, checker.diagnostics)
    }

    func checkPolicy(_ policy: PolicyFile) -> CheckedPolicy? {
        guard let metadata = checkHeader(policy) else { return nil }
        collectValues(policy)
        let values = checkValues()
        let rules = checkRules(policy)
        let elimination = checkElimination(policy)
        guard let values, let rules else { return nil }
        return CheckedPolicy(metadata: metadata, schema: schema, parameters: values.parameters, derived: values.lets,
                             categories: rules.categories, exclusions: rules.exclusions, exception: rules.exception,
                             monitored: rules.monitored, elimination: elimination, file: file)
    }

    // MARK: - Pass 1: header

    func checkHeader(_ policy: PolicyFile) -> PolicyMetadata? {
        var headers: [Header] = []
        for declaration in policy.declarations {
            switch declaration {
            case .header(let header): headers.append(header)
            case .enumeration(let node): report(.declarationNotAllowed(declaration: "enum", file: "policy"), node.name.range)
            case .record(let node): report(.declarationNotAllowed(declaration: "record", file: "policy"), node.name.range)
            default: break
            }
        }
        guard let header = headers.first else {
            report(.missingHeader, SourceRange(start: 0, end: 0))
            return nil
        }
        for extra in headers.dropFirst() { report(.duplicateHeader, extra.id.range) }
        if header.kind != .policy {
            report(.declarationNotAllowed(declaration: "schema", file: "policy"), header.id.range)
        }
        var year: Int?
        if let written = header.year {
            if let value = Int(written.value), (1949...2200).contains(value) {
                year = value
            } else {
                report(.invalidYear(written.value), written.range)
            }
        } else if !afterSyntaxErrors {
            report(.missingHeaderClause("year"), header.id.range)
        }
        if header.schema == nil, !afterSyntaxErrors { report(.missingHeaderClause("schema"), header.id.range) }
        if header.region.isEmpty, !afterSyntaxErrors { report(.missingHeaderClause("region"), header.id.range) }
        return PolicyMetadata(id: header.id.description, title: header.title?.value, region: header.region.map(\.value),
                              year: year, schemaID: header.schema?.description ?? schema.id, document: header.document?.value)
    }

    // MARK: - Pass 2: values

    func collectValues(_ policy: PolicyFile) {
        for declaration in policy.declarations {
            guard case .value(let value) = declaration else { continue }
            if value.name.text == "today" || Builtin(rawValue: value.name.text) != nil {
                report(.reservedName(value.name.text), value.name.range)
                continue
            }
            if valueIndex[value.name.text] != nil {
                report(.duplicateDeclaration(value.name.text), value.name.range)
                continue
            }
            switch value.kind {
            case .param:
                valueIndex[value.name.text] = (.param, parameters.count)
                parameters.append(value)
            case .let:
                valueIndex[value.name.text] = (.let, lets.count)
                lets.append(value)
            }
        }
        typedParameters = Array(repeating: nil, count: parameters.count)
        typedLets = Array(repeating: nil, count: lets.count)
    }

    func checkValues() -> (parameters: [CheckedValue], lets: [CheckedValue])? {
        for index in parameters.indices { _ = typeOfValue(.param, index) }
        for index in lets.indices { _ = typeOfValue(.let, index) }
        var checkedParameters: [CheckedValue] = []
        var checkedLets: [CheckedValue] = []
        for (index, declaration) in parameters.enumerated() {
            guard let typed = typedParameters[index] else { return nil }
            checkedParameters.append(CheckedValue(name: declaration.name.text, expression: typed,
                                                  provenance: declaration.provenance, range: declaration.range))
        }
        for (index, declaration) in lets.enumerated() {
            guard let typed = typedLets[index] else { return nil }
            checkedLets.append(CheckedValue(name: declaration.name.text, expression: typed,
                                            provenance: declaration.provenance, range: declaration.range))
        }
        return (checkedParameters, checkedLets)
    }

    var valueNames: [String] { parameters.map(\.name.text) + lets.map(\.name.text) }

    func hasValue(named name: String) -> Bool { valueIndex[name] != nil }

    /// A reference to a `param` or `let`, typing it first if need be.
    func resolveValue(_ name: Name, _ scope: Scope) -> TypedExpr? {
        guard let entry = valueIndex[name.text] else { return nil }
        if entry.kind == .let, !scope.allowsHousehold {
            report(.parameterNotConstant(currentDeclaration ?? name.text), name.range)
            return .invalid(name.range)
        }
        guard let type = typeOfValue(entry.kind, entry.index) else { return .invalid(name.range) }
        let kind: TypedExprKind = entry.kind == .param ? .parameter(entry.index) : .derived(entry.index)
        return TypedExpr(kind, type, name.range)
    }

    /// The type of a value, checking its expression on first use.
    func typeOfValue(_ kind: ValueDeclaration.Kind, _ index: Int) -> ValueType? {
        let declaration = kind == .param ? parameters[index] : lets[index]
        if let done = kind == .param ? typedParameters[index] : typedLets[index] {
            return done.type.isError ? nil : done.type
        }
        if let start = inProgress.firstIndex(of: declaration.name.text) {
            let cycle = Array(inProgress[start...]) + [declaration.name.text]
            report(.cyclicDefinition(cycle), declaration.name.range)
            return nil
        }
        inProgress.append(declaration.name.text)
        let outer = currentDeclaration
        currentDeclaration = declaration.name.text
        var scope = Scope(kind == .param ? .constant : .household)
        let typed = check(declaration.value, &scope)
        currentDeclaration = outer
        inProgress.removeLast()
        // A value already typed during the cycle report keeps its first result.
        if kind == .param {
            if typedParameters[index] == nil { typedParameters[index] = typed }
        } else if typedLets[index] == nil {
            typedLets[index] = typed
        }
        return typed.type.isError ? nil : typed.type
    }

    // MARK: - Pass 3: rules

    struct Rules {
        var categories: [CheckedRule] = []
        var exclusions: [CheckedRule] = []
        var exception: CheckedRule?
        var monitored: CheckedMonitored?
    }

    func checkRules(_ policy: PolicyFile) -> Rules? {
        var rules = Rules()
        var names: Set<String> = []
        var monitoredDeclaration: RuleDeclaration?
        var declaredCategories = 0
        for declaration in policy.declarations {
            guard case .rule(let rule) = declaration else { continue }
            if rule.kind == .category { declaredCategories += 1 }
            if rule.kind != .monitored {
                if names.contains(rule.name.text) {
                    report(.duplicateDeclaration(rule.name.text), rule.name.range)
                }
                names.insert(rule.name.text)
            }
            currentDeclaration = rule.name.text
            var scope = Scope(.household)
            guard let conditionExpr = rule.condition else {
                if afterSyntaxErrors { continue }
                report(.missingClause(clause: "when", in: "`\(rule.kind.rawValue) \(rule.name.text)`"), rule.name.range)
                continue
            }
            let condition = checkCondition(conditionExpr, &scope)
            let checked = CheckedRule(name: rule.name.text, label: rule.label?.value, condition: condition,
                                      provenance: rule.provenance, range: rule.range)
            switch rule.kind {
            case .category: rules.categories.append(checked)
            case .exclude: rules.exclusions.append(checked)
            case .exception:
                if rules.exception != nil { report(.singleDeclaration("exception"), rule.name.range) }
                rules.exception = checked
            case .monitored:
                if monitoredDeclaration != nil { report(.singleDeclaration("monitored"), rule.name.range) }
                monitoredDeclaration = rule
                rules.monitored = CheckedMonitored(condition: condition, category: nil, categoryOfMember: [],
                                                   provenance: rule.provenance)
            }
        }
        currentDeclaration = nil
        if declaredCategories == 0, !policy.declarations.isEmpty, !afterSyntaxErrors {
            report(.noCategories, policy.header?.id.range)
        }
        if let monitoredDeclaration, let current = rules.monitored, let categoryExpr = monitoredDeclaration.categoryExpression {
            rules.monitored = checkMonitoredCategory(categoryExpr, current, categories: rules.categories)
        }
        return rules
    }

    /// The `category` of `monitored` must give an enumeration member that names
    /// one of the policy's categories.
    func checkMonitoredCategory(_ expr: Expr, _ monitored: CheckedMonitored, categories: [CheckedRule]) -> CheckedMonitored {
        var scope = Scope(.household)
        let typed = check(expr, &scope)
        guard case .enumeration(let index) = typed.type else {
            if !typed.type.isError {
                report(.argumentMismatch(function: "monitored category", expected: "an enumeration member",
                                         found: schema.describe(typed.type)), expr.range)
            }
            return monitored
        }
        let enumeration = schema.enumerations[index]
        let mapping = enumeration.members.map { member in categories.firstIndex { $0.name == member.name } }
        let strays = zip(enumeration.members, mapping).filter { $0.1 == nil }.map(\.0.name)
        if !strays.isEmpty {
            report(.monitoredCategoryMismatch(members: strays, enumeration: enumeration.name), expr.range)
        }
        return CheckedMonitored(condition: monitored.condition, category: typed, categoryOfMember: mapping,
                                provenance: monitored.provenance)
    }

    // MARK: - Pass 4: elimination

    func checkElimination(_ policy: PolicyFile) -> [CheckedEliminationCondition] {
        var result: [CheckedEliminationCondition] = []
        var seen = false
        var names: Set<String> = []
        for declaration in policy.declarations {
            guard case .eliminate(let elimination) = declaration else { continue }
            if seen { report(.singleDeclaration("eliminate"), elimination.range) }
            seen = true
            for condition in elimination.conditions {
                if names.contains(condition.name.text) { report(.duplicateDeclaration(condition.name.text), condition.name.range) }
                names.insert(condition.name.text)
                currentDeclaration = condition.name.text
                var scope = Scope(.household)
                let typed = checkCondition(condition.condition, &scope)
                result.append(CheckedEliminationCondition(kind: condition.kind, name: condition.name.text, label: condition.label?.value,
                                                          condition: typed, provenance: condition.provenance, range: condition.range))
            }
        }
        currentDeclaration = nil
        return result
    }
}
