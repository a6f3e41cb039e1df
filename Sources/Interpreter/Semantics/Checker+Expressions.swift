import Lexer

/// Checking expressions: resolving names, choosing operations by operand types,
/// and refusing operands whose types or units disagree.
extension Checker {
    func check(_ expr: Expr, _ scope: inout Scope, expected: ValueType? = nil) -> TypedExpr {
        switch expr.kind {
        case .invalid:
            return .invalid(expr.range)
        case .number(let text, let unit):
            return numberLiteral(text, unit: unit, range: expr.range)
        case .percent(let text):
            guard let value = parseNumber(text, range: expr.range),
                  let fraction = try? value.dividing(by: Rational(100)) else { return .invalid(expr.range) }
            return TypedExpr(.constant(.number(fraction)), .number(.none), expr.range)
        case .string(let text):
            return TypedExpr(.constant(.text(text)), .text, expr.range)
        case .date(let text):
            guard let date = CivilDate.parse(text) else {
                report(.invalidLiteral(kind: "date", text: text), expr.range)
                return .invalid(expr.range)
            }
            return TypedExpr(.constant(.date(date)), .date, expr.range)
        case .bool(let value):
            return TypedExpr(.constant(.bool(value)), .bool, expr.range)
        case .name(let name):
            return resolve(name, &scope, expected: expected)
        case .member(let base, let field):
            return member(base, field, &scope, range: expr.range)
        case .unary(let op, let operand):
            return unary(op, operand, &scope, range: expr.range)
        case .binary(let op, let left, let right):
            return binary(op, left, right, &scope, range: expr.range)
        case .conditional(let condition, let thenBranch, let elseBranch):
            let typedCondition = checkCondition(condition, &scope)
            let (a, b) = checkPair(thenBranch, elseBranch, &scope, expected: expected)
            guard let type = agreeingType(a, b, operation: nil, range: expr.range) else { return .invalid(expr.range) }
            return TypedExpr(.conditional(typedCondition, adopt(a, type), adopt(b, type)), type, expr.range)
        case .otherwise(let value, let fallback):
            let (a, b) = checkPair(value, fallback, &scope, expected: expected)
            guard let type = agreeingType(a, b, operation: "otherwise", range: expr.range) else { return .invalid(expr.range) }
            return TypedExpr(.otherwise(adopt(a, type), adopt(b, type)), type, expr.range,
                             isBareNumber: a.isBareNumber && b.isBareNumber)
        case .call(let name, let arguments):
            return call(name, arguments, &scope, range: expr.range)
        case .quantifier(let kind, let variable, let list, let filter, let body):
            return quantifier(kind, variable, list, filter, body, &scope, range: expr.range)
        case .list(let elements):
            return listLiteral(elements, &scope, expected: expected, range: expr.range)
        }
    }

    /// Checks a condition: it must be true or false.
    func checkCondition(_ expr: Expr, _ scope: inout Scope) -> TypedExpr {
        let typed = check(expr, &scope, expected: .bool)
        if typed.type != .bool, !typed.type.isError {
            report(.conditionNotBoolean(found: schema.describe(typed.type)), expr.range)
            return .invalid(expr.range)
        }
        return typed
    }

    // MARK: - Literals

    func parseNumber(_ text: String, range: SourceRange) -> Rational? {
        switch Rational.parse(text) {
        case .success(let value): return value
        case .failure:
            report(.overflowInConstant, range)
            return nil
        }
    }

    func numberLiteral(_ text: String, unit: UnitSyntax?, range: SourceRange) -> TypedExpr {
        guard let value = parseNumber(text, range: range) else { return .invalid(range) }
        guard let unit else {
            return TypedExpr(.constant(.number(value)), .number(.none), range, isBareNumber: true)
        }
        guard let meaning = interpretUnit(unit) else { return .invalid(range) }
        switch meaning {
        case .quantity(let dimension, let factor):
            guard let scaled = try? value.multiplying(by: factor) else {
                report(.overflowInConstant, range)
                return .invalid(range)
            }
            return TypedExpr(.constant(.number(scaled)), .number(dimension), range)
        case .duration(let durationUnit, let factor):
            if durationUnit == .workingDays { usesWorkingDays.append((file, range)) }
            guard value.isInteger, let whole = value.integerValue,
                  case (let product, false) = whole.multipliedReportingOverflow(by: factor) else {
                report(.invalidLiteral(kind: "duration (a whole number of \(durationUnit.rawValue))", text: text), range)
                return .invalid(range)
            }
            return TypedExpr(.constant(.duration(product)), .duration(durationUnit), range)
        }
    }

