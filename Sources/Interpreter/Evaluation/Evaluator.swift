/// Evaluates plan nodes against one household, in three-valued logic: a value
/// the record does not give is `unknown`, and an answer that depends on it is
/// `unknown` too, carrying the paths of what is missing. Evaluation always
/// ends: plans have no loops but walks over the record's own lists, and no
/// recursion but the nesting of the policy text.
public struct Evaluator: Sendable {
    let plan: Plan?
    let schema: Schema
    /// The language of the messages and warnings it writes.
    public var language: Language = .en

    public init(plan: Plan) {
        self.plan = plan
        self.schema = plan.schema
    }

    /// An evaluator for constants only (parameters), before a plan exists.
    init(constantsOf schema: Schema) {
        self.plan = nil
        self.schema = schema
    }

    /// The state of one household's evaluation.
    struct Frame {
        let root: RecordValue
        let today: CivilDate
        var current: RecordValue?
        var currentPath = RecordPath()
        var variables: [Binding]
        var derived: [Value?]
    }

    /// Where a record sits in the household, for messages: `members[2]`. Kept
    /// in parts and written out only when a message needs it.
    struct RecordPath {
        var base = ""
        var index: Int?

        var text: String { index.map { "\(base)[\($0)]" } ?? base }

        /// `members[2].labour`, or the name alone at the household's top.
        func joined(_ name: String) -> String {
            let text = self.text
            return text.isEmpty ? name : (name.isEmpty ? text : "\(text).\(name)")
        }
    }

    /// A quantifier's variable: the element, and where it sits for messages.
    struct Binding {
        var value: Value = .absent
        var listPath = ""
        var index = 0

        var path: String { "\(listPath)[\(index)]" }
    }

    func constant(_ node: PlanNode) throws(EvaluationError) -> Value {
        var frame = Frame(root: RecordValue(fields: []), today: CivilDate.epoch, variables: [], derived: [])
        return try value(node, &frame)
    }

    func makeFrame(_ household: RecordValue, today: CivilDate) -> Frame {
        Frame(root: household, today: today,
              variables: Array(repeating: Binding(), count: plan?.maxVariables ?? 1),
              derived: Array(repeating: nil, count: plan?.derived.count ?? 0))
    }

    // MARK: - Nodes

