import Lexer

/// Checks a resolved policy against its schema: names resolve, types and units
/// agree, the structure is complete. Runs in named passes; all diagnostics are
/// collected, each pointing into the file its item comes from.
final class Checker {
    var schema: Schema
    /// The file of the item being checked; diagnostics point into it.
    var file: SourceFile
    var diagnostics: [Diagnostic] = []
    var calendar: WorkingCalendar?
    /// The header names a calendar (whose problems are reported where it is loaded).
    var calendarDeclared = false

    // Values (`param` and `let`), typed on first use so that order does not matter.
    var parameters: [(declaration: ValueDeclaration, file: SourceFile)] = []
    var lets: [(declaration: ValueDeclaration, file: SourceFile)] = []
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
    /// Whether any expression counts working days (then a calendar is needed).
    var usesWorkingDays: [(file: SourceFile, range: SourceRange)] = []

    init(schema: Schema, file: SourceFile) {
        self.schema = schema
        self.file = file
    }

    func report(_ kind: DiagnosticKind, _ range: SourceRange?, related: [(range: SourceRange, label: String)] = []) {
        diagnostics.append(Diagnostic(kind, file: file, range: range, related: related))
    }

    /// Runs `body` with diagnostics pointing into `file`.
    func within<T>(_ itemFile: SourceFile, _ body: () -> T) -> T {
        let outer = file
        file = itemFile
        defer { file = outer }
        return body()
    }

    // MARK: - Entry points

    /// Checks a policy on its own (no base policy).
    static func check(_ policy: PolicyFile, schema: Schema, calendar: WorkingCalendar? = nil,
                      afterSyntaxErrors: Bool = false) -> (policy: CheckedPolicy?, diagnostics: [Diagnostic]) {
        let resolver = Resolver { _, _ in .notFound }
        let (resolved, resolution) = resolver.resolve(policy, path: policy.source.path)
        let (checked, diagnostics) = check(resolved, schema: schema, calendar: calendar, afterSyntaxErrors: afterSyntaxErrors)
        return (resolution.hasErrors ? nil : checked, resolution + diagnostics)
    }

    /// Checks a resolved policy; returns nil when there are errors.
    static func check(_ resolved: ResolvedPolicy, schema: Schema, calendar: WorkingCalendar?,
                      calendarDeclared: Bool = false, afterSyntaxErrors: Bool = false) -> (policy: CheckedPolicy?, diagnostics: [Diagnostic]) {
        let checker = Checker(schema: schema, file: resolved.leaf.source)
        checker.brokenNames = resolved.brokenNames
        checker.afterSyntaxErrors = afterSyntaxErrors
        checker.calendar = calendar
        checker.calendarDeclared = calendarDeclared
        let result = checker.checkPolicy(resolved)
        return (checker.diagnostics.hasErrors ? nil : result, checker.diagnostics)
    }

    func checkPolicy(_ resolved: ResolvedPolicy) -> CheckedPolicy? {
        let metadata = checkHeader(resolved)
        checkStructure(resolved)
        collectValues(resolved)
        let values = checkValues()
        let rules = checkRules(resolved)
        let elimination = checkElimination(resolved)
        let alerts = checkAlerts(resolved)
        let procedures = checkProcedures(resolved)
        let tests = checkTests(resolved, metadata: metadata, rules: rules, elimination: elimination, alerts: alerts, procedures: procedures)
        if calendar == nil, !calendarDeclared, let first = usesWorkingDays.first {
            within(first.file) { report(.workingDaysWithoutCalendar, first.range) }
        }
        guard let metadata, let values, let rules else { return nil }
        return CheckedPolicy(metadata: metadata, schema: schema, parameters: values.parameters, derived: values.lets,
                             categories: rules.categories, exclusions: rules.exclusions, exception: rules.exception,
                             monitored: rules.monitored, elimination: elimination, alerts: alerts, procedures: procedures,
                             calendar: calendar, file: resolved.leaf.source, tests: tests)
    }

    // MARK: - Pass 1: header and structure