    enum UnitMeaning {
        case quantity(Unit, factor: Rational)
        case duration(DurationUnit, factor: Int64)
    }

    /// `yuan/person/year` is a quantity; `months` or `working days` alone is a
    /// duration. A month under the line counts as a twelfth of a year.
    func interpretUnit(_ unit: UnitSyntax) -> UnitMeaning? {
        var words: [UnitWord] = []
        for word in unit.words {
            let text = word.text.hasPrefix("working ") ? "工作日" : word.text
            guard let known = UnitWord.lookup(text) else {
                report(.unknownUnit(word.text), word.range)
                return nil
            }
            words.append(known)
        }
        guard let first = words.first else { return nil }
        let timeWords: Set<UnitWord> = [.year, .month, .day, .workingDay, .week]
        if timeWords.contains(first) {
            guard words.count == 1 else {
                report(.unknownUnit(unit.words.map(\.text).joined(separator: "/")), unit.range)
                return nil
            }
            switch first {
            case .year: return .duration(.months, factor: 12)
            case .month: return .duration(.months, factor: 1)
            case .day: return .duration(.days, factor: 1)
            case .week: return .duration(.days, factor: 7)
            default: return .duration(.workingDays, factor: 1)
            }
        }
        var dimension = first == .yuan ? Unit.yuan : Unit.person
        var factor = Rational(1)
        for (index, word) in words.enumerated().dropFirst() {
            switch word {
            case .yuan: dimension = dimension / .yuan
            case .person: dimension = dimension / .person
            case .year: dimension = dimension / Unit(year: 1)
            case .month:
                dimension = dimension / Unit(year: 1)
                factor = (try? factor.multiplying(by: Rational(12))) ?? factor
            default:
                report(.unknownUnit(unit.words[index].text), unit.words[index].range)
                return nil
            }
        }
        return .quantity(dimension, factor: factor)
    }

    func listLiteral(_ elements: [Expr], _ scope: inout Scope, expected: ValueType?, range: SourceRange) -> TypedExpr {
        let expectedElement = expected?.elementType
        var typed: [TypedExpr] = []
        // Check resolvable elements first, so `[lost, none]` can learn its enumeration from a neighbour.
        var elementType = expectedElement
        for element in elements where elementType == nil && !isUnresolvedName(element, scope) {
            let first = check(element, &scope)
            if !first.type.isError { elementType = first.type }
        }
        for element in elements {
            let item = check(element, &scope, expected: elementType)
            if let current = elementType, !item.type.isError, !current.isError {
                if item.type != current {
                    if let adopted = adoptedType(item, current) {
                        typed.append(adopt(item, adopted))
                        continue
                    }
                    report(.mixedList(first: schema.describe(current), other: schema.describe(item.type)), element.range)
                    return .invalid(range)
                }
            } else if elementType == nil, !item.type.isError {
                elementType = item.type
            }
            typed.append(item)
        }
        let type = ValueType.list(elementType ?? .error)
        return TypedExpr(.list(typed), type, range)
    }

    // MARK: - Names

    func isUnresolvedName(_ expr: Expr, _ scope: Scope) -> Bool {
        guard case .name(let name) = expr.kind else { return false }
        return !canResolve(name.text, scope)
    }

    func canResolve(_ name: String, _ scope: Scope) -> Bool {
        if scope.variable(named: name) != nil { return true }
        if let record = scope.currentRecord, schema.records[record].slot(of: name) != nil { return true }
        if hasValue(named: name) { return true }
        if schema.rootRecord.slot(of: name) != nil { return true }
        return name == "today"
    }

