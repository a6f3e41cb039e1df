/// The compiled evaluation of up to 64 households at once: each node of the
/// plan is evaluated for all of them in one visit (a "column" of 64 values,
/// one for each household, its "lane"), so that walking the nodes, which
/// costs more than what most nodes compute, is paid once for 64 households
/// instead of once for each.
///
/// It follows `CompiledRun.value` lane by lane. A node is evaluated for the
/// lanes of a mask (bit `l` for lane `l`): the right side of an `and` only
/// for the lanes where the left is not false, a quantifier's body for the
/// lanes whose list has an element at that position, and so on, so that
/// each lane sees the nodes its household would see alone, in the same
/// order. Where `CompiledRun` would give up on a household, the lane is
/// marked failed (a bit of the error mask the evaluation returns), and the
/// household goes to the general path.
///
/// The rules the decision reads (`CompiledPlan.decisionRoots`) are evaluated
/// first, for every lane, into columns (truth values into masks); the decision of each household then
/// reads them there (`LaneRoots`). Evaluating a rule the household alone would
/// not have needed (a category after the one that holds) changes nothing:
/// evaluation has no effect but its value, and the value of a rule that
/// failed is only an error when the decision reads it.
struct BlockRun {
    static let width = 64

    unowned(unsafe) let plan: CompiledPlan
    unowned(unsafe) let block: BlockScratch
    let nodes: UnsafeBufferPointer<CompiledNode>
    let operands: UnsafeBufferPointer<Int32>
    let paths: UnsafeBufferPointer<Int32>
    let constants: UnsafeBufferPointer<SlotValue>
    /// The block's columns (`BlockScratch.columns`).
    let columns: ColumnStacks
    let today: CivilDate
    /// Bit `l` for each lane that holds a household.
    let lanes: UInt64

    init(plan: CompiledPlan, block: BlockScratch, count: Int, today: CivilDate) {
        self.plan = plan
        self.block = block
        nodes = plan.nodes
        operands = plan.operands
        paths = plan.paths
        constants = plan.constants
        columns = block.columns
        self.today = today
        lanes = count >= 64 ? ~0 : (UInt64(1) << UInt64(count)) - 1
        block.reset()
    }

    // MARK: - Lanes

    @inline(__always)
    func item(_ lane: Int, _ list: ListRef, _ position: Int) -> SlotValue {
        list.isConstant ? plan.constantItems[Int(list.start) + position] : block.items[lane][Int(list.start) + position].value(block.items[lane])
    }

    /// Field `slot` of the record `value` is, in lane `lane`; unknown when it is not a record.
    @inline(__always)
    func field(_ lane: Int, of value: SlotValue, _ slot: Int32) -> SlotValue {
        guard case .record(let record) = value else { return .unknown }
        return field(lane, Int(record) + Int(slot))
    }

    /// The household's field at `index` of its fields, in lane `lane`.
    @inline(__always)
    func field(_ lane: Int, _ index: Int) -> SlotValue {
        block.fields[lane][index].value(block.items[lane])
    }

    /// The value at the slots `paths[start..<start+count]` from `value`, in lane `lane`.
    @inline(__always)
    func follow(_ lane: Int, _ value: SlotValue, _ start: Int32, _ count: Int32) -> SlotValue {
        var value = value
        for step in 0..<Int(count) {
            guard case .record(let record) = value else { return .unknown }
            value = field(lane, Int(record) + Int(paths[Int(start) + step]))
        }
        return value
    }

    /// For a node that only reads a field (of the household, or of a
    /// quantifier's variable, through one slot or a path), the field in
    /// each lane of `mask`, as the slots keep it, in `block.stored`: read so,
    /// a truth value, a member or a number needs no `SlotValue` made. Nil
    /// for any other node. The column is the block's only one: read it
    /// before anything else is evaluated.
    @inline(__always)
    func stored(_ index: Int32, _ mask: UInt64) -> UnsafeMutablePointer<StoredSlot>? {
        let out = block.stored
        switch nodes[Int(index)] {
        case .rootField(let slot):
            forEach(mask) { out[$0] = block.fields[$0][Int(slot)] }
        case .variableField(let depth, let slot):
            guard Int(depth) < plan.maxVariables else { return nil }
            let variable = variables(depth)
            forEach(mask) { lane in
                guard case .record(let record) = variable[lane] else {
                    out[lane] = .unknown
                    return
                }
                out[lane] = block.fields[lane][Int(record) + Int(slot)]
            }
        case .rootPath(let start, let count) where count > 0:
            forEach(mask) { out[$0] = storedPath($0, start, count) }
        default:
            return nil
        }
        return out
    }

    /// The slot at `paths[start..<start+count]` from the household, in lane `lane`.
    @inline(__always)
    private func storedPath(_ lane: Int, _ start: Int32, _ count: Int32) -> StoredSlot {
        var slot = block.fields[lane][Int(paths[Int(start)])]
        for step in 1..<Int(count) {
            guard let next = slot.record else { return .unknown }
            slot = block.fields[lane][Int(next) + Int(paths[Int(start) + step])]
        }
        return slot
    }

    /// The quantifier variable at `depth`, in every lane.
    @inline(__always)
    func variables(_ depth: Int32) -> UnsafeMutablePointer<SlotValue> { block.variables + Int(depth) * Self.width }

