/// The compiled evaluation gives up on this household: the general path
/// decides it instead (it needs a message, a warning, the names of missing
/// fields, or something the compiled evaluation does not do).
struct GiveUp: Error {}

/// The state of one household's compiled evaluation: the plan's tables and
/// the household's slots, all as raw pointers valid for the evaluation.
/// Follows `Evaluator.value` node for node, in the same three-valued logic,
/// but an unknown value carries no field names: a decision that would
/// name them gives up instead.
struct CompiledRun {
    /// The plan and the scratch memory outlive the run (the lane and the
    /// pool hold them): the run holds no count of its own on them, which
    /// the threads would otherwise change for every household.
    unowned(unsafe) let plan: CompiledPlan
    let nodes: UnsafeBufferPointer<CompiledNode>
    let operands: UnsafeBufferPointer<Int32>
    let paths: UnsafeBufferPointer<Int32>
    let constants: UnsafeBufferPointer<SlotValue>
    let constantItems: UnsafeBufferPointer<SlotValue>
    let constantText: UnsafeBufferPointer<UInt8>
    let fields: UnsafeMutableBufferPointer<StoredSlot>
    let items: UnsafeBufferPointer<StoredSlot>
    let line: UnsafeBufferPointer<UInt8>
    unowned(unsafe) let scratch: CompiledScratch
    let today: CivilDate
    /// For a household decided in a block: the rules the decision reads,
    /// evaluated already for the block (`node`).
    var roots: LaneRoots?
    /// The record a default or check is evaluated in (-1: none), in the
    /// scratch memory: the run itself never changes, so it is never copied.
    var current: Int32 { scratch.current }

    init(plan: CompiledPlan, fields: UnsafeMutableBufferPointer<StoredSlot>, items: UnsafeBufferPointer<StoredSlot>,
         line: UnsafeBufferPointer<UInt8>, scratch: CompiledScratch, today: CivilDate) {
        self.plan = plan
        nodes = plan.nodes
        operands = plan.operands
        paths = plan.paths
        constants = plan.constants
        constantItems = plan.constantItems
        constantText = plan.constantText
        self.fields = fields
        self.items = items
        self.line = line
        self.scratch = scratch
        self.today = today
        scratch.forgetDerived()
        scratch.current = -1
    }

    /// The value of a rule the decision reads: from the block's columns
    /// when the household is decided in a block, else evaluated here.
    @inline(__always)
    func node(_ index: Int32) throws(GiveUp) -> SlotValue {
        if let roots, let value = try roots.value(index) { return value }
        return try value(index)
    }

    // MARK: - Nodes