    func resolve(_ name: Name, _ scope: inout Scope, expected: ValueType?) -> TypedExpr {
        let range = name.range
        if let variable = scope.variable(named: name.text) {
            return TypedExpr(.path(.variable(variable.depth), []), variable.type, range)
        }
        if let record = scope.currentRecord, let field = schema.records[record].field(named: name.text) {
            return TypedExpr(.path(.current, [PathStep(slot: field.slot, name: field.name)]), field.type, range)
        }
        if let value = resolveValue(name, scope) {
            return value
        }
        if let field = schema.rootRecord.field(named: name.text) {
            guard scope.allowsHousehold else {
                report(.parameterNotConstant(currentDeclaration ?? name.text), range)
                return .invalid(range)
            }
            return TypedExpr(.path(.root, [PathStep(slot: field.slot, name: field.name)]), field.type, range)
        }
        if name.text == "today" {
            guard scope.allowsHousehold else {
                report(.parameterNotConstant(currentDeclaration ?? name.text), range)
                return .invalid(range)
            }
            return TypedExpr(.today, .date, range)
        }
        if case .enumeration(let index)? = expected {
            let enumeration = schema.enumerations[index]
            if let member = enumeration.index(of: name.text) {
                return TypedExpr(.constant(.enumeration(member)), .enumeration(index), range)
            }
            let names = enumeration.members.map(\.name)
            report(.unknownEnumMember(member: name.text, enumeration: enumeration.name,
                                      suggestion: Suggestion.closest(to: name.text, among: names), available: names), range)
            return .invalid(range)
        }
        if brokenNames.contains(name.text) { return .invalid(range) }
        var candidates = scope.variables.map(\.name) + valueNames + schema.rootRecord.fields.map(\.name) + ["today"]
        if let record = scope.currentRecord { candidates += schema.records[record].fields.map(\.name) }
        report(.unknownName(name.text, suggestion: Suggestion.closest(to: name.text, among: candidates)), range)
        return .invalid(range)
    }

    func member(_ baseExpr: Expr, _ field: Name, _ scope: inout Scope, range: SourceRange) -> TypedExpr {
        let base = check(baseExpr, &scope)
        if base.type.isError { return .invalid(range) }
        guard case .record(let recordIndex) = base.type else {
            report(.notARecord(found: schema.describe(base.type), field: field.text), field.range)
            return .invalid(range)
        }
        let record = schema.records[recordIndex]
        guard let found = record.field(named: field.text) else {
            let names = record.fields.map(\.name)
            report(.unknownField(field: field.text, in: describePath(baseExpr) ?? record.name,
                                 suggestion: Suggestion.closest(to: field.text, among: names), available: names), field.range)
            return .invalid(range)
        }
        let step = PathStep(slot: found.slot, name: found.name)
        if case .path(let start, let steps) = base.kind {
            return TypedExpr(.path(start, steps + [step]), found.type, range)
        }
        return TypedExpr(.member(base, step), found.type, range)
    }

    /// `income.wage` for a path written in the source, for messages.
    func describePath(_ expr: Expr) -> String? {
        switch expr.kind {
        case .name(let name): return name.text
        case .member(let base, let field): return describePath(base).map { "\($0).\(field.text)" }
        default: return nil
        }
    }

    // MARK: - Operators

    func unary(_ op: UnaryOperator, _ operandExpr: Expr, _ scope: inout Scope, range: SourceRange) -> TypedExpr {
        switch op {
        case .not:
            let operand = checkCondition(operandExpr, &scope)
            if case .constant(.bool(let value)) = operand.kind {
                return TypedExpr(.constant(.bool(!value)), .bool, range)
            }
            return TypedExpr(.unary(.not, operand), .bool, range)
        case .negate:
            let operand = check(operandExpr, &scope)
            switch operand.type {
            case .error:
                return .invalid(range)
            case .number:
                if case .constant(.number(let value)) = operand.kind, let negated = try? value.negated() {
                    return TypedExpr(.constant(.number(negated)), operand.type, range, isBareNumber: operand.isBareNumber)
                }
                return TypedExpr(.unary(.negateNumber, operand), operand.type, range)
            case .duration:
                if case .constant(.duration(let value)) = operand.kind, value != Int64.min {
                    return TypedExpr(.constant(.duration(-value)), operand.type, range)
                }
                return TypedExpr(.unary(.negateDuration, operand), operand.type, range)
            default:
                report(.operandMismatch(operation: "-", left: schema.describe(operand.type), right: "nothing"), range)
                return .invalid(range)
            }
        }
    }

