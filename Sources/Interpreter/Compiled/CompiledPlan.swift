/// One node of a compiled plan: a `PlanNode` whose operands are indices into
/// the plan's node table rather than boxes, so that walking it copies plain
/// bits. `-1` stands for an operand that is not there.
enum CompiledNode: Sendable {
    /// `constants[index]`. No case holds a value itself: with operands of
    /// plain integers the node is small and its kind a byte of its own, so
    /// the dispatch on it is a load and a jump.
    case constant(Int32)
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

    // Shapes common enough to deserve a node of their own: fewer nodes to walk.

    /// A field of the household (a path of one slot).
    case rootField(Int32)
    /// A field of a quantifier's variable (a path of one slot).
    case variableField(depth: Int32, slot: Int32)
    /// A field of the record a schema check or default is declared in (a path of one slot).
    case currentField(Int32)
    /// A comparison with a constant (`constants[constant]`) on the right.
    case compareConstant(ComparisonOperator, Int32, constant: Int32)
    /// Membership of an enumeration member in a written list of members
    /// (bit `m` of `members` for member `m`, all below 64).
    case memberOf(Int32, members: UInt64, negated: Bool)
}

/// A plan compiled for `CompiledEvaluator`: nodes in one table, names of
/// rules already written as JSON, and limits (at most 64 exclusions,
/// elimination conditions, alerts and steps) that let a household's answer
/// be held in bit sets. `compile` gives nil for a plan it cannot take
/// (constant records, more than 64 of something); such a policy is
/// evaluated by the general path only.
final class CompiledPlan: @unchecked Sendable {
    let plan: Plan
    /// The tables are frozen (`FrozenArrays`): reading them from several
    /// threads touches no reference count.
    let nodes: UnsafeBufferPointer<CompiledNode>
    let operands: UnsafeBufferPointer<Int32>
    let paths: UnsafeBufferPointer<Int32>
    /// The constants of the nodes.
    let constants: UnsafeBufferPointer<SlotValue>
    let constantItems: UnsafeBufferPointer<SlotValue>
    let constantText: UnsafeBufferPointer<UInt8>
    /// The node of each `let`.
    let derivedRoots: UnsafeBufferPointer<Int32>
    let categories: UnsafeBufferPointer<Int32>
    let exclusions: UnsafeBufferPointer<Int32>
    let exception: Int32
    let monitored: Int32
    let monitoredCategory: Int32
    /// The category of each member of the `monitored` rule's enumeration (-1: none).
    let categoryOfMember: UnsafeBufferPointer<Int32>
    let elimination: UnsafeBufferPointer<CompiledCondition>
    let recordRules: UnsafeBufferPointer<CompiledRecordRules>
    let defaults: UnsafeBufferPointer<(slot: Int32, node: Int32)>
    let checks: UnsafeBufferPointer<Int32>
    let nested: UnsafeBufferPointer<(slot: Int32, record: Int32, isList: Bool)>
    let alerts: UnsafeBufferPointer<CompiledAlert>
    /// Alerts triggered by events of some kinds from one list of the
    /// household, found in one pass over the list (`KindTriggers`).
    let kindTriggers: KindTriggers?
    let schedules: UnsafeBufferPointer<CompiledSchedule>
    let procedures: UnsafeBufferPointer<CompiledProcedure>
    let steps: UnsafeBufferPointer<CompiledStep>
    let maxVariables: Int
    /// The nodes the decision reads, evaluated for a block of households at
    /// once (`BlockRun`), and for each node its index among them (-1: none).
    let decisionRoots: UnsafeBufferPointer<Int32>
    let rootOf: UnsafeBufferPointer<Int32>
    /// Whether households can be decided in blocks (`BlockRoots.decidesInBlocks`).
    let decidesInBlocks: Bool
    /// Whether each node's value is a truth value by its kind (`BlockRoots.isTruth`).
    let isTruth: UnsafeBufferPointer<Bool>
    /// Whether each node's value is a number by its kind (`BlockRoots.isNumber`).
    let isNumber: UnsafeBufferPointer<Bool>
    /// The schema's record type of the household.
    let rootType: Int
    /// Which fields a household's slots keep, and where.
    let layout: SlotLayout
    /// The fields of the household's region (province, county, township),
    /// compared as bytes with the policy's region.
    let regionSlot: Int?
    let regionParts: [Int?]
    /// The township and village fields of the region, for reports by place.
    let townshipSlot: Int?
    let villageSlot: Int?
    let policyRegion: [[UInt8]]
    let idSlot: Int?
    let json: ResultFragments
    /// For what the general evaluator does on dates (working days, due dates).
    let evaluator: Evaluator
    private let frozen: FrozenArrays