    // MARK: - The rules the decision reads

    /// Evaluates every rule the decision reads (`CompiledPlan.decisionRoots`)
    /// in every lane, into `block.roots`; the lanes where each failed are in `block.rootErrors`.
    func evaluateRoots() {
        touchFields()
        for (index, node) in plan.decisionRoots.enumerated() {
            if block.rootIsTruth[index] {
                let answer = truth(node, lanes)
                (block.rootYes[index], block.rootNo[index], block.rootErrors[index]) = (answer.yes, answer.no, answer.failed)
            } else {
                block.rootErrors[index] = evaluate(node, lanes, block.roots + index * Self.width)
            }
        }
    }

    /// Reads one word of each cache line of every lane's fields, before any
    /// rule reads them. These reads depend on nothing, so the processor
    /// fetches the lines all at once; a rule's reads branch on what they
    /// find (a field's kind), and a branch guessed wrong while a line is on
    /// its way throws away the reads after it, so that lines a rule reads
    /// arrive one after another. Evaluation alone on the benchmark's sample
    /// was faster by a quarter to a third for this; the lists' elements
    /// (mostly references to members) gained nothing, and are not read.
    private func touchFields() {
        var sum: UInt64 = 0
        for lane in 0..<lanes.nonzeroBitCount {
            let fields = block.runs[lane].fields
            var slot = 0
            // Eight slots are 64 bytes, a cache line.
            while slot < fields.count {
                sum ^= fields[slot].raw
                slot += 8
            }
            if let last = fields.last { sum ^= last.raw }
        }
        // Kept, so that the reads are not left out.
        block.touched = sum
    }

    // MARK: - Nodes