    func binary(_ op: BinaryOperator, _ leftExpr: Expr, _ rightExpr: Expr, _ scope: inout Scope, range: SourceRange) -> TypedExpr {
        switch op {
        case .and, .or:
            let left = checkCondition(leftExpr, &scope)
            let right = checkCondition(rightExpr, &scope)
            return TypedExpr(.binary(op == .and ? .and : .or, left, right), .bool, range)
        case .in, .notIn:
            return membership(op, leftExpr, rightExpr, &scope, range: range)
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual:
            return comparison(op, leftExpr, rightExpr, &scope, range: range)
        case .add, .subtract, .multiply, .divide:
            return arithmetic(op, leftExpr, rightExpr, &scope, range: range)
        }
    }

    /// Checks two operands that must agree; a bare enumeration member on either
    /// side learns its enumeration from the other.
    func checkPair(_ leftExpr: Expr, _ rightExpr: Expr, _ scope: inout Scope, expected: ValueType? = nil) -> (TypedExpr, TypedExpr) {
        if isUnresolvedName(leftExpr, scope), !isUnresolvedName(rightExpr, scope) {
            let right = check(rightExpr, &scope, expected: expected)
            let left = check(leftExpr, &scope, expected: right.type.isError ? expected : right.type)
            return (left, right)
        }
        let left = check(leftExpr, &scope, expected: expected)
        let right = check(rightExpr, &scope, expected: left.type.isError ? expected : left.type)
        return (left, right)
    }

    /// The one type two operands share, letting a bare number take the other's unit.
    func agreeingType(_ a: TypedExpr, _ b: TypedExpr, operation: String?, range: SourceRange) -> ValueType? {
        if a.type.isError || b.type.isError { return nil }
        if a.type == b.type { return a.type }
        if let type = adoptedType(a, b.type) ?? adoptedType(b, a.type) { return type }
        if case .list(.error) = a.type, case .list = b.type { return b.type }
        if case .list(.error) = b.type, case .list = a.type { return a.type }
        let left = schema.describe(a.type), right = schema.describe(b.type)
        if case .number = a.type, case .number = b.type {
            report(.unitMismatch(operation: operation ?? "if", left: left, right: right), range)
        } else if let operation {
            report(.operandMismatch(operation: operation, left: left, right: right), range)
        } else {
            report(.branchMismatch(then: left, else: right), range)
        }
        return nil
    }

    /// The type a bare number takes next to an operand of `type`, if it can.
    func adoptedType(_ expr: TypedExpr, _ type: ValueType) -> ValueType? {
        guard expr.isBareNumber else { return nil }
        switch type {
        case .number: return type
        case .duration:
            if case .constant(.number(let value)) = expr.kind, value.isInteger { return type }
            return nil
        default: return nil
        }
    }

    /// Rewrites a bare number to `type`.
    func adopt(_ expr: TypedExpr, _ type: ValueType) -> TypedExpr {
        guard expr.isBareNumber, expr.type != type else { return expr }
        switch (expr.kind, type) {
        case (.constant(.number(let value)), .number):
            return TypedExpr(.constant(.number(value)), type, expr.range)
        case (.constant(.number(let value)), .duration):
            if let whole = value.integerValue { return TypedExpr(.constant(.duration(whole)), type, expr.range) }
            return expr
        case (.otherwise(let a, let b), _):
            return TypedExpr(.otherwise(adopt(a, type), adopt(b, type)), type, expr.range)
        default:
            return expr
        }
    }

    func comparison(_ op: BinaryOperator, _ leftExpr: Expr, _ rightExpr: Expr, _ scope: inout Scope, range: SourceRange) -> TypedExpr {
        let (left, right) = checkPair(leftExpr, rightExpr, &scope)
        guard let type = agreeingType(left, right, operation: op.rawValue, range: range) else { return .invalid(range) }
        let ordered: Bool
        switch type {
        case .number, .duration, .date: ordered = true
        default: ordered = false
        }
        let isEquality = op == .equal || op == .notEqual
        let equatable: Bool
        switch type {
        case .record, .list, .error: equatable = false
        default: equatable = true
        }
        if (isEquality && !equatable) || (!isEquality && !ordered) {
            report(.operandMismatch(operation: op.rawValue, left: schema.describe(left.type), right: schema.describe(right.type)), range)
            return .invalid(range)
        }
        let typedOp: TypedBinary
        switch op {
        case .equal: typedOp = .equal
        case .notEqual: typedOp = .notEqual
        case .less: typedOp = .less
        case .lessEqual: typedOp = .lessEqual
        case .greater: typedOp = .greater
        default: typedOp = .greaterEqual
        }
        return TypedExpr(.binary(typedOp, adopt(left, type), adopt(right, type)), .bool, range)
    }