    struct CompiledCondition {
        let node: Int32
        let isRequire: Bool
    }

    /// A record type's defaults, checks and nested records: ranges of
    /// `defaults`, `checks` and `nested`. Only the nested records with
    /// defaults (or checks) of their own or further in are gone into to
    /// fill defaults (or to run checks): the others have nothing to do.
    struct CompiledRecordRules {
        let defaults: Range<Int>
        let checks: Range<Int>
        let nestedWithDefaults: Range<Int>
        let nestedWithChecks: Range<Int>
    }

    struct CompiledAlert {
        let months: (first: Int, last: Int)?
        let triggerList: Int32
        let triggerFilter: Int32
        let triggerDateSlot: Int
        /// A filter that only tests the event's kind (`e.kind == K`,
        /// `e.kind in [K, L]`): the kind's slot and the members (bit `m` for
        /// member `m`), read without walking the filter's nodes.
        var triggerKinds: (slot: Int, members: UInt64)? = nil
        let condition: Int32
        /// A range of `schedules`.
        let schedules: Range<Int>
    }

    /// Alerts whose trigger only tests the kind of an event (`triggerKinds`)
    /// in the same field of the household, with the same date and kind
    /// fields: one pass over the events finds the latest event of each.
    struct KindTriggers {
        /// The household's field that holds the events.
        let listSlot: Int
        let dateSlot: Int
        let kindSlot: Int
        /// Bit `a` for alert `a` of the group.
        let alerts: UInt64
        /// For each member of the kind (below 64), the alerts of the group it
        /// triggers; frozen, so that reading it touches no reference count.
        let alertsOfMember: UnsafeBufferPointer<UInt64>

        init?(_ alerts: [CompiledAlert], nodes: [CompiledNode], _ frozen: inout FrozenArrays) {
            var first: (list: Int, date: Int, kind: Int)?
            var group: UInt64 = 0
            var alertsOfMember = [UInt64](repeating: 0, count: 64)
            for (index, alert) in alerts.enumerated() {
                guard let (kindSlot, members) = alert.triggerKinds, alert.triggerList >= 0,
                      case .rootField(let listSlot) = nodes[Int(alert.triggerList)] else { continue }
                let shape = (list: Int(listSlot), date: alert.triggerDateSlot, kind: kindSlot)
                if let first, first != shape { continue }
                first = shape
                group |= 1 << UInt64(index)
                for member in 0..<64 where members & (1 << UInt64(member)) != 0 { alertsOfMember[member] |= 1 << UInt64(index) }
            }
            guard let first, group != 0 else { return nil }
            (listSlot, dateSlot, kindSlot) = first
            self.alerts = group
            self.alertsOfMember = frozen.keep(alertsOfMember)
        }
    }

    struct CompiledSchedule {
        let interval: ScheduleInterval
        let guardNode: Int32
    }

    struct CompiledProcedure {
        /// Bit `order` of each decision the procedure is for.
        let decisions: UInt16
        let start: Int32
        let deadline: Duration?
        let greenChannel: Int32
        /// A range of `steps` (the procedure's first step is `steps.lowerBound`).
        let steps: Range<Int>

