/// One node of a compiled plan: a `PlanNode` whose operands are indices into
/// the plan's node table rather than boxes, so that walking it copies plain
/// bits. `-1` stands for an operand that is not there.
enum CompiledNode: Sendable {
    case constant(SlotValue)
    case today
    case derived(Int32)
    /// Slots from the household (`path` entries `start..<start+count`).
    case rootPath(start: Int32, count: Int32)
    /// Slots from the record a schema check or default is declared in.
    case currentPath(start: Int32, count: Int32)
    case variablePath(depth: Int32, start: Int32, count: Int32)
    case member(Int32, slot: Int32)
    case not(Int32)
    case negateNumber(Int32)
    case negateDuration(Int32)
    case and(Int32, Int32)
    case or(Int32, Int32)
    case compare(ComparisonOperator, Int32, Int32)
    case contains(element: Int32, list: Int32, negated: Bool)
    case arithmetic(ArithmeticOperator, Int32, Int32)
    case shiftDate(Int32, by: Int32, unit: DurationUnit, negative: Bool)
    case durationArithmetic(subtract: Bool, Int32, Int32)
    case scaleDuration(Int32, by: Int32)
    case conditional(Int32, Int32, Int32)
    case otherwise(Int32, Int32)
    /// Arguments are `operands[start..<start+count]`.
    case call(Builtin, start: Int32, count: Int32)
    case quantifier(QuantifierKind, depth: Int32, list: Int32, filter: Int32, body: Int32, durationZero: Bool)
    /// Elements are `operands[start..<start+count]`.
    case list(start: Int32, count: Int32)
}

/// A plan compiled for `CompiledEvaluator`: nodes in one table, names of
/// rules already written as JSON, and limits (at most 64 exclusions,
/// elimination conditions, alerts and steps) that let a household's answer
/// be held in bit sets. `compile` gives nil for a plan it cannot take
/// (constant records, more than 64 of something); such a policy is
/// evaluated by the general path only.
final class CompiledPlan: @unchecked Sendable {
    let plan: Plan
    /// The tables are allocated once and never changed: reading them from
    /// several threads touches no reference count.
    let nodes: UnsafeMutableBufferPointer<CompiledNode>
    let operands: UnsafeMutableBufferPointer<Int32>
    let paths: UnsafeMutableBufferPointer<Int32>
    let constantItems: UnsafeMutableBufferPointer<SlotValue>
    let constantText: UnsafeMutableBufferPointer<UInt8>

    /// The node of each `let`.
    let derivedRoots: UnsafeMutableBufferPointer<Int32>
    let categories: [Int32]
    let exclusions: [Int32]
    let exception: Int32
    let monitored: Int32
    let monitoredCategory: Int32
    let elimination: [(node: Int32, isRequire: Bool)]
    let recordRules: [CompiledRecordRules]
    let alerts: [CompiledAlert]
    let procedures: [CompiledProcedure]
    let maxVariables: Int
    /// The fields of the household's region (province, county, township),
    /// compared as bytes with the policy's region.
    let regionSlot: Int?
    let regionParts: [Int?]
    let policyRegion: [[UInt8]]
    let idSlot: Int?
    let json: ResultFragments
    /// For what the general evaluator does on dates (working days, due dates).
    let evaluator: Evaluator

    struct CompiledRecordRules {
        let fieldCount: Int
        let defaults: [(slot: Int, node: Int32)]
        let checks: [Int32]
        let nested: [(slot: Int, record: Int, isList: Bool)]
    }

    struct CompiledAlert {
        let months: (first: Int, last: Int)?
        let triggerList: Int32
        let triggerFilter: Int32
        let triggerDateSlot: Int
        let condition: Int32
        let schedules: [(interval: ScheduleInterval, guardNode: Int32)]
    }

    struct CompiledProcedure {
        let decisions: Set<DecisionKind>
        let start: Int32
        let deadline: Duration?
        let greenChannel: Int32
        let steps: [CompiledStep]
        /// The index of the procedure's first step among all steps.
        let firstStep: Int
    }