    func membership(_ op: BinaryOperator, _ leftExpr: Expr, _ rightExpr: Expr, _ scope: inout Scope, range: SourceRange) -> TypedExpr {
        // A bare enumeration member on the left (`illness in risks`) takes
        // its enumeration from the list, so the list is checked first.
        var left: TypedExpr
        let right: TypedExpr
        if isUnresolvedName(leftExpr, scope) {
            right = check(rightExpr, &scope)
            if let element = right.type.elementType, !element.isError {
                left = check(leftExpr, &scope, expected: element)
            } else {
                left = check(leftExpr, &scope)
            }
        } else {
            left = check(leftExpr, &scope)
            right = check(rightExpr, &scope, expected: .list(left.type))
        }
        if left.type.isError || right.type.isError { return .invalid(range) }
        guard case .list(let element) = right.type else {
            report(.notAList(found: schema.describe(right.type)), rightExpr.range)
            return .invalid(range)
        }
        if element != left.type && !element.isError {
            guard let type = adoptedType(left, element) else {
                report(.operandMismatch(operation: op.rawValue, left: schema.describe(left.type), right: schema.describe(right.type)), range)
                return .invalid(range)
            }
            left = adopt(left, type)
        }
        return TypedExpr(.binary(op == .in ? .in : .notIn, left, right), .bool, range)
    }

    func arithmetic(_ op: BinaryOperator, _ leftExpr: Expr, _ rightExpr: Expr, _ scope: inout Scope, range: SourceRange) -> TypedExpr {
        var left = check(leftExpr, &scope)
        var right = check(rightExpr, &scope)
        if left.type.isError || right.type.isError { return .invalid(range) }
        let mismatch = {
            self.report(.operandMismatch(operation: op.rawValue, left: self.schema.describe(left.type),
                                         right: self.schema.describe(right.type)), range)
            return TypedExpr.invalid(range)
        }
        switch (op, left.type, right.type) {
        case (.add, .number, .number), (.subtract, .number, .number):
            guard let type = agreeingType(left, right, operation: op.rawValue, range: range) else { return .invalid(range) }
            left = adopt(left, type)
            right = adopt(right, type)
            return fold(TypedExpr(.binary(op == .add ? .addNumbers : .subtractNumbers, left, right), type, range,
                                  isBareNumber: left.isBareNumber && right.isBareNumber))
        case (.multiply, .number(let a), .number(let b)):
            return fold(TypedExpr(.binary(.multiplyNumbers, left, right), .number(a * b), range,
                                  isBareNumber: left.isBareNumber && right.isBareNumber))
        case (.divide, .number(let a), .number(let b)):
            return fold(TypedExpr(.binary(.divideNumbers, left, right), .number(a / b), range,
                                  isBareNumber: left.isBareNumber && right.isBareNumber))
        case (.add, .date, .duration(let unit)), (.subtract, .date, .duration(let unit)):
            if unit == .workingDays { usesWorkingDays.append((file, right.range)) }
            return TypedExpr(.binary(op == .add ? .addToDate : .subtractFromDate, left, right), .date, range)
        case (.add, .duration(let unit), .date):
            if unit == .workingDays { usesWorkingDays.append((file, left.range)) }
            return TypedExpr(.binary(.addToDate, right, left), .date, range)
        case (.add, .duration, .duration), (.subtract, .duration, .duration),
             (.add, .duration, .number), (.subtract, .duration, .number),
             (.add, .number, .duration), (.subtract, .number, .duration):
            guard let type = agreeingType(left, right, operation: op.rawValue, range: range) else { return .invalid(range) }
            return TypedExpr(.binary(op == .add ? .addDurations : .subtractDurations, adopt(left, type), adopt(right, type)), type, range)
        case (.multiply, .duration, .number(let unit)) where unit.isNone:
            return TypedExpr(.binary(.scaleDuration, left, right), left.type, range)
        case (.multiply, .number(let unit), .duration) where unit.isNone:
            return TypedExpr(.binary(.scaleDuration, right, left), right.type, range)
        case (.subtract, .date, .date):
            report(.operandMismatch(operation: "-", left: "date", right: "date"), range)
            return .invalid(range)
        default:
            if case .number = left.type, case .number = right.type {
                return mismatch()
            }
            return mismatch()
        }
    }