    /// Evaluates node `index` in the lanes of `mask`, writing each lane's
    /// value into `out[lane]` (no other lane of `out` is touched); the lanes
    /// where the evaluation failed.
    func evaluate(_ index: Int32, _ mask: UInt64, _ out: UnsafeMutablePointer<SlotValue>) -> UInt64 {
        if mask == 0 { return 0 }
        var failed: UInt64 = 0
        switch nodes[Int(index)] {
        case .constant(let constant):
            fill(mask, out, constants[Int(constant)])
        case .today:
            fill(mask, out, .date(today))
        case .derived where plan.isTruth[Int(index)]:
            failed = store(truth(index, mask), mask, out)
        case .derived where plan.isNumber[Int(index)], .arithmetic, .negateNumber:
            // Worked out as numbers (`numbers`), which is also where a `let` of numbers is kept.
            failed = numbersAsValues(index, mask, out)
        case .derived(let derived):
            let slot = Int(derived)
            let column = block.derived + slot * Self.width
            let needed = mask & ~block.derivedDone[slot]
            if needed != 0 {
                block.derivedErrors[slot] |= evaluate(plan.derivedRoots[slot], needed, column)
                block.derivedDone[slot] |= needed
            }
            failed = mask & block.derivedErrors[slot]
            forEach(mask & ~failed) { out[$0] = column[$0] }
        case .rootPath(let start, let count):
            forEach(mask) { out[$0] = follow($0, .record(0), start, count) }
        case .currentPath, .currentField:
            // Deciding has no current record (it is for data checks and defaults).
            fill(mask, out, .unknown)
        case .variablePath(let depth, let start, let count):
            if Int(depth) < plan.maxVariables {
                let variable = variables(depth)
                forEach(mask) { out[$0] = follow($0, variable[$0], start, count) }
            } else {
                fill(mask, out, .unknown)
            }
        case .member(let base, let slot):
            failed = evaluate(base, mask, out)
            forEach(mask & ~failed) { out[$0] = field($0, of: out[$0], slot) }
        case .not, .and, .or, .compare, .compareConstant, .memberOf:
            failed = store(truth(index, mask), mask, out)
        case .negateDuration(let operand):
            failed = evaluate(operand, mask, out)
            forEach(mask & ~failed) { lane in
                guard case .duration(let amount) = out[lane] else { return }
                if amount == Int64.min { failed |= bit(lane) } else { out[lane] = .duration(-amount) }
            }
        case .contains(let elementNode, let listNode, let negated):
            failed = evaluate(elementNode, mask, out)
            if case .list(let start, let count) = nodes[Int(listNode)] {
                // A list written in the rule: its elements are compared as they come.
                var found: UInt64 = 0
                var unknown: UInt64 = 0
                forEach(mask & ~failed) { lane in if out[lane].isUnknown { unknown |= bit(lane) } }
                for position in 0..<Int(count) {
                    let rest = mask & ~failed
                    failed |= withColumn { item in
                        var failedItem = evaluate(operands[Int(start) + position], rest, item)
                        forEach(rest & ~failedItem) { lane in
                            if item[lane].isUnknown {
                                unknown |= bit(lane)
                            } else if found & bit(lane) == 0 {
                                do {
                                    if try block.runs[lane].equal(out[lane], item[lane]) { found |= bit(lane) }
                                } catch { failedItem |= bit(lane) }
                            }
                        }
                        return failedItem
                    }
                }
                forEach(mask & ~failed) { lane in
                    out[lane] = unknown & bit(lane) != 0 ? .unknown : .bool((found & bit(lane) != 0) != negated)
                }
            } else {
                let rest = mask & ~failed
                failed |= withColumn { list in
                    var failedList = evaluate(listNode, rest, list)
                    forEach(rest & ~failedList) { lane in
                        let element = out[lane]
                        guard !element.isUnknown, case .list(let ref) = list[lane] else {
                            out[lane] = .unknown
                            return
                        }
                        var found = false
                        do {
                            for position in 0..<Int(ref.count) where try block.runs[lane].equal(element, item(lane, ref, position)) {
                                found = true
                                break
                            }
                            out[lane] = .bool(found != negated)
                        } catch { failedList |= bit(lane) }
                    }
                    return failedList
                }
            }
        case .shiftDate(let dateNode, let amountNode, let unit, let negative):
            failed = binary(dateNode, amountNode, mask, out) { lane, a, b in
                guard case .date(let date) = a, case .duration(var amount) = b else { return .unknown }
                if negative {
                    guard amount != Int64.min else { return nil }
                    amount = -amount
                }
                return (try? block.runs[lane].shift(date, Duration(amount: amount, unit: unit))).map(SlotValue.date)
            }
        case .durationArithmetic(let subtract, let left, let right):
            failed = binary(left, right, mask, out) { _, a, b in
                guard case .duration(let x) = a, case .duration(let y) = b else { return .unknown }
                let (result, overflow) = subtract ? x.subtractingReportingOverflow(y) : x.addingReportingOverflow(y)
                return overflow ? nil : .duration(result)
            }
        case .scaleDuration(let durationNode, let factorNode):
            failed = binary(durationNode, factorNode, mask, out) { _, a, b in
                guard case .duration(let amount) = a, case .number(let factor) = b else { return .unknown }
                guard let product = try? Rational(amount).multiplying(by: factor).rounded(places: 0, mode: .down),
                      let whole = product.integerValue else { return nil }
                return .duration(whole)
            }
        case .conditional(let condition, let thenNode, let elseNode):
            failed = evaluate(condition, mask, out)
            var whenTrue: UInt64 = 0, whenFalse: UInt64 = 0
            forEach(mask & ~failed) { lane in
                switch out[lane] {
                case .bool(true): whenTrue |= bit(lane)
                case .bool(false): whenFalse |= bit(lane)
                default: break
                }
            }
            failed |= evaluate(thenNode, whenTrue, out)
            failed |= evaluate(elseNode, whenFalse, out)
        case .otherwise where plan.isTruth[Int(index)]:
            failed = store(truth(index, mask), mask, out)
        case .otherwise(let primary, let fallback):
            failed = evaluate(primary, mask, out)
            var unknown: UInt64 = 0
            forEach(mask & ~failed) { lane in if out[lane].isUnknown { unknown |= bit(lane) } }
            failed |= evaluate(fallback, unknown, out)
        case .call(let builtin, let start, let count):
            failed = call(builtin, start, Int(count), mask, out)
        case .quantifier(.any, _, _, _, _, _), .quantifier(.all, _, _, _, _, _):
            failed = store(truth(index, mask), mask, out)
        case .quantifier(let kind, let depth, let list, let filter, let body, let durationZero):
            failed = quantify(kind, depth: depth, list, filter, body, zero: durationZero ? .duration(0) : .number(.zero), mask, out).failed
        case .list:
            // A list made while deciding would need storage of its own.
            failed = mask
        case .rootField(let slot):
            forEach(mask) { out[$0] = field($0, Int(slot)) }
        case .variableField(let depth, let slot):
            if Int(depth) < plan.maxVariables {
                let variable = variables(depth)
                forEach(mask) { out[$0] = field($0, of: variable[$0], slot) }
            } else {
                fill(mask, out, .unknown)
            }
        }
        return failed
    }

    // MARK: - Truth values

    /// A truth value in each lane of a mask, as three masks: the lanes where
    /// it is true, false, or failed (the others: unknown).
    struct Truth {
        var yes: UInt64 = 0
        var no: UInt64 = 0
        var failed: UInt64 = 0
    }

    /// Writes each lane's truth value into `out` (not the failed ones); the failed lanes.
    @inline(__always)
    private func store(_ truth: Truth, _ mask: UInt64, _ out: UnsafeMutablePointer<SlotValue>) -> UInt64 {
        forEach(mask & ~truth.failed) { lane in
            out[lane] = truth.yes & bit(lane) != 0 ? .bool(true) : truth.no & bit(lane) != 0 ? .bool(false) : .unknown
        }
        return truth.failed
    }