    struct CompiledStep {
        let duration: Duration?
        let alongside: Int?
        let skipWhen: Int32
        let fixedDate: CivilDate?
    }

    private init(plan: Plan, builder: Builder, derived: [Int32], categories: [Int32], exclusions: [Int32], exception: Int32,
                 monitored: Int32, monitoredCategory: Int32, elimination: [(node: Int32, isRequire: Bool)],
                 recordRules: [CompiledRecordRules], alerts: [CompiledAlert], procedures: [CompiledProcedure]) {
        self.plan = plan
        func copy<T>(_ array: [T]) -> UnsafeMutableBufferPointer<T> {
            let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: max(1, array.count))
            _ = buffer.initialize(from: array)
            return UnsafeMutableBufferPointer(rebasing: buffer[0..<array.count])
        }
        nodes = copy(builder.nodes)
        operands = copy(builder.operands)
        paths = copy(builder.paths)
        constantItems = copy(builder.constantItems)
        constantText = copy(builder.constantText)
        derivedRoots = copy(derived)
        self.categories = categories
        self.exclusions = exclusions
        self.exception = exception
        self.monitored = monitored
        self.monitoredCategory = monitoredCategory
        self.elimination = elimination
        self.recordRules = recordRules
        self.alerts = alerts
        self.procedures = procedures
        maxVariables = max(1, plan.maxVariables)
        let schema = plan.schema
        if let slot = schema.rootRecord.slot(of: "region"), case .record(let type) = schema.rootRecord.fields[slot].type {
            regionSlot = slot
            regionParts = ["province", "county", "township"].map { schema.records[type].slot(of: $0) }
        } else {
            regionSlot = nil
            regionParts = []
        }
        policyRegion = plan.metadata.region.map { Array($0.utf8) }
        idSlot = schema.rootRecord.fields.first { $0.name == "id" && $0.type == .text }?.slot
        json = ResultFragments(plan)
        evaluator = Evaluator(plan: plan)
    }

    deinit {
        for buffer in [UnsafeMutableRawPointer(nodes.baseAddress), UnsafeMutableRawPointer(operands.baseAddress),
                       UnsafeMutableRawPointer(paths.baseAddress), UnsafeMutableRawPointer(constantItems.baseAddress),
                       UnsafeMutableRawPointer(constantText.baseAddress), UnsafeMutableRawPointer(derivedRoots.baseAddress)] {
            buffer?.deallocate()
        }
    }

    /// The plan compiled, or nil when it holds something the compiled
    /// evaluation does not do.
    static func compile(_ plan: Plan) -> CompiledPlan? {
        var builder = Builder()
        // A default that reads the household or a `let` would see the
        // defaults of other records, which the general path fills in on
        // copies; such schemas are left to it.
        for rules in plan.recordRules {
            for (_, node) in rules.defaults where !readsOnlyItsRecord(node) { return nil }
        }
        guard plan.exclusions.count <= 64, plan.elimination.count <= 64, plan.alerts.count <= 64,
              plan.procedures.reduce(0, { $0 + $1.steps.count }) <= 64, plan.categories.count < 64 else { return nil }
        do {
            let derived = try plan.derived.map { try builder.add($0.node) }
            let categories = try plan.categories.map { try builder.add($0.condition) }
            let exclusions = try plan.exclusions.map { try builder.add($0.condition) }
            let exception = try plan.exception.map { try builder.add($0.condition) } ?? -1
            let monitored = try plan.monitored.map { try builder.add($0.condition) } ?? -1
            let monitoredCategory = try plan.monitored?.category.map { try builder.add($0) } ?? -1
            let elimination = try plan.elimination.map { (node: try builder.add($0.condition), isRequire: $0.kind == .require) }
            let recordRules = try plan.recordRules.enumerated().map { type, rules in
                CompiledRecordRules(fieldCount: plan.schema.records[type].fields.count,
                                    defaults: try rules.defaults.map { (slot: $0.slot, node: try builder.add($0.node)) },
                                    checks: try rules.checks.map { try builder.add($0.node) }, nested: rules.nested)
            }
            let alerts = try plan.alerts.map { alert in
                CompiledAlert(months: alert.months, triggerList: try alert.trigger.map { try builder.add($0.list) } ?? -1,
                              triggerFilter: try alert.trigger?.filter.map { try builder.add($0) } ?? -1,
                              triggerDateSlot: alert.trigger?.dateSlot ?? -1,
                              condition: try alert.condition.map { try builder.add($0) } ?? -1,
                              schedules: try alert.schedules.map { (interval: $0.interval, guardNode: try $0.guardCondition.map { try builder.add($0) } ?? -1) })
            }
            var firstStep = 0
            var procedures: [CompiledProcedure] = []
            for procedure in plan.procedures {
                let steps = try procedure.steps.map { step in
                    CompiledStep(duration: step.duration, alongside: step.alongside,
                                 skipWhen: try step.skipWhen.map { try builder.add($0) } ?? -1, fixedDate: step.fixedDate)
                }
                procedures.append(CompiledProcedure(decisions: procedure.decisions, start: try procedure.start.map { try builder.add($0) } ?? -1,
                                                    deadline: procedure.deadline,
                                                    greenChannel: try procedure.greenChannel.map { try builder.add($0) } ?? -1,
                                                    steps: steps, firstStep: firstStep))
                firstStep += steps.count
            }
            guard builder.nodes.count < Int32.max / 2, builder.constantText.count < Int32.max / 2 else { return nil }
            return CompiledPlan(plan: plan, builder: builder, derived: derived, categories: categories, exclusions: exclusions,
                                exception: exception, monitored: monitored, monitoredCategory: monitoredCategory,
                                elimination: elimination, recordRules: recordRules, alerts: alerts, procedures: procedures)
        } catch {
            return nil
        }
    }

    static func readsOnlyItsRecord(_ node: PlanNode) -> Bool {
        switch node {
        case .rootPath, .derived: return false
        case .constant, .today, .currentPath, .variablePath: return true
        case .member(let a, _, _), .not(let a), .negateNumber(let a), .negateDuration(let a): return readsOnlyItsRecord(a)
        case .and(let a, let b), .or(let a, let b), .compare(_, let a, let b), .contains(let a, let b, _), .arithmetic(_, let a, let b),
             .shiftDate(let a, let b, _, _), .durationArithmetic(_, let a, let b), .scaleDuration(let a, let b), .otherwise(let a, let b):
            return readsOnlyItsRecord(a) && readsOnlyItsRecord(b)
        case .conditional(let a, let b, let c): return readsOnlyItsRecord(a) && readsOnlyItsRecord(b) && readsOnlyItsRecord(c)
        case .call(_, let arguments), .list(let arguments): return arguments.allSatisfy(readsOnlyItsRecord)
        case .quantifier(_, _, let list, let filter, let body, _):
            return readsOnlyItsRecord(list) && (filter.map(readsOnlyItsRecord) ?? true) && (body.map(readsOnlyItsRecord) ?? true)
        }
    }

    /// Something a plan holds that the compiled evaluation does not do.
    struct Unsupported: Error {}

    /// Flattens plan nodes into the tables.
    private struct Builder {
        var nodes: [CompiledNode] = []
        var operands: [Int32] = []
        var paths: [Int32] = []
        var constantItems: [SlotValue] = []
        var constantText: [UInt8] = []

        mutating func add(_ node: PlanNode) throws(Unsupported) -> Int32 {
            let compiled = try lower(node)
            nodes.append(compiled)
            return Int32(nodes.count - 1)
        }

        mutating func add(_ node: PlanNode?) throws(Unsupported) -> Int32 {
            guard let node else { return -1 }
            return try add(node)
        }

        mutating func slots(_ slots: [Int]) -> (start: Int32, count: Int32) {
            let start = Int32(paths.count)
            paths.append(contentsOf: slots.map { Int32($0) })
            return (start, Int32(slots.count))
        }

        mutating func operandList(_ list: [PlanNode]) throws(Unsupported) -> (start: Int32, count: Int32) {
            var indices: [Int32] = []
            for node in list { indices.append(try add(node)) }
            let start = Int32(operands.count)
            operands.append(contentsOf: indices)
            return (start, Int32(indices.count))
        }

        mutating func constant(_ value: Value) throws(Unsupported) -> SlotValue {
            switch value {
            case .unknown: return .unknown
            case .bool(let truth): return .bool(truth)
            case .number(let number): return .number(number)
            case .date(let date): return .date(date)
            case .duration(let amount): return .duration(amount)
            case .enumeration(let member): return .enumeration(member)
            case .text(let text):
                let start = Int32(constantText.count)
                constantText.append(contentsOf: text.utf8)
                return .text(TextRef(start: start, count: Int32(text.utf8.count), isConstant: true))
            case .list(let elements):
                var converted: [SlotValue] = []
                for element in elements { converted.append(try constant(element)) }
                let start = Int32(constantItems.count)
                constantItems.append(contentsOf: converted)
                return .list(ListRef(start: start, count: Int32(converted.count), isConstant: true))
            case .record:
                throw Unsupported()
            }
        }

        mutating func lower(_ node: PlanNode) throws(Unsupported) -> CompiledNode {
            switch node {
            case .constant(let value): return .constant(try constant(value))
            case .today: return .today
            case .derived(let index): return .derived(Int32(index))
            case .rootPath(let slots, _):
                let (start, count) = self.slots(slots)
                return .rootPath(start: start, count: count)
            case .currentPath(let slots, _):
                let (start, count) = self.slots(slots)
                return .currentPath(start: start, count: count)
            case .variablePath(let depth, let slots, _):
                let (start, count) = self.slots(slots)
                return .variablePath(depth: Int32(depth), start: start, count: count)
            case .member(let base, let slot, _): return .member(try add(base), slot: Int32(slot))
            case .not(let operand): return .not(try add(operand))
            case .negateNumber(let operand): return .negateNumber(try add(operand))
            case .negateDuration(let operand): return .negateDuration(try add(operand))
            case .and(let a, let b): return .and(try add(a), try add(b))
            case .or(let a, let b): return .or(try add(a), try add(b))
            case .compare(let op, let a, let b): return .compare(op, try add(a), try add(b))
            case .contains(let element, let list, let negated): return .contains(element: try add(element), list: try add(list), negated: negated)
            case .arithmetic(let op, let a, let b): return .arithmetic(op, try add(a), try add(b))
            case .shiftDate(let date, let amount, let unit, let negative):
                return .shiftDate(try add(date), by: try add(amount), unit: unit, negative: negative)
            case .durationArithmetic(let subtract, let a, let b): return .durationArithmetic(subtract: subtract, try add(a), try add(b))
            case .scaleDuration(let a, let b): return .scaleDuration(try add(a), by: try add(b))
            case .conditional(let c, let a, let b): return .conditional(try add(c), try add(a), try add(b))
            case .otherwise(let a, let b): return .otherwise(try add(a), try add(b))
            case .call(let builtin, let arguments):
                let (start, count) = try operandList(arguments)
                return .call(builtin, start: start, count: count)
            case .quantifier(let kind, let depth, let list, let filter, let body, let zero):
                let durationZero: Bool
                switch zero {
                case .duration: durationZero = true
                case .number: durationZero = false
                default: throw Unsupported()
                }
                return .quantifier(kind, depth: Int32(depth), list: try add(list), filter: try add(filter), body: try add(body),
                                   durationZero: durationZero)
            case .list(let elements):
                let (start, count) = try operandList(elements)
                return .list(start: start, count: count)
            }
        }
    }
}