    func value(_ node: PlanNode, _ frame: inout Frame) throws(EvaluationError) -> Value {
        switch node {
        case .constant(let value):
            return value
        case .today:
            return .date(frame.today)
        case .derived(let index):
            if let cached = frame.derived[index] { return cached }
            guard let plan else { return .absent }
            let computed: Value
            do {
                computed = try value(plan.derived[index].node, &frame)
            } catch {
                throw error.at(plan.derived[index].name)
            }
            frame.derived[index] = computed
            return computed
        case .rootPath(let slots, let path):
            return follow(.record(frame.root), slots, path: path)
        case .currentPath(let slots, let path):
            guard let current = frame.current else { return .absent }
            return follow(.record(current), slots, path: frame.currentPath.joined(path))
        case .variablePath(let depth, let slots, let suffix):
            guard depth < frame.variables.count else { return .absent }
            let binding = frame.variables[depth]
            if slots.isEmpty {
                if case .unknown(let missing) = binding.value, missing.isEmpty { return .unknown(Missing(path: binding.path)) }
                return binding.value
            }
            return follow(binding.value, slots, path: binding.path + suffix)
        case .member(let base, let slot, let name):
            let record = try value(base, &frame)
            return follow(record, [slot], path: name)
        case .not(let operand):
            switch try value(operand, &frame) {
            case .bool(let truth): return .bool(!truth)
            case let other: return other
            }
        case .negateNumber(let operand):
            let inner = try value(operand, &frame)
            guard case .number(let number) = inner else { return inner }
            do { return .number(try number.negated()) } catch { throw EvaluationError(.overflow) }
        case .negateDuration(let operand):
            let inner = try value(operand, &frame)
            guard case .duration(let amount) = inner else { return inner }
            guard amount != Int64.min else { throw EvaluationError(.overflow) }
            return .duration(-amount)
        case .and(let left, let right):
            let a = try value(left, &frame)
            if case .bool(false) = a { return a }
            let b = try value(right, &frame)
            if case .bool(false) = b { return b }
            return Evaluator.combineUnknown(a, b) ?? .bool(true)
        case .or(let left, let right):
            let a = try value(left, &frame)
            if case .bool(true) = a { return a }
            let b = try value(right, &frame)
            if case .bool(true) = b { return b }
            return Evaluator.combineUnknown(a, b) ?? .bool(false)
        case .compare(let op, let left, let right):
            let a = try value(left, &frame)
            let b = try value(right, &frame)
            if let unknown = Evaluator.combineUnknown(a, b) { return unknown }
            return .bool(Evaluator.compare(op, a, b))
        case .contains(let elementNode, let listNode, let negated):
            let element = try value(elementNode, &frame)
            let list = try value(listNode, &frame)
            if let unknown = Evaluator.combineUnknown(element, list) { return unknown }
            guard case .list(let items) = list else { return .absent }
            let found = items.contains(element)
            return .bool(found != negated)
        case .arithmetic(let op, let left, let right):
            let a = try value(left, &frame)
            let b = try value(right, &frame)
            if let unknown = Evaluator.combineUnknown(a, b) { return unknown }
            guard case .number(let x) = a, case .number(let y) = b else { return .absent }
            return .number(try Evaluator.arithmetic(op, x, y))
        case .shiftDate(let dateNode, let amountNode, let unit, let negative):
            let a = try value(dateNode, &frame)
            let b = try value(amountNode, &frame)
            if let unknown = Evaluator.combineUnknown(a, b) { return unknown }
            guard case .date(let date) = a, case .duration(var amount) = b else { return .absent }
            if negative {
                guard amount != Int64.min else { throw EvaluationError(.dateOutOfRange) }
                amount = -amount
            }
            return .date(try shift(date, by: Duration(amount: amount, unit: unit)))
        case .durationArithmetic(let subtract, let left, let right):
            let a = try value(left, &frame)
            let b = try value(right, &frame)
            if let unknown = Evaluator.combineUnknown(a, b) { return unknown }
            guard case .duration(let x) = a, case .duration(let y) = b else { return .absent }
            let (result, overflow) = subtract ? x.subtractingReportingOverflow(y) : x.addingReportingOverflow(y)
            if overflow { throw EvaluationError(.overflow) }
            return .duration(result)
        case .scaleDuration(let durationNode, let factorNode):
            let a = try value(durationNode, &frame)
            let b = try value(factorNode, &frame)
            if let unknown = Evaluator.combineUnknown(a, b) { return unknown }
            guard case .duration(let amount) = a, case .number(let factor) = b else { return .absent }
            do {
                let product = try Rational(amount).multiplying(by: factor).rounded(places: 0, mode: .down)
                guard let whole = product.integerValue else { throw EvaluationError(.overflow) }
                return .duration(whole)
            } catch {
                throw EvaluationError(.overflow)
            }
        case .conditional(let condition, let thenNode, let elseNode):
            switch try value(condition, &frame) {
            case .bool(true): return try value(thenNode, &frame)
            case .bool(false): return try value(elseNode, &frame)
            case let other: return other
            }
        case .otherwise(let primary, let fallback):
            let first = try value(primary, &frame)
            return first.isUnknown ? try value(fallback, &frame) : first
        case .call(let builtin, let arguments):
            return try call(builtin, arguments, &frame)
        case .quantifier(let kind, let depth, let listNode, let filter, let body, let zero):
            return try quantify(kind, depth: depth, listNode, filter, body, zero: zero, &frame)
        case .list(let elements):
            var values: [Value] = []
            values.reserveCapacity(elements.count)
            for element in elements { values.append(try value(element, &frame)) }
            return .list(values)
        }
    }

    /// A date moved by a duration; working days are counted on the policy's calendar.
    func shift(_ date: CivilDate, by duration: Duration) throws(EvaluationError) -> CivilDate {
        if let shifted = try Self.shift(date, byDaysOrMonths: duration) { return shifted }
        guard let offset = Int(exactly: duration.amount) else { throw EvaluationError(.dateOutOfRange) }
        guard let calendar = plan?.calendar else { throw EvaluationError(.notInCalendar(date, calendar: "?")) }
        guard let counted = calendar.adding(workingDays: offset, to: date) else {
            throw EvaluationError(.notInCalendar(Evaluator.firstUncovered(from: date, offset, calendar), calendar: calendar.id))
        }
        return counted
    }

    /// `shift` for days and months, which need no calendar; nil for working days.
    static func shift(_ date: CivilDate, byDaysOrMonths duration: Duration) throws(EvaluationError) -> CivilDate? {
        let shifted: CivilDate?
        switch duration.unit {
        case .workingDays: return nil
        case .days, .months:
            guard let offset = Int(exactly: duration.amount) else { throw EvaluationError(.dateOutOfRange) }
            shifted = duration.unit == .days ? date.adding(days: offset) : date.adding(months: offset)
        }
        guard let shifted else { throw EvaluationError(.dateOutOfRange) }
        return shifted
    }

    /// The first day a working-day walk from `date` reaches that the calendar does not cover.
    static func firstUncovered(from date: CivilDate, _ offset: Int, _ calendar: WorkingCalendar) -> CivilDate {
        var day = date
        for _ in 0..<4000 {
            guard let next = day.adding(days: offset < 0 ? -1 : 1) else { return day }
            if !calendar.covers(next) { return next }
            day = next
        }
        return day
    }