    /// Node `index` in the lanes of `mask`, as a truth value: `and`, `or`,
    /// `not`, `otherwise` and the `let`s of truth values are worked out on
    /// the masks, all 64 lanes at once. A lane whose value is neither a truth
    /// value nor unknown (which a checked policy never gives) fails: the
    /// general path decides that household.
    func truth(_ index: Int32, _ mask: UInt64) -> Truth {
        if mask == 0 { return Truth() }
        switch nodes[Int(index)] {
        case .and(let left, let right):
            let a = truth(left, mask)
            let b = truth(right, mask & ~a.no & ~a.failed)
            return Truth(yes: a.yes & b.yes, no: a.no | b.no, failed: a.failed | b.failed)
        case .or(let left, let right):
            let a = truth(left, mask)
            let b = truth(right, mask & ~a.yes & ~a.failed)
            return Truth(yes: a.yes | b.yes, no: a.no & b.no, failed: a.failed | b.failed)
        case .not(let operand):
            let a = truth(operand, mask)
            return Truth(yes: a.no, no: a.yes, failed: a.failed)
        case .otherwise(let primary, let fallback) where plan.isTruth[Int(index)]:
            let a = truth(primary, mask)
            let b = truth(fallback, mask & ~(a.yes | a.no | a.failed))
            return Truth(yes: a.yes | b.yes, no: a.no | b.no, failed: a.failed | b.failed)
        case .constant(let constant):
            switch constants[Int(constant)] {
            case .bool(true): return Truth(yes: mask)
            case .bool(false): return Truth(no: mask)
            case .unknown: return Truth()
            default: return Truth(failed: mask)
            }
        case .derived(let derived) where plan.isTruth[Int(index)]:
            let slot = Int(derived)
            let needed = mask & ~block.derivedDone[slot]
            if needed != 0 {
                let computed = truth(plan.derivedRoots[slot], needed)
                block.derivedYes[slot] |= computed.yes
                block.derivedNo[slot] |= computed.no
                block.derivedErrors[slot] |= computed.failed
                block.derivedDone[slot] |= needed
            }
            return Truth(yes: block.derivedYes[slot] & mask, no: block.derivedNo[slot] & mask, failed: block.derivedErrors[slot] & mask)
        case .compareConstant(let op, let left, let constant):
            let b = constants[Int(constant)]
            if case .number(let number) = b { return compareNumbers(op, left, number, mask) }
            return withColumn { a in
                var result = Truth(failed: evaluate(left, mask, a))
                forEach(mask & ~result.failed) { lane in
                    if a[lane].isUnknown { return }
                    if let holds = Self.compare(op, a[lane], b) {
                        if holds { result.yes |= bit(lane) } else { result.no |= bit(lane) }
                    } else if let holds = try? block.runs[lane].compare(op, a[lane], b) {
                        if holds { result.yes |= bit(lane) } else { result.no |= bit(lane) }
                    } else {
                        result.failed |= bit(lane)
                    }
                }
                return result
            }
        case .memberOf(let elementNode, let members, let negated):
            if let element = stored(elementNode, mask) {
                var result = Truth()
                forEach(mask) { lane in
                    let holds: Bool
                    switch element[lane].kind {
                    case 0: return
                    case 5: holds = Self.isMember(element[lane].member, of: members) != negated
                    default: holds = negated
                    }
                    if holds { result.yes |= bit(lane) } else { result.no |= bit(lane) }
                }
                return result
            }
            return withColumn { element in
                var result = Truth(failed: evaluate(elementNode, mask, element))
                forEach(mask & ~result.failed) { lane in
                    let holds: Bool
                    switch element[lane] {
                    case .unknown: return
                    case .enumeration(let member): holds = Self.isMember(member, of: members) != negated
                    default: holds = negated
                    }
                    if holds { result.yes |= bit(lane) } else { result.no |= bit(lane) }
                }
                return result
            }
        case .quantifier(let kind, let depth, let list, let filter, let body, _) where kind == .any || kind == .all:
            return withColumn { unused in quantify(kind, depth: depth, list, filter, body, zero: .unknown, mask, unused) }
        case .compare(let op, let left, let right) where plan.isNumber[Int(left)] || plan.isNumber[Int(right)]:
            return compareNumbers(op, left, right, mask)
        case .compare(let op, let left, let right):
            if case .today = nodes[Int(right)], let dates = stored(left, mask) {
                // A field against the evaluation date (`e.date <= today`), read from the slots.
                let asOf = SlotValue.date(today)
                var result = Truth()
                forEach(mask) { lane in
                    let slot = dates[lane]
                    let holds: Bool
                    switch slot.kind {
                    case 0: return
                    case 3: holds = op.orders(slot.date, today)
                    default:
                        let value = slot.value(block.items[lane])
                        guard let compared = Self.compare(op, value, asOf) ?? (try? block.runs[lane].compare(op, value, asOf)) else {
                            result.failed |= bit(lane)
                            return
                        }
                        holds = compared
                    }
                    if holds { result.yes |= bit(lane) } else { result.no |= bit(lane) }
                }
                return result
            }
            return withColumn { column in
                let failed = binary(left, right, mask, column) { lane, a, b in
                    if a.isUnknown || b.isUnknown { return .unknown }
                    if let holds = Self.compare(op, a, b) { return .bool(holds) }
                    return (try? block.runs[lane].compare(op, a, b)).map(SlotValue.bool)
                }
                return truth(of: column, mask, failed: failed)
            }
        default:
            if let column = stored(index, mask) {
                // A field of truth values, read as the slots keep it.
                var result = Truth()
                forEach(mask) { lane in
                    switch column[lane].kind {
                    case 0: break
                    case 1: if column[lane].truth { result.yes |= bit(lane) } else { result.no |= bit(lane) }
                    default: result.failed |= bit(lane)
                    }
                }
                return result
            }
            // The nodes whose value is not always a truth value.
            return withColumn { column in truth(of: column, mask, failed: evaluate(index, mask, column)) }
        }
    }