    func checkHeader(_ resolved: ResolvedPolicy) -> PolicyMetadata? {
        let policy = resolved.leaf
        var headers: [Header] = []
        for declaration in policy.declarations {
            if case .header(let header) = declaration { headers.append(header) }
        }
        guard let header = headers.first else {
            report(.missingHeader, SourceRange(start: 0, end: 0))
            return nil
        }
        for extra in headers.dropFirst() { report(.duplicateHeader, extra.id.range) }
        if header.kind != .policy {
            report(.declarationNotAllowed(declaration: header.kind.rawValue, file: "policy"), header.id.range)
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
        if resolved.schemaID == nil, !afterSyntaxErrors { report(.missingHeaderClause("schema"), header.id.range) }
        if header.region.isEmpty, !afterSyntaxErrors { report(.missingHeaderClause("region"), header.id.range) }
        return PolicyMetadata(id: header.id.description, title: header.title?.value, region: header.region.map(\.value),
                              year: year, schemaID: resolved.schemaID ?? schema.id, document: header.document?.value,
                              base: header.base?.description, calendarID: resolved.calendarID)
    }

    /// Declarations that belong in other kinds of files, and the one-per-file ones.
    func checkStructure(_ resolved: ResolvedPolicy) {
        for file in resolved.chain {
            within(file.source) {
                var seen: [String: Bool] = [:]
                for declaration in file.declarations {
                    var inner = declaration
                    if case .override(let overridden, _) = declaration { inner = overridden }
                    switch inner {
                    case .enumeration(let node): report(.declarationNotAllowed(declaration: "enum", file: "policy"), node.name.range)
                    case .record(let node): report(.declarationNotAllowed(declaration: "record", file: "policy"), node.name.range)
                    case .calendarDay(let node):
                        report(.declarationNotAllowed(declaration: node.isHoliday ? "holiday" : "workday", file: "policy"), node.range)
                    case .eliminate(let node):
                        if seen["eliminate"] != nil { report(.singleDeclaration("eliminate"), node.range) }
                        seen["eliminate"] = true
                    case .rule(let node) where node.kind == .monitored || node.kind == .exception:
                        if seen[node.kind.rawValue] != nil { report(.singleDeclaration(node.kind.rawValue), node.name.range) }
                        seen[node.kind.rawValue] = true
                    default: break
                    }
                }
            }
        }
    }

    // MARK: - Pass 2: values

    func collectValues(_ resolved: ResolvedPolicy) {
        for item in resolved.items {
            guard case .value(let value) = item.declaration else { continue }
            within(item.file) {
                if value.name.text == "today" || Builtin(rawValue: value.name.text) != nil {
                    report(.reservedName(value.name.text), value.name.range)
                    return
                }
                if valueIndex[value.name.text] != nil {
                    report(.duplicateDeclaration(value.name.text), value.name.range)
                    return
                }
                switch value.kind {
                case .param:
                    valueIndex[value.name.text] = (.param, parameters.count)
                    parameters.append((value, item.file))
                case .let:
                    valueIndex[value.name.text] = (.let, lets.count)
                    lets.append((value, item.file))
                }
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
        for (index, entry) in parameters.enumerated() {
            guard let typed = typedParameters[index] else { return nil }
            checkedParameters.append(CheckedValue(name: entry.declaration.name.text, expression: typed,
                                                  provenance: entry.declaration.provenance, range: entry.declaration.range))
        }
        for (index, entry) in lets.enumerated() {
            guard let typed = typedLets[index] else { return nil }
            checkedLets.append(CheckedValue(name: entry.declaration.name.text, expression: typed,
                                            provenance: entry.declaration.provenance, range: entry.declaration.range))
        }
        return (checkedParameters, checkedLets)
    }

    var valueNames: [String] { parameters.map(\.declaration.name.text) + lets.map(\.declaration.name.text) }

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
        let entry = kind == .param ? parameters[index] : lets[index]
        let declaration = entry.declaration
        if let done = kind == .param ? typedParameters[index] : typedLets[index] {
            return done.type.isError ? nil : done.type
        }
        if let start = inProgress.firstIndex(of: declaration.name.text) {
            let cycle = Array(inProgress[start...]) + [declaration.name.text]
            within(entry.file) { report(.cyclicDefinition(cycle), declaration.name.range) }
            return nil
        }
        inProgress.append(declaration.name.text)
        let outer = currentDeclaration
        currentDeclaration = declaration.name.text
        var scope = Scope(kind == .param ? .constant : .household)
        let typed = within(entry.file) { check(declaration.value, &scope) }
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

    func checkRules(_ resolved: ResolvedPolicy) -> Rules? {
        var rules = Rules()
        var names: Set<String> = []
        var monitoredItem: (rule: RuleDeclaration, file: SourceFile)?
        var declaredCategories = 0
        for item in resolved.items {
            guard case .rule(let rule) = item.declaration else { continue }
            if rule.kind == .category { declaredCategories += 1 }
            within(item.file) {
                if rule.kind != .monitored {
                    if names.contains(rule.name.text) { report(.duplicateDeclaration(rule.name.text), rule.name.range) }
                    names.insert(rule.name.text)
                }
                currentDeclaration = rule.name.text
                var scope = Scope(.household)
                guard let conditionExpr = rule.condition else {
                    if !afterSyntaxErrors {
                        report(.missingClause(clause: "when", in: "`\(rule.kind.rawValue) \(rule.name.text)`"), rule.name.range)
                    }
                    return
                }
                let condition = checkCondition(conditionExpr, &scope)
                let checked = CheckedRule(name: rule.name.text, label: rule.label?.value, condition: condition,
                                          provenance: rule.provenance, range: rule.range)
                switch rule.kind {
                case .category: rules.categories.append(checked)
                case .exclude: rules.exclusions.append(checked)
                case .exception:
                    // A second one in the same file is reported by `checkStructure`.
                    rules.exception = rules.exception ?? checked
                case .monitored:
                    monitoredItem = (rule, item.file)
                    rules.monitored = CheckedMonitored(condition: condition, category: nil, categoryOfMember: [], provenance: rule.provenance)
                }
            }
        }
        currentDeclaration = nil
        if declaredCategories == 0, !resolved.items.isEmpty, !afterSyntaxErrors {
            report(.noCategories, resolved.leaf.header?.id.range)
        }
        if let monitoredItem, let current = rules.monitored, let categoryExpr = monitoredItem.rule.categoryExpression {
            rules.monitored = within(monitoredItem.file) { checkMonitoredCategory(categoryExpr, current, categories: rules.categories) }
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

    func checkElimination(_ resolved: ResolvedPolicy) -> [CheckedEliminationCondition] {
        var result: [CheckedEliminationCondition] = []
        var names: Set<String> = []
        for item in resolved.items {
            guard case .eliminate(let elimination) = item.declaration else { continue }
            within(item.file) {
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
        }
        currentDeclaration = nil
        return result
    }
}