    func value(_ index: Int32) throws(GiveUp) -> SlotValue {
        switch nodes[Int(index)] {
        case .constant(let index):
            return constants[Int(index)]
        case .today:
            return .date(today)
        case .derived(let derived):
            let slot = Int(derived)
            if scratch.derivedDone[slot] { return scratch.derived[slot] }
            let computed = try value(plan.derivedRoots[slot])
            scratch.derived[slot] = computed
            scratch.derivedDone[slot] = true
            scratch.derivedComputed = true
            return computed
        case .rootPath(let start, let count):
            return follow(.record(0), start, count)
        case .currentPath(let start, let count):
            let current = self.current
            guard current >= 0 else { return .unknown }
            return follow(.record(current), start, count)
        case .variablePath(let depth, let start, let count):
            guard Int(depth) < plan.maxVariables else { return .unknown }
            return follow(scratch.variables[Int(depth)], start, count)
        case .member(let base, let slot):
            guard case .record(let record) = try value(base) else { return .unknown }
            return field(Int(record) + Int(slot))
        case .not(let operand):
            let inner = try self.operand(operand)
            if case .bool(let truth) = inner { return .bool(!truth) }
            return inner
        case .negateNumber(let operand):
            let inner = try value(operand)
            guard case .number(let number) = inner else { return inner }
            do { return .number(try number.negated()) } catch { throw GiveUp() }
        case .negateDuration(let operand):
            let inner = try value(operand)
            guard case .duration(let amount) = inner else { return inner }
            guard amount != Int64.min else { throw GiveUp() }
            return .duration(-amount)
        case .and(let left, let right):
            let a = try value(left)
            if case .bool(false) = a { return a }
            let b = try value(right)
            if case .bool(false) = b { return b }
            return a.isUnknown || b.isUnknown ? .unknown : .bool(true)
        case .or(let left, let right):
            let a = try value(left)
            if case .bool(true) = a { return a }
            let b = try value(right)
            if case .bool(true) = b { return b }
            return a.isUnknown || b.isUnknown ? .unknown : .bool(false)
        case .compare(let op, let left, let right):
            let a = try operand(left)
            if skipsTheRest(a) { return .unknown }
            let b = try operand(right)
            if a.isUnknown || b.isUnknown { return .unknown }
            return .bool(try compare(op, a, b))
        case .contains(let elementNode, let listNode, let negated):
            let element = try value(elementNode)
            // A list written in the rule: its elements are compared as they come.
            if case .list(let start, let count) = nodes[Int(listNode)] {
                var found = false
                var unknown = element.isUnknown
                for operand in 0..<Int(count) {
                    let item = try value(operands[Int(start) + operand])
                    if item.isUnknown { unknown = true } else if !found, try equal(element, item) { found = true }
                }
                if unknown { return .unknown }
                return .bool(found != negated)
            }
            let list = try value(listNode)
            if element.isUnknown || list.isUnknown { return .unknown }
            guard case .list(let ref) = list else { return .unknown }
            var found = false
            for position in 0..<Int(ref.count) where try equal(element, item(ref, position)) {
                found = true
                break
            }
            return .bool(found != negated)
        case .arithmetic(let op, let left, let right):
            let a = try operand(left)
            if skipsTheRest(a) { return .unknown }
            let b = try operand(right)
            if a.isUnknown || b.isUnknown { return .unknown }
            guard case .number(let x) = a, case .number(let y) = b else { return .unknown }
            do { return .number(try Evaluator.arithmetic(op, x, y)) } catch { throw GiveUp() }
        case .shiftDate(let dateNode, let amountNode, let unit, let negative):
            let a = try value(dateNode)
            let b = try value(amountNode)
            if a.isUnknown || b.isUnknown { return .unknown }
            guard case .date(let date) = a, case .duration(var amount) = b else { return .unknown }
            if negative {
                guard amount != Int64.min else { throw GiveUp() }
                amount = -amount
            }
            return .date(try shift(date, Duration(amount: amount, unit: unit)))
        case .durationArithmetic(let subtract, let left, let right):
            let a = try value(left)
            let b = try value(right)
            if a.isUnknown || b.isUnknown { return .unknown }
            guard case .duration(let x) = a, case .duration(let y) = b else { return .unknown }
            let (result, overflow) = subtract ? x.subtractingReportingOverflow(y) : x.addingReportingOverflow(y)
            if overflow { throw GiveUp() }
            return .duration(result)
        case .scaleDuration(let durationNode, let factorNode):
            let a = try value(durationNode)
            let b = try value(factorNode)
            if a.isUnknown || b.isUnknown { return .unknown }
            guard case .duration(let amount) = a, case .number(let factor) = b else { return .unknown }
            guard let product = try? Rational(amount).multiplying(by: factor).rounded(places: 0, mode: .down),
                  let whole = product.integerValue else { throw GiveUp() }
            return .duration(whole)
        case .conditional(let condition, let thenNode, let elseNode):
            let test = try value(condition)
            switch test {
            case .bool(true): return try value(thenNode)
            case .bool(false): return try value(elseNode)
            default: return test
            }
        case .otherwise(let primary, let fallback):
            let first = try operand(primary)
            guard first.isUnknown else { return first }
            // Most often a constant (`otherwise false`), read without a call.
            if case .constant(let constant) = nodes[Int(fallback)] { return constants[Int(constant)] }
            return try value(fallback)
        case .call(let builtin, let start, let count):
            return try call(builtin, start, Int(count))
        case .quantifier(let kind, let depth, let list, let filter, let body, let durationZero):
            return try quantify(kind, depth: Int(depth), list, filter, body, zero: durationZero ? .duration(0) : .number(.zero))
        case .list:
            // A list made while deciding would need storage of its own.
            throw GiveUp()
        case .rootField(let slot):
            return field(Int(slot))
        case .currentField(let slot):
            let current = self.current
            guard current >= 0 else { return .unknown }
            return field(Int(current) + Int(slot))
        case .variableField(let depth, let slot):
            return field(ofVariable: depth, slot)
        case .compareConstant(let op, let left, let constant):
            let a = try operand(left)
            switch (a, constants[Int(constant)]) {
            case (.unknown, _): return .unknown
            // Numbers (amounts, counts) most often: compared here, without a call.
            case (.number(let x), .number(let y)): return .bool(op.orders(x, y))
            case (let a, let b): return .bool(try compare(op, a, b))
            }
        case .memberOf(let elementNode, let members, let negated):
            let element = try operand(elementNode)
            switch element {
            case .unknown: return .unknown
            case .enumeration(let member):
                let found = member >= 0 && member < 64 && members & (1 << UInt64(member)) != 0
                return .bool(found != negated)
            default: return .bool(negated)
            }
        }
    }