    /// The values of `column` in the lanes of `mask` (but the failed ones)
    /// as a truth value; a value neither true, false nor unknown fails its lane.
    private func truth(of column: UnsafeMutablePointer<SlotValue>, _ mask: UInt64, failed: UInt64) -> Truth {
        var result = Truth(failed: failed)
        forEach(mask & ~failed) { lane in
            switch column[lane] {
            case .bool(true): result.yes |= bit(lane)
            case .bool(false): result.no |= bit(lane)
            case .unknown: break
            default: result.failed |= bit(lane)
            }
        }
        return result
    }

    /// A node of two operands: the left one evaluated in the lanes of
    /// `mask`, the right one in those where the left did not fail and
    /// `needsRight` holds for its value (the others keep the left's value);
    /// `combine` gives each of those lanes its value from both, or nil where it fails.
    @inline(__always)
    private func binary(_ left: Int32, _ right: Int32, _ mask: UInt64, _ out: UnsafeMutablePointer<SlotValue>,
                        needsRight: (SlotValue) -> Bool = { _ in true },
                        _ combine: (Int, SlotValue, SlotValue) -> SlotValue?) -> UInt64 {
        var failed = evaluate(left, mask, out)
        var rest: UInt64 = 0
        forEach(mask & ~failed) { lane in if needsRight(out[lane]) { rest |= bit(lane) } }
        failed |= withColumn { b in
            var failedRight = evaluate(right, rest, b)
            forEach(rest & ~failedRight) { lane in
                if let value = combine(lane, out[lane], b[lane]) { out[lane] = value } else { failedRight |= bit(lane) }
            }
            return failedRight
        }
        return failed
    }

    // MARK: - Built-in functions

    /// `CompiledRun.call` in each lane, its arguments evaluated first in all of them.
    private func call(_ builtin: Builtin, _ start: Int32, _ count: Int, _ mask: UInt64, _ out: UnsafeMutablePointer<SlotValue>) -> UInt64 {
        guard count > 0 else { return mask }
        let arguments = columns.take(count)
        defer { columns.give(count) }
        var failed: UInt64 = 0
        for position in 0..<count {
            failed |= evaluate(operands[Int(start) + position], mask & ~failed, arguments + position * Self.width)
        }
        forEach(mask & ~failed) { lane in
            do {
                out[lane] = try block.runs[lane].apply(builtin, count) { position throws(GiveUp) in arguments[position * Self.width + lane] }
            } catch { failed |= bit(lane) }
        }
        return failed
    }

    // MARK: - Quantifiers

    /// `CompiledRun.quantify` in each lane: the lanes go through their lists
    /// together, position by position, each lane leaving when its list ends
    /// or its answer is found. `any` and `all` give their answer as the
    /// truth value returned; the others write theirs into `out`. The lanes
    /// that failed are in the returned `failed`, whatever the kind.
    private func quantify(_ kind: QuantifierKind, depth: Int32, _ listNode: Int32, _ filter: Int32, _ body: Int32, zero: SlotValue,
                          _ mask: UInt64, _ out: UnsafeMutablePointer<SlotValue>) -> Truth {
        // Each lane's list, and its count and sum or extreme so far, in columns of their own.
        let state = columns.take(2)
        defer { columns.give(2) }
        let lists = state, totals = state + Self.width
        var answer = Truth(failed: evaluate(listNode, mask, lists))
        let isTruth = kind == .any || kind == .all
        guard Int(depth) < plan.maxVariables else {
            if !isTruth { fill(mask & ~answer.failed, out, .unknown) }
            return answer
        }
        var going: UInt64 = 0
        var longest = 0
        forEach(mask & ~answer.failed) { lane in
            guard case .list(let ref) = lists[lane] else {
                if !isTruth { out[lane] = .unknown }
                return
            }
            totals[lane] = kind == .count ? .duration(0) : zero
            longest = max(longest, Int(ref.count))
            going |= bit(lane)
        }
        var unknown: UInt64 = 0
        var hasExtreme: UInt64 = 0
        let variable = variables(depth)
        var position = 0
        while position < longest, going != 0 {
            defer { position += 1 }
            var now: UInt64 = 0
            forEach(going) { lane in
                guard case .list(let ref) = lists[lane], position < Int(ref.count) else { return }
                variable[lane] = item(lane, ref, position)
                now |= bit(lane)
            }
            if now == 0 { break }
            // Lanes whose element is selected (not false), and those where that is unknown.
            var selected = now
            var selectedUnknown: UInt64 = 0
            if filter >= 0 {
                let chosen = truth(filter, now)
                answer.failed |= chosen.failed
                going &= ~chosen.failed
                selected = now & ~chosen.no & ~chosen.failed
                selectedUnknown = selected & ~chosen.yes
            }
            switch kind {
            case .any, .all, .count:
                // What each selected lane's element makes of the answer: true, false or unknown.
                var holds = Truth()
                if body >= 0 {
                    let result = truth(body, selected)
                    answer.failed |= result.failed
                    going &= ~result.failed
                    let counted = selected & ~result.failed
                    if kind != .all {
                        holds.no = result.no
                        holds.yes = result.yes & ~selectedUnknown
                    } else {
                        holds.yes = result.yes
                        holds.no = result.no & ~selectedUnknown
                    }
                    unknown |= counted & ~holds.yes & ~holds.no
                } else {
                    holds.yes = selected & ~selectedUnknown
                    unknown |= selected & selectedUnknown
                }
                switch kind {
                case .any:
                    answer.yes |= holds.yes & going
                    going &= ~holds.yes
                case .all:
                    answer.no |= holds.no & going
                    going &= ~holds.no
                default:
                    forEach(holds.yes) { lane in
                        if case .duration(let counted) = totals[lane] { totals[lane] = .duration(counted + 1) }
                    }
                }
            case .sum, .min, .max:
                unknown |= selected & selectedUnknown
                guard body >= 0, selected != 0 else { continue }
                let failedBody = withColumn { amount in
                    var failedHere = evaluate(body, selected, amount)
                    forEach(selected & ~failedHere) { lane in
                        let value = amount[lane]
                        if value.isUnknown {
                            unknown |= bit(lane)
                            return
                        }
                        if kind == .sum {
                            switch (totals[lane], value) {
                            case (.number(let x), .number(let y)):
                                guard let sum = try? x.adding(y) else {
                                    failedHere |= bit(lane)
                                    return
                                }
                                totals[lane] = .number(sum)
                            case (.duration(let x), .duration(let y)):
                                let (sum, overflow) = x.addingReportingOverflow(y)
                                if overflow { failedHere |= bit(lane) } else { totals[lane] = .duration(sum) }
                            default: totals[lane] = value
                            }
                        } else if hasExtreme & bit(lane) != 0 {
                            do {
                                if try block.runs[lane].compare(kind == .min ? .less : .greater, value, totals[lane]) { totals[lane] = value }
                            } catch { failedHere |= bit(lane) }
                        } else {
                            totals[lane] = value
                            hasExtreme |= bit(lane)
                        }
                    }
                    return failedHere
                }
                answer.failed |= failedBody
                going &= ~failedBody
            }
        }
        // The lanes that went through their whole list.
        let finished = going & ~unknown
        switch kind {
        case .any: answer.no |= finished
        case .all: answer.yes |= finished
        default:
            fill(going & unknown, out, .unknown)
            forEach(finished) { lane in
                switch kind {
                case .count:
                    if case .duration(let counted) = totals[lane] { out[lane] = .number(Rational(counted)) }
                case .sum: out[lane] = totals[lane]
                default: out[lane] = hasExtreme & bit(lane) != 0 ? totals[lane] : .unknown
                }
            }
        }
        return answer
    }