        func isFor(_ decision: DecisionKind) -> Bool { decisions & (1 << UInt16(decision.order)) != 0 }
    }

    struct CompiledStep {
        let duration: Duration?
        let alongside: Int?
        let skipWhen: Int32
        let fixedDate: CivilDate?
    }

    private init(plan: Plan, builder: Builder, rules: Rules, layout: SlotLayout, frozen: FrozenArrays) {
        self.plan = plan
        self.layout = layout
        var frozen = frozen
        nodes = frozen.keep(builder.nodes)
        operands = frozen.keep(builder.operands)
        paths = frozen.keep(builder.paths)
        constants = frozen.keep(builder.constants)
        constantItems = frozen.keep(builder.constantItems)
        constantText = frozen.keep(builder.constantText)
        derivedRoots = frozen.keep(rules.derived)
        categories = frozen.keep(rules.categories)
        exclusions = frozen.keep(rules.exclusions)
        exception = rules.exception
        monitored = rules.monitored
        monitoredCategory = rules.monitoredCategory
        categoryOfMember = frozen.keep(plan.monitored?.categoryOfMember.map { Int32($0 ?? -1) } ?? [])
        elimination = frozen.keep(rules.elimination)
        recordRules = frozen.keep(rules.recordRules)
        defaults = frozen.keep(rules.defaults)
        checks = frozen.keep(rules.checks)
        nested = frozen.keep(rules.nested)
        alerts = frozen.keep(rules.alerts)
        kindTriggers = KindTriggers(rules.alerts, nodes: builder.nodes, &frozen)
        schedules = frozen.keep(rules.schedules)
        procedures = frozen.keep(rules.procedures)
        steps = frozen.keep(rules.steps)
        maxVariables = max(1, plan.maxVariables)
        var decisionNodes = [rules.monitored, rules.monitoredCategory] + rules.categories + rules.exclusions + [rules.exception]
        decisionNodes += rules.elimination.map(\.node) + rules.alerts.map(\.condition) + rules.schedules.map(\.guardNode)
        decisionNodes += rules.procedures.flatMap { [$0.start, $0.greenChannel] } + rules.steps.map(\.skipWhen)
        let blocks = BlockRoots(nodes: builder.nodes, operands: builder.operands, constants: builder.constants, derivedRoots: rules.derived, decisionNodes: decisionNodes,
                                triggerFilters: rules.alerts.map(\.triggerFilter))
        decisionRoots = frozen.keep(blocks.roots)
        rootOf = frozen.keep(blocks.rootOf)
        decidesInBlocks = blocks.decidesInBlocks
        isTruth = frozen.keep(blocks.isTruth)
        isNumber = frozen.keep(blocks.isNumber)
        rootType = plan.schema.root
        let schema = plan.schema
        if let (slot, type) = Self.regionField(schema) {
            func kept(_ part: String) -> Int? { schema.records[type].slot(of: part).map { layout.slot(type, $0) } }
            regionSlot = layout.slot(schema.root, slot)
            regionParts = Self.regionParts.map(kept)
            townshipSlot = kept("township")
            villageSlot = kept("village")
        } else {
            regionSlot = nil
            regionParts = []
            townshipSlot = nil
            villageSlot = nil
        }
        policyRegion = plan.metadata.region.map { Array($0.utf8) }
        idSlot = Self.idField(schema).map { layout.slot(schema.root, $0) }
        json = ResultFragments(plan, &frozen)
        self.frozen = frozen
        evaluator = Evaluator(plan: plan)
    }

    deinit { frozen.free() }

    /// The rules of a plan as node indices, before they are frozen.
    private struct Rules {
        var derived: [Int32] = []
        var categories: [Int32] = []
        var exclusions: [Int32] = []
        var exception: Int32 = -1
        var monitored: Int32 = -1
        var monitoredCategory: Int32 = -1
        var elimination: [CompiledCondition] = []
        var recordRules: [CompiledRecordRules] = []
        var defaults: [(slot: Int32, node: Int32)] = []
        var checks: [Int32] = []
        var nested: [(slot: Int32, record: Int32, isList: Bool)] = []
        var alerts: [CompiledAlert] = []
        var schedules: [CompiledSchedule] = []
        var procedures: [CompiledProcedure] = []
        var steps: [CompiledStep] = []
    }