    /// Computes an operation on two constants at check time (so a parameter such
    /// as `6000 yuan * 2` is one number) and reports overflow here, not later.
    func fold(_ expr: TypedExpr) -> TypedExpr {
        guard case .binary(let op, let left, let right) = expr.kind,
              case .constant(.number(let a)) = left.kind, case .constant(.number(let b)) = right.kind else { return expr }
        let result: Rational?
        switch op {
        case .addNumbers: result = try? a.adding(b)
        case .subtractNumbers: result = try? a.subtracting(b)
        case .multiplyNumbers: result = try? a.multiplying(by: b)
        case .divideNumbers: result = try? a.dividing(by: b)
        default: return expr
        }
        guard let result else {
            report(.overflowInConstant, expr.range)
            return .invalid(expr.range)
        }
        return TypedExpr(.constant(.number(result)), expr.type, expr.range, isBareNumber: expr.isBareNumber)
    }

    // MARK: - Calls

    func call(_ name: Name, _ argumentExprs: [Expr], _ scope: inout Scope, range: SourceRange) -> TypedExpr {
        guard let builtin = Builtin(rawValue: name.text) else {
            let names = Builtin.allCases.map(\.rawValue) + QuantifierKind.allCases.map(\.rawValue)
            report(.unknownFunction(name.text, suggestion: Suggestion.closest(to: name.text, among: names)), name.range)
            return .invalid(range)
        }
        var arguments = argumentExprs.map { check($0, &scope) }
        if arguments.contains(where: { $0.type.isError }) { return .invalid(range) }
        func requireCount(_ expected: ClosedRange<Int>, _ text: String) -> Bool {
            if expected.contains(arguments.count) { return true }
            report(.argumentCount(function: name.text, expected: text, found: arguments.count), range)
            return false
        }
        func wrong(_ expected: String, _ index: Int) -> TypedExpr {
            report(.argumentMismatch(function: name.text, expected: expected, found: schema.describe(arguments[index].type)),
                   arguments[index].range)
            return .invalid(range)
        }
        switch builtin {
        case .round, .floor, .ceil, .abs:
            let takesPlaces = builtin == .round
            guard requireCount(takesPlaces ? 1...2 : 1...1, takesPlaces ? "a number and the decimal places" : "one number") else {
                return .invalid(range)
            }
            guard case .number = arguments[0].type else { return wrong("a number", 0) }
            if arguments.count == 2 {
                guard case .constant(.number(let places)) = arguments[1].kind, places.isInteger,
                      let whole = places.integerValue, (0...12).contains(whole) else {
                    return wrong("a whole number of decimal places from 0 to 12", 1)
                }
            }
            return TypedExpr(.call(builtin, arguments), arguments[0].type, range, isBareNumber: arguments[0].isBareNumber)
        case .min, .max:
            guard requireCount(2...64, "two or more values (or a list: `\(name.text)(x in list: value)`)") else { return .invalid(range) }
            var type = arguments[0].type
            for index in arguments.indices.dropFirst() {
                guard let agreed = agreeingType(TypedExpr(.invalid, type, arguments[0].range, isBareNumber: arguments[0].isBareNumber),
                                                arguments[index], operation: name.text, range: range) else { return .invalid(range) }
                type = agreed
            }
            switch type {
            case .number, .duration, .date: break
            default: return wrong("numbers, durations or dates", 0)
            }
            arguments = arguments.map { adopt($0, type) }
            return TypedExpr(.call(builtin, arguments), type, range)
        case .monthsBetween, .daysBetween, .yearsBetween, .workingDaysBetween:
            guard requireCount(2...2, "two dates") else { return .invalid(range) }
            for index in 0..<2 where arguments[index].type != .date { return wrong("a date", index) }
            let unit: DurationUnit
            switch builtin {
            case .daysBetween: unit = .days
            case .workingDaysBetween:
                unit = .workingDays
                usesWorkingDays.append((file, range))
            default: unit = .months
            }
            return TypedExpr(.call(builtin, arguments), .duration(unit), range)
        case .startOfMonth, .endOfMonth, .startOfYear:
            guard requireCount(1...1, "one date") else { return .invalid(range) }
            guard arguments[0].type == .date else { return wrong("a date", 0) }
            return TypedExpr(.call(builtin, arguments), .date, range)
        case .year, .month, .day:
            guard requireCount(1...1, "one date") else { return .invalid(range) }
            guard arguments[0].type == .date else { return wrong("a date", 0) }
            return TypedExpr(.call(builtin, arguments), .number(.none), range)
        case .empty, .count:
            guard requireCount(1...1, "one list") else { return .invalid(range) }
            guard case .list(let element) = arguments[0].type else { return wrong("a list", 0) }
            if builtin == .empty { return TypedExpr(.call(builtin, arguments), .bool, range) }
            return TypedExpr(.call(builtin, arguments), .number(countUnit(of: element)), range)
        case .known:
            guard requireCount(1...1, "one value") else { return .invalid(range) }
            return TypedExpr(.call(builtin, arguments), .bool, range)
        case .residentIDValid, .residentIDBirthDate:
            guard requireCount(1...1, "one resident ID number") else { return .invalid(range) }
            guard arguments[0].type == .text else { return wrong("text", 0) }
            return TypedExpr(.call(builtin, arguments), builtin == .residentIDValid ? .bool : .date, range)
        }
    }

