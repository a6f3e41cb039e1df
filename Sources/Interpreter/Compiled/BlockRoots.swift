/// Which nodes of a compiled plan `BlockRun` evaluates for a block of
/// households before their decisions (the rules the decision reads), and
/// whether the plan can be decided in blocks at all.
struct BlockRoots {
    /// The nodes the decision reads, each once.
    private(set) var roots: [Int32] = []
    /// For each node, its index in `roots` (-1: none).
    private(set) var rootOf: [Int32]
    /// False when deciding in blocks could see another value than deciding
    /// one household at a time. That is so when a `let` with a quantifier
    /// in it is read inside a quantifier (or an alert's trigger): a
    /// quantifier's variable lives in one place for each depth, so the
    /// `let`'s quantifier, computed there, changes the variable that the
    /// rest of the enclosing one then reads, and whether it is computed
    /// there or earlier depends on the order the rules are evaluated in,
    /// which differs between the two.
    private(set) var decidesInBlocks = true
    /// For each node, whether its value is a truth value (or unknown) by
    /// its kind, so that `BlockRun.truth` works it out on masks: `and`,
    /// `or`, `not`, comparisons, membership, `any`, `all`, a truth constant,
    /// a `let` of one, and an `otherwise` or `if` with one on either side
    /// (a checked policy gives both sides the same type).
    private(set) var isTruth: [Bool]
    /// For each node, whether its value is a number (or unknown) by its
    /// kind, so that `BlockRun.numbers` works it out in a column of numbers:
    /// arithmetic, a number's negation, a number constant, `count`, a `sum`
    /// of numbers, `round`, `floor`, `ceil`, `abs`, `year`, `month`, `day`, a `let` of one, and an
    /// `otherwise` or `if` with one on either side (a checked policy gives
    /// both sides the same type).
    private(set) var isNumber: [Bool]

    private let nodes: [CompiledNode]
    private let operands: [Int32]
    private let constants: [SlotValue]
    private let derivedRoots: [Int32]

    init(nodes: [CompiledNode], operands: [Int32], constants: [SlotValue], derivedRoots: [Int32], decisionNodes: [Int32],
         triggerFilters: [Int32]) {
        self.nodes = nodes
        self.constants = constants
        self.operands = operands
        self.derivedRoots = derivedRoots
        rootOf = Array(repeating: -1, count: nodes.count)
        isTruth = Array(repeating: false, count: nodes.count)
        isNumber = Array(repeating: false, count: nodes.count)
        var truthMemo = [Bool?](repeating: nil, count: nodes.count)
        var numberMemo = [Bool?](repeating: nil, count: nodes.count)
        for index in nodes.indices {
            isTruth[index] = gives(.truth, Int32(index), &truthMemo, seen: [])
            isNumber[index] = gives(.number, Int32(index), &numberMemo, seen: [])
        }
        var memo = [Bool?](repeating: nil, count: derivedRoots.count)
        let quantifiedLets = derivedRoots.indices.map { containsQuantifier(derivedRoots[$0], &memo, seen: [Int32($0)]) }
        for index in nodes.indices {
            if case .quantifier(_, _, _, let filter, let body, _) = nodes[index],
               readsQuantifiedLet(filter, quantifiedLets) || readsQuantifiedLet(body, quantifiedLets) {
                decidesInBlocks = false
            }
        }
        if triggerFilters.contains(where: { readsQuantifiedLet($0, quantifiedLets) }) { decidesInBlocks = false }
        for node in decisionNodes where node >= 0 && rootOf[Int(node)] < 0 && !readsVariables(node) {
            rootOf[Int(node)] = Int32(roots.count)
            roots.append(node)
        }
    }

    /// The nodes `index` reads directly.
    func operands(of index: Int32) -> [Int32] {
        switch nodes[Int(index)] {
        case .constant, .today, .derived, .rootPath, .currentPath, .variablePath, .rootField, .variableField, .currentField:
            return []
        case .member(let a, _), .not(let a), .negateNumber(let a), .negateDuration(let a), .compareConstant(_, let a, _),
             .memberOf(let a, _, _):
            return [a]
        case .and(let a, let b), .or(let a, let b), .compare(_, let a, let b), .contains(let a, let b, _), .arithmetic(_, let a, let b),
             .shiftDate(let a, let b, _, _), .durationArithmetic(_, let a, let b), .scaleDuration(let a, let b), .otherwise(let a, let b):
            return [a, b]
        case .conditional(let a, let b, let c): return [a, b, c]
        case .call(_, let start, let count), .list(let start, let count):
            return Array(operands[Int(start)..<Int(start + count)])
        case .quantifier(_, _, let list, let filter, let body, _):
            return [list, filter, body].filter { $0 >= 0 }
        }
    }