    /// For each record type, whether it has rules `has` accepts, or holds
    /// (at any depth) a record that has.
    static func reaching(_ types: [PlannedRecordRules], _ has: (PlannedRecordRules) -> Bool) -> [Bool] {
        var reaches = types.map(has)
        var changed = true
        while changed {
            changed = false
            for (type, rules) in types.enumerated() where !reaches[type] && rules.nested.contains(where: { reaches[$0.record] }) {
                reaches[type] = true
                changed = true
            }
        }
        return reaches
    }

    /// The plan compiled, or nil when it holds something the compiled
    /// evaluation does not do.
    static func compile(_ plan: Plan) -> CompiledPlan? {
        // Compiled once to learn which fields the plan reads, then again to
        // read them where the layout keeps them (`SlotLayout`).
        guard let (gathered, gatheredRules) = build(plan, layout: nil) else { return nil }
        var frozen = FrozenArrays()
        var reads = gathered.reads
        if reads.complete {
            let layout = SlotLayout(kept: reads.kept, &frozen)
            if let (builder, rules) = build(plan, layout: layout), builder.reads.complete {
                return CompiledPlan(plan: plan, builder: builder, rules: rules, layout: layout, frozen: frozen)
            }
        }
        frozen.free()
        frozen = FrozenArrays()
        reads.keepAll()
        return CompiledPlan(plan: plan, builder: gathered, rules: gatheredRules, layout: SlotLayout(kept: reads.kept, &frozen), frozen: frozen)
    }