    /// Reads a chain of slots; an absent field (or an absent record on the way)
    /// becomes unknown, naming the whole path.
    /// The value at `slots` from `start`; `path` (written only when the value
    /// is unknown, to name what is missing) is where it is in the record.
    func follow(_ start: Value, _ slots: [Int], path: @autoclosure () -> String) -> Value {
        var current = start
        for slot in slots {
            guard case .record(let record) = current else {
                if case .unknown(let missing) = current, !missing.isEmpty { return current }
                return .unknown(Missing(path: path()))
            }
            current = record[slot]
        }
        if case .unknown(let missing) = current, missing.isEmpty { return .unknown(Missing(path: path())) }
        return current
    }

    /// Unknown if either operand is, with the missing paths of both; nil when both are known.
    static func combineUnknown(_ a: Value, _ b: Value) -> Value? {
        switch (a, b) {
        case (.unknown(let x), .unknown(let y)): return .unknown(x.union(y))
        case (.unknown, _): return a
        case (_, .unknown): return b
        default: return nil
        }
    }

    static func compare(_ op: ComparisonOperator, _ a: Value, _ b: Value) -> Bool {
        switch op {
        case .equal: return a == b
        case .notEqual: return a != b
        default: break
        }
        switch (a, b) {
        case (.number(let x), .number(let y)): return op.orders(x, y)
        case (.date(let x), .date(let y)): return op.orders(x, y)
        case (.duration(let x), .duration(let y)): return op.orders(x, y)
        default: return false
        }
    }

    static func arithmetic(_ op: ArithmeticOperator, _ x: Rational, _ y: Rational) throws(EvaluationError) -> Rational {
        do {
            switch op {
            case .add: return try x.adding(y)
            case .subtract: return try x.subtracting(y)
            case .multiply: return try x.multiplying(by: y)
            case .divide: return try x.dividing(by: y)
            }
        } catch ArithmeticError.divisionByZero {
            throw EvaluationError(.divisionByZero)
        } catch {
            throw EvaluationError(.overflow)
        }
    }

    // MARK: - Built-in functions

    func call(_ builtin: Builtin, _ arguments: [PlanNode], _ frame: inout Frame) throws(EvaluationError) -> Value {
        var values: [Value] = []
        values.reserveCapacity(arguments.count)
        for argument in arguments { values.append(try value(argument, &frame)) }
        if builtin == .known { return .bool(!(values.first?.isUnknown ?? true)) }
        if builtin == .empty || builtin == .count, case .list(let items)? = values.first {
            return builtin == .empty ? .bool(items.isEmpty) : .number(Rational(Int64(items.count)))
        }
        for value in values where value.isUnknown {
            if builtin == .residentIDBirthDate || builtin == .residentIDValid { return .absent }
            return values.dropFirst().reduce(value) { Evaluator.combineUnknown($0, $1) ?? $0 }
        }
        do {
            switch builtin {
            case .round, .floor, .ceil, .abs:
                guard case .number(let x) = values[0] else { return .absent }
                switch builtin {
                case .round:
                    var places = 0
                    if values.count > 1, case .number(let written) = values[1], let whole = written.integerValue { places = Int(whole) }
                    return .number(try x.rounded(places: places, mode: .halfAwayFromZero))
                case .floor: return .number(try x.rounded(places: 0, mode: .floor))
                case .ceil: return .number(try x.rounded(places: 0, mode: .ceiling))
                default: return .number(x.isNegative ? try x.negated() : x)
                }
            case .min, .max:
                var best = values[0]
                for candidate in values.dropFirst() {
                    let better = builtin == .min ? Evaluator.compare(.less, candidate, best) : Evaluator.compare(.greater, candidate, best)
                    if better { best = candidate }
                }
                return best
            case .monthsBetween, .daysBetween, .yearsBetween, .workingDaysBetween:
                guard case .date(let a) = values[0], case .date(let b) = values[1] else { return .absent }
                switch builtin {
                case .daysBetween: return .duration(Int64(CivilDate.daysBetween(a, b)))
                case .monthsBetween: return .duration(Int64(CivilDate.monthsBetween(a, b)))
                case .workingDaysBetween:
                    guard let calendar = plan?.calendar, let count = calendar.workingDays(from: a, to: b) else {
                        throw EvaluationError(.notInCalendar(a, calendar: plan?.calendar?.id ?? "?"))
                    }
                    return .duration(Int64(count))
                default: return .duration(Int64(CivilDate.monthsBetween(a, b) / 12 * 12))
                }
            case .startOfMonth, .endOfMonth, .startOfYear:
                guard case .date(let date) = values[0] else { return .absent }
                let result: CivilDate?
                switch builtin {
                case .startOfMonth: result = CivilDate(year: date.year, month: date.month, day: 1)
                case .endOfMonth: result = CivilDate(year: date.year, month: date.month, day: date.daysInMonth)
                default: result = CivilDate(year: date.year, month: 1, day: 1)
                }
                return result.map(Value.date) ?? .absent
            case .year, .month, .day:
                guard case .date(let date) = values[0] else { return .absent }
                let part = builtin == .year ? date.year : (builtin == .month ? date.month : date.day)
                return .number(Rational(Int64(part)))
            case .residentIDValid:
                guard case .text(let text) = values[0] else { return .absent }
                return .bool(ResidentID.isValid(text))
            case .residentIDBirthDate:
                guard case .text(let text) = values[0], let date = ResidentID.birthDate(text) else { return .absent }
                return .date(date)
            case .empty, .count, .known:
                return .absent
            }
        } catch let error as EvaluationError {
            throw error
        } catch {
            throw EvaluationError(.overflow)
        }
    }