    // MARK: - Helpers

    /// `CompiledRun.compare` for known values of the kinds that need no
    /// text (numbers, dates, durations, members, truth values); nil for the others.
    @inline(__always)
    static func compare(_ op: ComparisonOperator, _ a: SlotValue, _ b: SlotValue) -> Bool? {
        switch (a, b) {
        case (.number(let x), .number(let y)): return op.orders(x, y)
        case (.date(let x), .date(let y)): return op.orders(x, y)
        case (.duration(let x), .duration(let y)): return op.orders(x, y)
        case (.enumeration(let x), .enumeration(let y)):
            return op == .equal ? x == y : op == .notEqual ? x != y : false
        case (.bool(let x), .bool(let y)):
            return op == .equal ? x == y : op == .notEqual ? x != y : false
        default: return nil
        }
    }

    @inline(__always)
    func bit(_ lane: Int) -> UInt64 { UInt64(1) << UInt64(lane) }

    /// Whether `member` is in the set `members` (bit `m` for member `m`, all below 64).
    @inline(__always)
    static func isMember(_ member: Int, of members: UInt64) -> Bool {
        member >= 0 && member < 64 && members & (1 << UInt64(member)) != 0
    }

    /// Calls `body` for each lane of `mask`, in order (all 64, the common
    /// case, counted through without finding the next bit).
    @inline(__always)
    func forEach(_ mask: UInt64, _ body: (Int) -> Void) {
        if mask == .max {
            for lane in 0..<Self.width { body(lane) }
            return
        }
        var rest = mask
        while rest != 0 {
            body(rest.trailingZeroBitCount)
            rest &= rest &- 1
        }
    }

    @inline(__always)
    func fill(_ mask: UInt64, _ out: UnsafeMutablePointer<SlotValue>, _ value: SlotValue) {
        forEach(mask) { out[$0] = value }
    }

    /// A column of scratch memory for the time of `body`.
    @inline(__always)
    func withColumn<Result>(_ body: (UnsafeMutablePointer<SlotValue>) -> Result) -> Result {
        let column = columns.take(1)
        defer { columns.give(1) }
        return body(column)
    }
}

/// The rules the decision reads, evaluated for a block of households
/// (`BlockRun.evaluateRoots`), as one lane's household reads them
/// (`CompiledRun.node`): a truth value from the masks, another value
/// from its column.
struct LaneRoots {
    unowned(unsafe) let block: BlockScratch
    let rootOf: UnsafeBufferPointer<Int32>
    let lane: Int

    /// Rule `index`'s value in this lane; nil when it is not one the block evaluated.
    @inline(__always)
    func value(_ index: Int32) throws(GiveUp) -> SlotValue? {
        let root = Int(rootOf[Int(index)])
        guard root >= 0 else { return nil }
        let bit = UInt64(1) << UInt64(lane)
        if block.rootErrors[root] & bit != 0 { throw GiveUp() }
        if block.rootIsTruth[root] {
            return block.rootYes[root] & bit != 0 ? .bool(true) : block.rootNo[root] & bit != 0 ? .bool(false) : .unknown
        }
        return block.roots[root * BlockRun.width + lane]
    }