    /// A count of members is a number of persons; a count of anything else is a plain number.
    func countUnit(of element: ValueType) -> Unit {
        if case .record(let index) = element { return schema.records[index].unit }
        return .none
    }

    // MARK: - Quantifiers

    func quantifier(_ kind: QuantifierKind, _ variable: Name, _ listExpr: Expr, _ filterExpr: Expr?, _ bodyExpr: Expr?,
                    _ scope: inout Scope, range: SourceRange) -> TypedExpr {
        let list = check(listExpr, &scope)
        if list.type.isError { return .invalid(range) }
        guard case .list(let element) = list.type else {
            report(.notAList(found: schema.describe(list.type)), listExpr.range)
            return .invalid(range)
        }
        scope.variables.append((variable.text, element))
        defer { scope.variables.removeLast() }
        let depth = scope.variables.count - 1
        let filter = filterExpr.map { checkCondition($0, &scope) }
        switch kind {
        case .any, .all, .count:
            var body = bodyExpr.map { checkCondition($0, &scope) }
            if body == nil, filter == nil, kind != .count {
                report(.quantifierBody(kind: kind.rawValue, problem: .needsCondition(variable: variable.text)), range)
                return .invalid(range)
            }
            if kind == .count, body != nil, filter != nil {
                report(.quantifierBody(kind: kind.rawValue, problem: .whereAndColon), range)
                return .invalid(range)
            }
            // With one condition only, it is the condition; `where` filters only when both are given.
            var narrowing = filter
            if body == nil || kind == .count {
                body = body ?? filter
                narrowing = nil
            }
            let type: ValueType = kind == .count ? .number(countUnit(of: element)) : .bool
            return TypedExpr(.quantifier(kind, variable: depth, list: list, filter: narrowing, body: body), type, range)
        case .sum, .min, .max:
            guard let bodyExpr else {
                report(.quantifierBody(kind: kind.rawValue, problem: .needsValue(variable: variable.text)), range)
                return .invalid(range)
            }
            let body = check(bodyExpr, &scope)
            if body.type.isError { return .invalid(range) }
            switch body.type {
            case .number, .duration: break
            case .date where kind != .sum: break
            default:
                report(.quantifierBody(kind: kind.rawValue, problem: .needsNumbers(found: schema.describe(body.type))), bodyExpr.range)
                return .invalid(range)
            }
            return TypedExpr(.quantifier(kind, variable: depth, list: list, filter: filter, body: body), body.type, range)
        }
    }
}