    /// `value` for the operand of a comparison, `otherwise`,
    /// `not`, arithmetic or membership: most often a field (of the household,
    /// of a quantifier's variable, of the record a check is declared in) or a
    /// `let` computed already, read here without a call.
    @inline(__always)
    func operand(_ index: Int32) throws(GiveUp) -> SlotValue {
        switch nodes[Int(index)] {
        case .rootField(let slot): return field(Int(slot))
        case .currentField(let slot) where current >= 0: return field(Int(current) + Int(slot))
        case .variableField(let depth, let slot): return field(ofVariable: depth, slot)
        case .derived(let derived) where scratch.derivedDone[Int(derived)]: return scratch.derived[Int(derived)]
        case .rootPath(let start, let count): return follow(.record(0), start, count)
        default: return try value(index)
        }
    }

    /// Whether a comparison or arithmetic whose left operand is `left` can
    /// answer unknown without its right one: in a data check, when the left
    /// is unknown. The general path evaluates the right all the same, but
    /// for a check it can only give unknown too, or an error, and a check
    /// whose evaluation fails says nothing (`Evaluator.check`), as one that
    /// is unknown does; a check found false here is left to the general
    /// path, which then decides it. Elsewhere an error is the answer, so
    /// the right operand is evaluated.
    @inline(__always)
    func skipsTheRest(_ left: SlotValue) -> Bool {
        left.isUnknown && scratch.checking
    }

    /// Field `slot` of the record a quantifier's variable at `depth` holds.
    @inline(__always)
    func field(ofVariable depth: Int32, _ slot: Int32) -> SlotValue {
        guard Int(depth) < plan.maxVariables, case .record(let record) = scratch.variables[Int(depth)] else { return .unknown }
        return field(Int(record) + Int(slot))
    }

    /// The household's field at `index` of `fields`.
    @inline(__always)
    func field(_ index: Int) -> SlotValue {
        fields[index].value(items)
    }

    /// Writes the household's field at `index` (a default); gives up on a
    /// value slots cannot keep without more items.
    func setField(_ index: Int, _ value: SlotValue) throws(GiveUp) {
        guard let stored = StoredSlot.inline(value) else { throw GiveUp() }
        fields[index] = stored
    }

    /// The value at the slots `paths[start..<start+count]` from `start`.
    @inline(__always)
    func follow(_ value: SlotValue, _ start: Int32, _ count: Int32) -> SlotValue {
        var value = value
        for step in 0..<Int(count) {
            guard case .record(let record) = value else { return .unknown }
            value = field(Int(record) + Int(paths[Int(start) + step]))
        }
        return value
    }

    @inline(__always)
    func item(_ list: ListRef, _ position: Int) -> SlotValue {
        list.isConstant ? constantItems[Int(list.start) + position] : items[Int(list.start) + position].value(items)
    }

    func textBytes(_ text: TextRef) -> UnsafeBufferPointer<UInt8> {
        let source = text.isConstant ? constantText : line
        return UnsafeBufferPointer(rebasing: source[Int(text.start)..<Int(text.start + text.count)])
    }

    func string(_ text: TextRef) -> String {
        String(decoding: textBytes(text), as: UTF8.self)
    }

    /// `Value ==` on known values; records and lists are left to the general path.
    func equal(_ a: SlotValue, _ b: SlotValue) throws(GiveUp) -> Bool {
        switch (a, b) {
        case (.bool(let x), .bool(let y)): return x == y
        case (.number(let x), .number(let y)): return x == y
        case (.date(let x), .date(let y)): return x == y
        case (.duration(let x), .duration(let y)): return x == y
        case (.enumeration(let x), .enumeration(let y)): return x == y
        case (.text(let x), .text(let y)):
            let left = textBytes(x), right = textBytes(y)
            if left.elementsEqual(right) { return true }
            // Text that is not ASCII may be equal as Unicode and differ in bytes.
            if left.contains(where: { $0 >= 0x80 }) || right.contains(where: { $0 >= 0x80 }) { return string(x) == string(y) }
            return false
        case (.record, _), (.list, _): throw GiveUp()
        default: return false
        }
    }