    /// The plan's nodes and rules, their fields read where `layout` keeps
    /// them (nil: where the schema numbers them); nil when the plan holds
    /// something the compiled evaluation does not do.
    private static func build(_ plan: Plan, layout: SlotLayout?) -> (Builder, Rules)? {
        var builder = Builder(schema: plan.schema, derived: plan.derived.map(\.node), layout: layout)
        // A default that reads the household or a `let` would see the
        // defaults of other records, which the general path fills in on
        // copies; such schemas are left to it.
        for rules in plan.recordRules {
            for (_, node) in rules.defaults where !readsOnlyItsRecord(node) { return nil }
        }
        guard plan.exclusions.count <= 64, plan.elimination.count <= 64, plan.alerts.count <= 64,
              plan.procedures.reduce(0, { $0 + $1.steps.count }) <= 64, plan.categories.count < 64 else { return nil }
        do {
            var rules = Rules()
            rules.derived = try plan.derived.map { try builder.add($0.node) }
            rules.categories = try plan.categories.map { try builder.add($0.condition) }
            rules.exclusions = try plan.exclusions.map { try builder.add($0.condition) }
            rules.exception = try builder.add(plan.exception?.condition)
            rules.monitored = try builder.add(plan.monitored?.condition)
            rules.monitoredCategory = try builder.add(plan.monitored?.category)
            rules.elimination = try plan.elimination.map { CompiledCondition(node: try builder.add($0.condition), isRequire: $0.kind == .require) }
            let withDefaults = reaching(plan.recordRules) { !$0.defaults.isEmpty }
            let withChecks = reaching(plan.recordRules) { !$0.checks.isEmpty }
            for (typeIndex, type) in plan.recordRules.enumerated() {
                let defaults = rules.defaults.count, checks = rules.checks.count
                // A check or default reads the record it is declared in.
                builder.current = typeIndex
                defer { builder.current = nil }
                for (slot, node) in type.defaults { rules.defaults.append((Int32(builder.kept(typeIndex, slot)), try builder.add(node))) }
                for (_, node) in type.checks { rules.checks.append(try builder.add(node)) }
                let firstWithDefaults = rules.nested.count
                for (slot, record, isList) in type.nested where withDefaults[record] {
                    rules.nested.append((Int32(builder.kept(typeIndex, slot)), Int32(record), isList))
                }
                let firstWithChecks = rules.nested.count
                for (slot, record, isList) in type.nested where withChecks[record] {
                    rules.nested.append((Int32(builder.kept(typeIndex, slot)), Int32(record), isList))
                }
                rules.recordRules.append(CompiledRecordRules(defaults: defaults..<rules.defaults.count, checks: checks..<rules.checks.count,
                                                             nestedWithDefaults: firstWithDefaults..<firstWithChecks,
                                                             nestedWithChecks: firstWithChecks..<rules.nested.count))
            }
            for alert in plan.alerts {
                let first = rules.schedules.count
                for schedule in alert.schedules {
                    rules.schedules.append(CompiledSchedule(interval: schedule.interval, guardNode: try builder.add(schedule.guardCondition)))
                }
                // The trigger's filter reads the list's element as variable 0.
                let element = alert.trigger.flatMap { builder.elementType(of: $0.list) }
                let triggerList = try builder.add(alert.trigger?.list)
                builder.variables = [element]
                let triggerFilter = try builder.add(alert.trigger?.filter)
                builder.variables = []
                var triggerDateSlot = -1
                if let trigger = alert.trigger {
                    if case .record(let event)? = element { triggerDateSlot = builder.kept(event, trigger.dateSlot) } else { builder.reads.complete = false }
                }
                var compiled = CompiledAlert(months: alert.months, triggerList: triggerList, triggerFilter: triggerFilter,
                                             triggerDateSlot: triggerDateSlot,
                                             condition: try builder.add(alert.condition), schedules: first..<rules.schedules.count)
                compiled.triggerKinds = builder.kindTest(compiled.triggerFilter)
                rules.alerts.append(compiled)
            }
            for procedure in plan.procedures {
                let first = rules.steps.count
                for step in procedure.steps {
                    rules.steps.append(CompiledStep(duration: step.duration, alongside: step.alongside,
                                                    skipWhen: try builder.add(step.skipWhen), fixedDate: step.fixedDate))
                }
                let decisions = procedure.decisions.reduce(UInt16(0)) { $0 | (1 << UInt16($1.order)) }
                rules.procedures.append(CompiledProcedure(decisions: decisions, start: try builder.add(procedure.start),
                                                          deadline: procedure.deadline, greenChannel: try builder.add(procedure.greenChannel),
                                                          steps: first..<rules.steps.count))
            }
            guard builder.nodes.count < Int32.max / 2, builder.constantText.count < Int32.max / 2 else { return nil }
            // The output and the region check read the id and the region.
            let schema = plan.schema
            if let id = CompiledPlan.idField(schema) { _ = builder.kept(schema.root, id) }
            if let (slot, type) = CompiledPlan.regionField(schema) {
                _ = builder.kept(schema.root, slot)
                for part in CompiledPlan.regionParts + ["village"] {
                    if let field = schema.records[type].slot(of: part) { _ = builder.kept(type, field) }
                }
            }
            return (builder, rules)
        } catch {
            return nil
        }
    }

    static let regionParts = ["province", "county", "township"]

    /// The household's `id` field, when it is text.
    static func idField(_ schema: Schema) -> Int? {
        schema.rootRecord.fields.first { $0.name == "id" && $0.type == .text }?.slot
    }