    /// Whether node `index` is a rule of truth values the block evaluated,
    /// found false or unknown (not failed) in this lane.
    @inline(__always)
    func isNotTrue(_ index: Int32) -> Bool {
        guard index >= 0 else { return false }
        let root = Int(rootOf[Int(index)])
        guard root >= 0, block.rootIsTruth[root] else { return false }
        return (block.rootYes[root] | block.rootErrors[root]) & (UInt64(1) << UInt64(lane)) == 0
    }
}

/// The working memory of `BlockRun` on one thread: the lanes' households,
/// columns for the `let`s, the quantifiers' variables and the decision's
/// rules, and a stack of columns for what nodes compute on the way.
/// Allocated once and reused block after block.
final class BlockScratch: @unchecked Sendable {
    /// Each lane's household: its fields, the elements of its lists, its
    /// line (texts point into it), and a `CompiledRun` over them.
    let fields: UnsafeMutablePointer<UnsafeMutablePointer<StoredSlot>>
    let items: UnsafeMutablePointer<UnsafeBufferPointer<StoredSlot>>
    let runs: UnsafeMutablePointer<CompiledRun>
    let derived: UnsafeMutablePointer<SlotValue>
    let derivedDone: UnsafeMutablePointer<UInt64>
    let derivedErrors: UnsafeMutablePointer<UInt64>
    /// A `let` of truth values (`CompiledPlan.isTruth`) is kept as the lanes where it is true and false.
    let derivedYes: UnsafeMutablePointer<UInt64>
    let derivedNo: UnsafeMutablePointer<UInt64>
    /// A `let` of numbers (`CompiledPlan.isNumber`) is kept as a column of
    /// numbers and the lanes where it is unknown.
    let derivedNumbers: UnsafeMutablePointer<Rational>
    let derivedUnknown: UnsafeMutablePointer<UInt64>
    let derivedCount: Int
    let variables: UnsafeMutablePointer<SlotValue>
    let roots: UnsafeMutablePointer<SlotValue>
    let rootErrors: UnsafeMutablePointer<UInt64>
    /// A rule of truth values is kept as the lanes where it is true and false, not in a column.
    let rootIsTruth: UnsafeMutablePointer<Bool>
    let rootYes: UnsafeMutablePointer<UInt64>
    let rootNo: UnsafeMutablePointer<UInt64>
    /// Columns taken and given back in turn (`take`, `give`). A node holds
    /// at most four while the nodes below it take theirs (a quantifier
    /// evaluated as a truth value: one for its answer, two for its lists and
    /// totals, one for its body), or one and one for each argument (a call
    /// evaluated as a truth value); a node is below itself only once (as a
    /// truth value, then as a value; or as numbers, then as a value through
    /// `BlockRun.viaValues`, which holds one column more), and no node is
    /// below itself otherwise. So five columns a node and one an operand
    /// bound what is ever held at once.
    let columns: ColumnStacks
    /// Where a household without fields or list elements points (never read there).
    private let nothing: UnsafeMutablePointer<StoredSlot>
    /// The fields a plain field read finds in each lane, as the slots keep
    /// them (`BlockRun.stored`): filled and read at once by the node that
    /// reads the field, so one column is enough.
    let stored: UnsafeMutablePointer<StoredSlot>
    /// What `BlockRun.touchFields` read, kept so that its reads are made.
    var touched: UInt64 = 0

    init(_ plan: CompiledPlan) {
        let width = BlockRun.width
        fields = .allocate(capacity: width)
        items = .allocate(capacity: width)
        runs = .allocate(capacity: width)
        derivedCount = plan.derivedRoots.count
        derived = .allocate(capacity: max(1, derivedCount) * width)
        derived.initialize(repeating: .unknown, count: max(1, derivedCount) * width)
        derivedDone = .allocate(capacity: max(1, derivedCount))
        derivedDone.initialize(repeating: 0, count: max(1, derivedCount))
        derivedErrors = .allocate(capacity: max(1, derivedCount))
        derivedErrors.initialize(repeating: 0, count: max(1, derivedCount))
        derivedYes = .allocate(capacity: max(1, derivedCount))
        derivedYes.initialize(repeating: 0, count: max(1, derivedCount))
        derivedNo = .allocate(capacity: max(1, derivedCount))
        derivedNo.initialize(repeating: 0, count: max(1, derivedCount))
        derivedNumbers = .allocate(capacity: max(1, derivedCount) * width)
        derivedUnknown = .allocate(capacity: max(1, derivedCount))
        derivedUnknown.initialize(repeating: 0, count: max(1, derivedCount))
        variables = .allocate(capacity: plan.maxVariables * width)
        variables.initialize(repeating: .unknown, count: plan.maxVariables * width)
        let rootCount = max(1, plan.decisionRoots.count)
        roots = .allocate(capacity: rootCount * width)
        roots.initialize(repeating: .unknown, count: rootCount * width)
        rootErrors = .allocate(capacity: rootCount)
        rootErrors.initialize(repeating: 0, count: rootCount)
        rootIsTruth = .allocate(capacity: rootCount)
        rootIsTruth.initialize(repeating: false, count: rootCount)
        for (index, node) in plan.decisionRoots.enumerated() { rootIsTruth[index] = plan.isTruth[Int(node)] }
        rootYes = .allocate(capacity: rootCount)
        rootYes.initialize(repeating: 0, count: rootCount)
        rootNo = .allocate(capacity: rootCount)
        rootNo.initialize(repeating: 0, count: rootCount)
        let stackColumns = 5 * plan.nodes.count + plan.operands.count + 8
        // Only the columns used are touched: the rest costs no memory.
        columns = ColumnStacks(values: stackColumns, numbers: 3 * plan.nodes.count + 8)
        nothing = .allocate(capacity: 1)
        nothing.initialize(to: .unknown)
        stored = .allocate(capacity: width)
        stored.initialize(repeating: .unknown, count: width)
    }