    func compare(_ op: ComparisonOperator, _ a: SlotValue, _ b: SlotValue) throws(GiveUp) -> Bool {
        switch op {
        case .equal: return try equal(a, b)
        case .notEqual: return try !equal(a, b)
        default: break
        }
        switch (a, b) {
        case (.number(let x), .number(let y)): return op.orders(x, y)
        case (.date(let x), .date(let y)): return op.orders(x, y)
        case (.duration(let x), .duration(let y)): return op.orders(x, y)
        default: return false
        }
    }

    /// `Evaluator.shift`, remembered in the scratch memory (what cannot be shifted is not).
    func shift(_ date: CivilDate, _ duration: Duration) throws(GiveUp) -> CivilDate {
        let memo = scratch.shifted + DateMemo.index(date, duration)
        if memo.pointee.key == duration.unit.key, memo.pointee.date == date, memo.pointee.amount == duration.amount {
            return memo.pointee.result
        }
        let result: CivilDate
        // Days and months need no calendar: shifted without a copy of the general evaluator (its references counted).
        do { result = try Evaluator.shift(date, byDaysOrMonths: duration) ?? plan.evaluator.shift(date, by: duration) } catch { throw GiveUp() }
        memo.pointee = DateMemo(date: date, amount: duration.amount, key: duration.unit.key, result: result)
        return result
    }

    /// `Evaluator.dueDate` for schedule `number` and the evaluation date, remembered by anchor.
    func dueDate(_ number: Int, anchor given: CivilDate) throws(GiveUp) -> CivilDate {
        let memo = scratch.dueDates + number
        // A due date counted from the evaluation date is the same whatever the anchor.
        let anchor = plan.schedules[number].interval.countsFromTheEvent ? given : .epoch
        let asOf = Int64(today.daysSinceEpoch)
        if memo.pointee.key == 0, memo.pointee.date == anchor, memo.pointee.amount == asOf { return memo.pointee.result }
        let result: CivilDate
        do { result = try plan.evaluator.dueDate(plan.schedules[number].interval, anchor: given, asOf: today) } catch { throw GiveUp() }
        memo.pointee = DateMemo(date: anchor, amount: asOf, key: 0, result: result)
        return result
    }

    // MARK: - Built-in functions

    func call(_ builtin: Builtin, _ start: Int32, _ count: Int) throws(GiveUp) -> SlotValue {
        try apply(builtin, count) { position throws(GiveUp) in try value(operands[Int(start) + position]) }
    }

    /// Built-in function `builtin` on its `count` arguments, which
    /// `argument` gives as they are asked for (`call` evaluates them then;
    /// `BlockRun` has evaluated them already).
    @inline(__always)
    func apply(_ builtin: Builtin, _ count: Int, _ argument: (Int) throws(GiveUp) -> SlotValue) throws(GiveUp) -> SlotValue {
        guard count > 0 else { throw GiveUp() }
        let first = try argument(0)
        switch builtin {
        case .known:
            return .bool(!first.isUnknown)
        case .empty, .count:
            if case .list(let list) = first {
                return builtin == .empty ? .bool(list.count == 0) : .number(Rational(Int64(list.count)))
            }
        default: break
        }
        if builtin == .residentIDBirthDate || builtin == .residentIDValid {
            guard case .text(let text) = first else { return .unknown }
            if builtin == .residentIDValid { return .bool(ResidentID.isValid(string(text))) }
            guard let date = ResidentID.birthDate(string(text)) else { return .unknown }
            return .date(date)
        }
        switch builtin {
        case .min, .max:
            var best = first
            var unknown = first.isUnknown
            for position in 1..<max(1, count) {
                let candidate = try argument(position)
                if candidate.isUnknown { unknown = true; continue }
                if unknown { continue }
                if try compare(builtin == .min ? .less : .greater, candidate, best) { best = candidate }
            }
            return unknown ? .unknown : best
        case .round:
            let places = count > 1 ? try argument(1) : .number(.zero)
            if first.isUnknown || places.isUnknown { return .unknown }
            guard case .number(let x) = first else { return .unknown }
            var digits = 0
            if count > 1, case .number(let written) = places, let whole = written.integerValue { digits = Int(whole) }
            guard let rounded = try? x.rounded(places: digits, mode: .halfAwayFromZero) else { throw GiveUp() }
            return .number(rounded)
        case .monthsBetween, .daysBetween, .yearsBetween, .workingDaysBetween:
            let second = count > 1 ? try argument(1) : .unknown
            if first.isUnknown || second.isUnknown { return .unknown }
            guard case .date(let a) = first, case .date(let b) = second else { return .unknown }
            switch builtin {
            case .daysBetween: return .duration(Int64(CivilDate.daysBetween(a, b)))
            case .monthsBetween: return .duration(Int64(CivilDate.monthsBetween(a, b)))
            case .workingDaysBetween:
                guard let calendar = plan.plan.calendar, let days = calendar.workingDays(from: a, to: b) else { throw GiveUp() }
                return .duration(Int64(days))
            default: return .duration(Int64(CivilDate.monthsBetween(a, b) / 12 * 12))
            }
        default:
            // Functions of one argument.
            for position in 1..<max(1, count) where try argument(position).isUnknown { return .unknown }
            if first.isUnknown { return .unknown }
            switch (builtin, first) {
            case (.floor, .number(let x)):
                guard let rounded = try? x.rounded(places: 0, mode: .floor) else { throw GiveUp() }
                return .number(rounded)
            case (.ceil, .number(let x)):
                guard let rounded = try? x.rounded(places: 0, mode: .ceiling) else { throw GiveUp() }
                return .number(rounded)
            case (.abs, .number(let x)):
                guard x.isNegative else { return first }
                guard let negated = try? x.negated() else { throw GiveUp() }
                return .number(negated)
            case (.startOfMonth, .date(let date)):
                let (year, month, _) = date.components
                return CivilDate(year: year, month: month, day: 1).map(SlotValue.date) ?? .unknown
            case (.endOfMonth, .date(let date)):
                let (year, month, _) = date.components
                return CivilDate(year: year, month: month, day: date.daysInMonth).map(SlotValue.date) ?? .unknown
            case (.startOfYear, .date(let date)):
                return CivilDate(year: date.year, month: 1, day: 1).map(SlotValue.date) ?? .unknown
            case (.year, .date(let date)): return .number(Rational(Int64(date.year)))
            case (.month, .date(let date)): return .number(Rational(Int64(date.month)))
            case (.day, .date(let date)): return .number(Rational(Int64(date.day)))
            default: return .unknown
            }
        }
    }