    /// The household's `region` field and its record type, when it is a record.
    static func regionField(_ schema: Schema) -> (slot: Int, type: Int)? {
        guard let slot = schema.rootRecord.slot(of: "region"), case .record(let type) = schema.rootRecord.fields[slot].type else { return nil }
        return (slot, type)
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
        let schema: Schema
        /// The node of each `let`, for the type of what it gives.
        let derived: [PlanNode]
        /// Where each field is kept (nil: where the schema numbers it).
        let layout: SlotLayout?
        /// The fields read so far.
        var reads: FieldReads
        /// The record type the check or default being compiled is declared
        /// in (nil: none), and the type of each quantifier's variable in
        /// scope, by depth (nil: not known).
        var current: Int?
        var variables: [ValueType?] = []
        var nodes: [CompiledNode] = []
        var operands: [Int32] = []
        var paths: [Int32] = []
        var constants: [SlotValue] = []
        var constantItems: [SlotValue] = []

        init(schema: Schema, derived: [PlanNode], layout: SlotLayout?) {
            self.schema = schema
            self.derived = derived
            self.layout = layout
            reads = FieldReads(schema)
        }

        /// Where field `field` of record type `type` is kept, which is now read.
        mutating func kept(_ type: Int, _ field: Int) -> Int {
            reads.read(type, field)
            return layout.map { $0.slot(type, field) } ?? field
        }

        /// The record type each slot of a path that begins at a value of type
        /// `start` is a field of, and the type of what the path ends at; nil
        /// when a step is not a field of a record (or the start is not known).
        func records(along slots: [Int], from start: ValueType?) -> (records: [Int], end: ValueType?)? {
            var type = start
            var records: [Int] = []
            for slot in slots {
                guard case .record(let record)? = type, slot >= 0, slot < schema.records[record].fields.count else { return nil }
                records.append(record)
                type = schema.records[record].fields[slot].type
            }
            return (records, type)
        }

        /// The slots of a path that begins at a value of type `start`, where
        /// they are kept. When its types are not known, the fields it reads
        /// are not known: the slots are given as they are, and `reads` is
        /// not complete.
        mutating func follow(_ start: ValueType?, _ slots: [Int]) -> [Int] {
            guard let (records, _) = records(along: slots, from: start) else {
                reads.complete = false
                return slots
            }
            return zip(records, slots).map { kept($0, $1) }
        }

        /// The type of what `node` gives where it is a record or a list of
        /// them, as far as a path's fields need it (nil: anything else, or not known).
        func type(of node: PlanNode, depth: Int = 0) -> ValueType? {
            // A `let` is declared outside any check or quantifier; `let`s read one another only so deep.
            guard depth < 64 else { return nil }
            func along(_ start: ValueType?, _ slots: [Int]) -> ValueType? { records(along: slots, from: start)?.end }
            switch node {
            case .rootPath(let slots, _): return along(.record(schema.root), slots)
            case .currentPath(let slots, _): return along(current.map { .record($0) }, slots)
            case .variablePath(let variable, let slots, _): return along(variable < variables.count ? variables[variable] : nil, slots)
            case .member(let base, let slot, _): return along(type(of: base, depth: depth + 1), [slot])
            case .derived(let index):
                guard index >= 0, index < derived.count else { return nil }
                var outside = self
                outside.current = nil
                outside.variables = []
                return outside.type(of: derived[index], depth: depth + 1)
            case .conditional(_, let a, let b), .otherwise(let a, let b): return type(of: a, depth: depth + 1) ?? type(of: b, depth: depth + 1)
            case .list(let elements): return elements.lazy.compactMap { self.type(of: $0, depth: depth + 1) }.first.map { .list($0) }
            default: return nil
            }
        }

        /// The type of the elements of the list `node` gives, when known.
        func elementType(of node: PlanNode) -> ValueType? {
            guard case .list(let element)? = type(of: node) else { return nil }
            return element
        }

        mutating func add(constant: SlotValue) -> Int32 {
            constants.append(constant)
            return Int32(constants.count - 1)
        }
        var constantText: [UInt8] = []

        mutating func add(_ node: PlanNode) throws(Unsupported) -> Int32 {
            let compiled = try lower(node)
            nodes.append(compiled)
            return Int32(nodes.count - 1)
        }

        /// When node `index` only tests a field of the first quantifier's
        /// variable for members of an enumeration (`e.kind == K`, `e.kind in
        /// [K, L]`): the field's slot and the members. It holds for a member
        /// in the set and for nothing else (not for an unknown value).
        func kindTest(_ index: Int32) -> (slot: Int, members: UInt64)? {
            guard index >= 0 else { return nil }
            func variableSlot(_ operand: Int32) -> Int? {
                guard case .variableField(0, let slot) = nodes[Int(operand)] else { return nil }
                return Int(slot)
            }
            switch nodes[Int(index)] {
            case .compareConstant(.equal, let operand, let constant):
                guard case .enumeration(let member) = constants[Int(constant)], member >= 0, member < 64 else { return nil }
                return variableSlot(operand).map { ($0, UInt64(1) << UInt64(member)) }
            case .memberOf(let operand, let members, negated: false):
                return variableSlot(operand).map { ($0, members) }
            default:
                return nil
            }
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
            if let scalar = SlotValue(scalar: value) { return scalar }
            switch value {
            case .unknown, .bool, .number, .date, .duration, .enumeration: throw Unsupported()
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

        /// The members as a bit set, when all are enumeration members below 64.
        static func memberSet(_ values: [Value]) -> UInt64? {
            var set: UInt64 = 0
            for value in values {
                guard case .enumeration(let member) = value, member >= 0, member < 64 else { return nil }
                set |= 1 << UInt64(member)
            }
            return set
        }

        mutating func lower(_ node: PlanNode) throws(Unsupported) -> CompiledNode {
            switch node {
            case .constant(let value): return .constant(add(constant: try constant(value)))
            case .today: return .today
            case .derived(let index): return .derived(Int32(index))
            case .rootPath(let written, _):
                let slots = follow(.record(schema.root), written)
                if slots.count == 1 { return .rootField(Int32(slots[0])) }
                let (start, count) = self.slots(slots)
                return .rootPath(start: start, count: count)
            case .currentPath(let written, _):
                let slots = follow(current.map { .record($0) }, written)
                if slots.count == 1 { return .currentField(Int32(slots[0])) }
                let (start, count) = self.slots(slots)
                return .currentPath(start: start, count: count)
            case .variablePath(let depth, let written, _):
                let slots = follow(depth < variables.count ? variables[depth] : nil, written)
                if slots.count == 1 { return .variableField(depth: Int32(depth), slot: Int32(slots[0])) }
                let (start, count) = self.slots(slots)
                return .variablePath(depth: Int32(depth), start: start, count: count)
            case .member(let base, let written, _):
                let slot = follow(type(of: base), [written])[0]
                return .member(try add(base), slot: Int32(slot))
            case .not(let operand): return .not(try add(operand))
            case .negateNumber(let operand): return .negateNumber(try add(operand))
            case .negateDuration(let operand): return .negateDuration(try add(operand))
            case .and(let a, let b): return .and(try add(a), try add(b))
            case .or(let a, let b): return .or(try add(a), try add(b))
            case .compare(let op, let a, .constant(let constant)) where !constant.isUnknown:
                return .compareConstant(op, try add(a), constant: add(constant: try self.constant(constant)))
            case .compare(let op, let a, let b): return .compare(op, try add(a), try add(b))
            case .contains(let element, .constant(.list(let members)), let negated) where Builder.memberSet(members) != nil:
                return .memberOf(try add(element), members: Builder.memberSet(members) ?? 0, negated: negated)
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
                let listNode = try add(list)
                // The filter and the body read the list's element as variable `depth`.
                let outer = variables
                defer { variables = outer }
                while variables.count <= depth { variables.append(nil) }
                variables[depth] = elementType(of: list)
                return .quantifier(kind, depth: Int32(depth), list: listNode, filter: try add(filter), body: try add(body),
                                   durationZero: durationZero)
            case .list(let elements):
                let (start, count) = try operandList(elements)
                return .list(start: start, count: count)
            }
        }
    }
}