    deinit {
        fields.deallocate()
        items.deallocate()
        runs.deallocate()
        derived.deallocate()
        derivedDone.deallocate()
        derivedErrors.deallocate()
        derivedYes.deallocate()
        derivedNo.deallocate()
        derivedNumbers.deallocate()
        derivedUnknown.deallocate()
        columns.free()
        variables.deallocate()
        roots.deallocate()
        rootErrors.deallocate()
        rootIsTruth.deallocate()
        rootYes.deallocate()
        rootNo.deallocate()
        nothing.deallocate()
        stored.deallocate()
        for slots in laneSlots { slots.free() }
    }

    /// Each lane's household as `CompiledLane.evaluate(_:_:into:general:_:)`
    /// reads it: its slots, and its record's index in the block, line
    /// number and id.
    private var laneSlots: [HouseholdSlots] = []
    var entries = [(index: Int, line: Int, id: UnsafeBufferPointer<UInt8>?)](repeating: (0, 0, nil), count: BlockRun.width)

    /// The slots for lane `lane`'s household, emptied; give them back with `keep`.
    func slots(_ lane: Int) -> HouseholdSlots {
        while laneSlots.count <= lane { laneSlots.append(HouseholdSlots()) }
        return laneSlots[lane]
    }

    /// Keeps lane `lane`'s slots (their buffers may have grown).
    func keep(_ slots: HouseholdSlots, _ lane: Int) { laneSlots[lane] = slots }

    /// Puts a household in lane `lane`: `run` is over its fields, list elements and line.
    @inline(__always)
    func setLane(_ lane: Int, _ run: CompiledRun) {
        fields[lane] = run.fields.baseAddress ?? nothing
        items[lane] = run.items
        (runs + lane).initialize(to: run)
    }

    /// Forgets the last block's `let`s.
    func reset() {
        derivedDone.update(repeating: 0, count: max(1, derivedCount))
        derivedErrors.update(repeating: 0, count: max(1, derivedCount))
        derivedYes.update(repeating: 0, count: max(1, derivedCount))
        derivedNo.update(repeating: 0, count: max(1, derivedCount))
        derivedUnknown.update(repeating: 0, count: max(1, derivedCount))
        columns.reset()
    }
}

/// The columns the nodes of a block take and give back in turn: columns of
/// values (`take`) and of numbers (`takeNumbers`). A struct of pointers,
/// which each `BlockRun` copies: calling a method of `BlockScratch` through
/// the run's reference to it cost a reference count each time, about 70 a
/// block.
struct ColumnStacks {
    private let values: UnsafeMutablePointer<SlotValue>
    private let valueColumns: Int
    /// A node holds at most two columns of numbers while the nodes below it
    /// take theirs (a comparison of two numbers), and a node is below itself
    /// at most once (as a value, then as numbers).
    private let numbers: UnsafeMutablePointer<Rational>
    private let numberColumns: Int
    /// How many columns of values and of numbers are taken.
    private let tops: UnsafeMutablePointer<Int>

    init(values valueColumns: Int, numbers numberColumns: Int) {
        self.valueColumns = valueColumns
        self.numberColumns = numberColumns
        values = .allocate(capacity: valueColumns * BlockRun.width)
        numbers = .allocate(capacity: numberColumns * BlockRun.width)
        tops = .allocate(capacity: 2)
        tops.initialize(repeating: 0, count: 2)
    }

    func free() {
        values.deallocate()
        numbers.deallocate()
        tops.deallocate()
    }

    func reset() {
        tops[0] = 0
        tops[1] = 0
    }

    /// `count` columns of values. Their values are plain bits, so the
    /// memory needs no initialising: every lane is written before it is read.
    @inline(__always)
    func take(_ count: Int) -> UnsafeMutablePointer<SlotValue> {
        let top = tops[0]
        precondition(top + count <= valueColumns, "the block's column stack is too small")
        tops[0] = top + count
        return values + top * BlockRun.width
    }

    @inline(__always)
    func give(_ count: Int) { tops[0] -= count }

    /// A column of numbers (`BlockRun.numbers`), taken and given back in
    /// turn as the columns of values are.
    @inline(__always)
    func takeNumbers() -> UnsafeMutablePointer<Rational> {
        let top = tops[1]
        precondition(top < numberColumns, "the block's number stack is too small")
        tops[1] = top + 1
        return numbers + top * BlockRun.width
    }

    @inline(__always)
    func giveNumbers() { tops[1] -= 1 }
}