    // MARK: - Quantifiers

    func quantify(_ kind: QuantifierKind, depth: Int, _ listNode: Int32, _ filter: Int32, _ body: Int32,
                  zero: SlotValue) throws(GiveUp) -> SlotValue {
        let list = try value(listNode)
        guard case .list(let ref) = list else { return .unknown }
        guard depth < plan.maxVariables else { return .unknown }
        var unknown = false
        var count: Int64 = 0
        var accumulator = zero
        var extreme: SlotValue?
        for position in 0..<Int(ref.count) {
            scratch.variables[depth] = item(ref, position)
            var selected = SlotValue.bool(true)
            if filter >= 0 {
                selected = try value(filter)
                if case .bool(false) = selected { continue }
            }
            switch kind {
            case .any, .all, .count:
                var holds = selected
                if body >= 0 {
                    let result = try value(body)
                    if kind != .all {
                        if case .bool(false) = result { holds = result } else if result.isUnknown || selected.isUnknown { holds = .unknown } else { holds = .bool(true) }
                    } else if case .bool(true) = selected {
                        holds = result
                    } else if case .bool(true) = result {
                        holds = result
                    } else {
                        holds = .unknown
                    }
                }
                switch (kind, holds) {
                case (.any, .bool(true)): return .bool(true)
                case (.all, .bool(false)): return .bool(false)
                case (.count, .bool(true)): count += 1
                case (_, .unknown): unknown = true
                default: break
                }
            case .sum, .min, .max:
                if selected.isUnknown { unknown = true }
                guard body >= 0 else { continue }
                let amount = try value(body)
                if amount.isUnknown {
                    unknown = true
                    continue
                }
                if kind == .sum {
                    switch (accumulator, amount) {
                    case (.number(let x), .number(let y)):
                        guard let sum = try? x.adding(y) else { throw GiveUp() }
                        accumulator = .number(sum)
                    case (.duration(let x), .duration(let y)):
                        let (sum, overflow) = x.addingReportingOverflow(y)
                        if overflow { throw GiveUp() }
                        accumulator = .duration(sum)
                    default: accumulator = amount
                    }
                } else if let current = extreme {
                    if try compare(kind == .min ? .less : .greater, amount, current) { extreme = amount }
                } else {
                    extreme = amount
                }
            }
        }
        if unknown { return .unknown }
        switch kind {
        case .any: return .bool(false)
        case .all: return .bool(true)
        case .count: return .number(Rational(count))
        case .sum: return accumulator
        case .min, .max: return extreme ?? .unknown
        }
    }
}