    // MARK: - Quantifiers

    func quantify(_ kind: QuantifierKind, depth: Int, _ listNode: PlanNode, _ filter: PlanNode?, _ body: PlanNode?,
                  zero: Value, _ frame: inout Frame) throws(EvaluationError) -> Value {
        let list = try value(listNode, &frame)
        guard case .list(let items) = list else { return list.isUnknown ? list : .absent }
        guard depth < frame.variables.count else { return .absent }
        let listPath = describe(listNode, frame)
        var unknown: Missing?
        func noteUnknown(_ value: Value) {
            if case .unknown(let missing) = value { unknown = (unknown ?? Missing()).union(missing) }
        }
        var count: Int64 = 0
        var accumulator = zero
        var extreme: Value?
        for (index, item) in items.enumerated() {
            frame.variables[depth] = Binding(value: item, listPath: listPath, index: index)
            // The element counts when the filter holds; unknown when it might.
            var selected = Value.bool(true)
            if let filter {
                selected = try value(filter, &frame)
                if case .bool(false) = selected { continue }
            }
            switch kind {
            case .any, .all, .count:
                var holds = selected
                if let body {
                    let result = try value(body, &frame)
                    if kind != .all {
                        holds = Evaluator.kleeneAnd(selected, result)
                    } else if case .bool(true) = selected {
                        holds = result
                    } else if case .bool(true) = result {
                        holds = result
                    } else {
                        // Filter unknown, condition not true: the element may or may not break `all`.
                        holds = Evaluator.combineUnknown(selected, result) ?? selected
                    }
                }
                switch (kind, holds) {
                case (.any, .bool(true)): return .bool(true)
                case (.all, .bool(false)): return .bool(false)
                case (.count, .bool(true)): count += 1
                default: noteUnknown(holds)
                }
            case .sum, .min, .max:
                noteUnknown(selected)
                guard let body else { continue }
                let amount = try value(body, &frame)
                if amount.isUnknown {
                    noteUnknown(amount)
                    continue
                }
                if kind == .sum {
                    accumulator = try Evaluator.add(accumulator, amount)
                } else if let current = extreme {
                    let better = kind == .min ? Evaluator.compare(.less, amount, current) : Evaluator.compare(.greater, amount, current)
                    if better { extreme = amount }
                } else {
                    extreme = amount
                }
            }
        }
        if let unknown { return .unknown(unknown.isEmpty ? Missing(path: listPath) : unknown) }
        switch kind {
        case .any: return .bool(false)
        case .all: return .bool(true)
        case .count: return .number(Rational(count))
        case .sum: return accumulator
        case .min, .max: return extreme ?? .unknown(Missing(path: listPath))
        }
    }

    static func kleeneAnd(_ a: Value, _ b: Value) -> Value {
        if case .bool(false) = a { return a }
        if case .bool(false) = b { return b }
        return combineUnknown(a, b) ?? .bool(true)
    }

    static func add(_ a: Value, _ b: Value) throws(EvaluationError) -> Value {
        switch (a, b) {
        case (.number(let x), .number(let y)): return .number(try arithmetic(.add, x, y))
        case (.duration(let x), .duration(let y)):
            let (sum, overflow) = x.addingReportingOverflow(y)
            if overflow { throw EvaluationError(.overflow) }
            return .duration(sum)
        default: return b
        }
    }

    /// The path of a list for messages: `members`, `members[2].vehicles`.
    func describe(_ node: PlanNode, _ frame: Frame) -> String {
        switch node {
        case .rootPath(_, let path): return path
        case .currentPath(_, let path): return frame.currentPath.joined(path)
        case .variablePath(let depth, _, let suffix):
            guard depth < frame.variables.count else { return suffix }
            return frame.variables[depth].path + suffix
        default: return "list"
        }
    }
}