    /// The kinds of value a block works out in a form of its own.
    private enum Kind {
        /// On masks (`BlockRun.truth`).
        case truth
        /// In columns of numbers (`BlockRun.numbers`).
        case number

        /// Whether `node` gives this kind of value by its own kind; nil for
        /// the nodes that give what their operands give (a `let`,
        /// `otherwise`, `if`) and for constants.
        func given(by node: CompiledNode) -> Bool? {
            switch node {
            case .derived, .otherwise, .conditional, .constant: return nil
            case .and, .or, .not, .compare, .compareConstant, .memberOf, .contains: return self == .truth
            case .arithmetic, .negateNumber: return self == .number
            case .quantifier(let kind, _, _, _, _, let durationZero):
                return self == .truth ? kind == .any || kind == .all : kind == .count || (kind == .sum && !durationZero)
            case .call(let builtin, _, _):
                return self == .number && [.count, .round, .floor, .ceil, .abs, .year, .month, .day].contains(builtin)
            default: return false
            }
        }

        /// Whether a constant is of this kind.
        func holds(_ constant: SlotValue) -> Bool {
            switch (self, constant) {
            case (.truth, .bool), (.number, .number): return true
            default: return false
            }
        }
    }

    /// Whether node `index` gives a value of `kind` by its kind (`isTruth`, `isNumber`).
    private func gives(_ kind: Kind, _ index: Int32, _ memo: inout [Bool?], seen: Set<Int32>) -> Bool {
        guard index >= 0 else { return false }
        if let known = memo[Int(index)] { return known }
        let node = nodes[Int(index)]
        let holds: Bool
        if let given = kind.given(by: node) {
            holds = given
        } else {
            switch node {
            case .derived(let derived):
                // A `let` that reads itself is refused by the checker; the guard only keeps this from looping.
                holds = !seen.contains(derived) && gives(kind, derivedRoots[Int(derived)], &memo, seen: seen.union([derived]))
            case .otherwise(let a, let b), .conditional(_, let a, let b):
                holds = gives(kind, a, &memo, seen: seen) || gives(kind, b, &memo, seen: seen)
            case .constant(let constant):
                holds = kind.holds(constants[Int(constant)])
            default:
                holds = false
            }
        }
        memo[Int(index)] = holds
        return holds
    }

    /// Whether node `index`, or a `let` it reads, holds a quantifier.
    private func containsQuantifier(_ index: Int32, _ memo: inout [Bool?], seen: Set<Int32>) -> Bool {
        guard index >= 0 else { return false }
        switch nodes[Int(index)] {
        case .quantifier: return true
        case .derived(let derived):
            if let known = memo[Int(derived)] { return known }
            // A `let` that reads itself is refused by the checker; the guard only keeps this from looping.
            guard !seen.contains(derived) else { return false }
            let holds = containsQuantifier(derivedRoots[Int(derived)], &memo, seen: seen.union([derived]))
            memo[Int(derived)] = holds
            return holds
        default:
            for operand in operands(of: index) where containsQuantifier(operand, &memo, seen: seen) { return true }
            return false
        }
    }

    /// Whether node `index` reads a `let` that holds a quantifier.
    private func readsQuantifiedLet(_ index: Int32, _ quantifiedLets: [Bool]) -> Bool {
        guard index >= 0 else { return false }
        if case .derived(let derived) = nodes[Int(index)] { return quantifiedLets[Int(derived)] }
        return operands(of: index).contains { readsQuantifiedLet($0, quantifiedLets) }
    }

    /// Whether node `index` reads a quantifier's variable that it does not
    /// bind itself (an alert's condition may read its trigger's event).
    func readsVariables(_ index: Int32, bound: Set<Int32> = []) -> Bool {
        switch nodes[Int(index)] {
        case .variablePath(let depth, _, _), .variableField(let depth, _): return !bound.contains(depth)
        case .quantifier(_, let depth, let list, let filter, let body, _):
            let inner = bound.union([depth])
            return readsVariables(list, bound: bound) || (filter >= 0 && readsVariables(filter, bound: inner))
                || (body >= 0 && readsVariables(body, bound: inner))
        default: return operands(of: index).contains { readsVariables($0, bound: bound) }
        }
    }
}
