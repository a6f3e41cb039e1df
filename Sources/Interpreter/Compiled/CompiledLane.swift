import Foundation

/// The compiled evaluation of one policy: a line of JSON Lines (or a record
/// the general reader has read) in, its result out, as the line of JSON Lines
/// or as a `HouseholdResult`; nil whenever the general path must do it (see
/// `SlotValue.swift`). A class: a caller holding it touches one reference
/// count, not one for each of its parts, and threads share the lane.
final class CompiledLane: Sendable {
    let plan: CompiledPlan
    let decoder: FastRecordDecoder
    let pool: CompiledScratchPool
    let asOf: CivilDate

    init?(plan: Plan, asOf: CivilDate, limits: JSONLimits) {
        guard let compiled = CompiledPlan.compile(plan) else { return nil }
        self.plan = compiled
        decoder = FastRecordDecoder(schema: plan.schema, limits: limits, tables: plan.recordTables)
        pool = CompiledScratchPool(compiled)
        self.asOf = asOf
    }

    /// Whether the line was read into `slots`, each record's fields where this plan keeps them (`SlotLayout`).
    func read(_ line: UnsafeBufferPointer<UInt8>, into slots: inout HouseholdSlots) -> Bool {
        decoder.decode(line, into: &slots, layout: plan.layout)
    }

    /// The household's id, its result as a line of JSON Lines and the decision.
    func evaluate(_ line: [UInt8], lineNumber: Int) -> (id: String?, output: [UInt8], decision: DecisionKind)? {
        let scratch = pool.take()
        defer { pool.giveBack(scratch) }
        return line.withUnsafeBufferPointer { buffer in evaluate(buffer, lineNumber: lineNumber, scratch) }
    }

    private func evaluate(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int, _ scratch: CompiledScratch)
        -> (id: String?, output: [UInt8], decision: DecisionKind)? {
        // The buffers are shared with the scratch memory; their new sizes are given back.
        var slots = scratch.slots
        defer { scratch.slots = slots }
        guard read(line, into: &slots) else { return nil }
        return evaluate(decoded: slots, line: line, lineNumber: lineNumber, scratch)
    }

    /// The result of a household already read into `slots` (by any lane of
    /// the same schema); `scratch` is this lane's.
    func evaluate(decoded slots: HouseholdSlots, line: UnsafeBufferPointer<UInt8>, lineNumber: Int, _ scratch: CompiledScratch)
        -> (id: String?, output: [UInt8], decision: DecisionKind)? {
        let out = ByteBuffer(capacity: 512 + line.count / 2)
        guard let (id, decision) = evaluate(decoded: slots, line: line, lineNumber: lineNumber, scratch, into: out) else { return nil }
        return (id, out.array, decision)
    }

    /// Appends the household's result, as a line of JSON Lines, to `out`
    /// (nothing when the general path must decide); its id and decision.
    func evaluate(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int, into out: ByteBuffer) -> (id: String?, decision: DecisionKind)? {
        let scratch = pool.take()
        defer { pool.giveBack(scratch) }
        var slots = scratch.slots
        defer { scratch.slots = slots }
        guard read(line, into: &slots) else { return nil }
        return evaluate(decoded: slots, line: line, lineNumber: lineNumber, scratch, into: out)
    }

    private func evaluate(decoded slots: HouseholdSlots, line: UnsafeBufferPointer<UInt8>, lineNumber: Int, _ scratch: CompiledScratch,
                          into out: ByteBuffer) -> (id: String?, decision: DecisionKind)? {
        guard let (outcome, id) = decide(slots, line, scratch) else { return nil }
        var writer = ResultBytes(into: out, dates: scratch.dateTexts)
        writer.write(outcome, id: id, line: lineNumber, asOf: asOf, plan: plan, scratch: scratch)
        return (id.map { String(decoding: $0, as: UTF8.self) }, outcome.decision)
    }

    /// The household's result as the general path gives it (`HouseholdResult`),
    /// for the writers of other formats and the commands that compare results.
    func result(_ line: [UInt8], lineNumber: Int) -> HouseholdResult? {
        let scratch = pool.take()
        defer { pool.giveBack(scratch) }
        var slots = scratch.slots
        defer { scratch.slots = slots }
        return line.withUnsafeBufferPointer { buffer -> HouseholdResult? in
            guard read(buffer, into: &slots), let (outcome, id) = decide(slots, buffer, scratch) else { return nil }
            var result = outcome.householdResult(plan, id: id.map { String(decoding: $0, as: UTF8.self) }, line: lineNumber, asOf: asOf,
                                                 scratch: scratch)
            result.township = text(slots, buffer, part: plan.townshipSlot)
            result.village = text(slots, buffer, part: plan.villageSlot)
            return result
        }
    }

    /// The result of a record the general reader has read (`RecordValue`),
    /// its id as that reader found it; nil when the general path must decide.
    func result(_ record: RecordValue, id: String?, line: Int) -> HouseholdResult? {
        let scratch = pool.take()
        defer { pool.giveBack(scratch) }
        var slots = scratch.slots
        defer { scratch.slots = slots }
        slots.reset()
        // Text goes into a buffer of its own, which the slots point into as into a line.
        var text: [UInt8] = []
        let schema = plan.plan.schema
        guard store(record, type: schema.root, &slots, &text) == 0 else { return nil }
        return text.withUnsafeBufferPointer { buffer -> HouseholdResult? in
            guard let (outcome, _) = decide(slots, buffer, scratch) else { return nil }
            return outcome.householdResult(plan, id: id, line: line, asOf: asOf, scratch: scratch)
        }
    }

    /// Writes a record into slots; where its fields begin.
    private func store(_ record: RecordValue, type: Int, _ slots: inout HouseholdSlots, _ text: inout [UInt8]) -> Int32? {
        let fields = plan.plan.schema.records[type].fields
        let base = slots.allocateRecord(Int(plan.layout.width[type]))
        for field in fields {
            let kept = plan.layout.slot(type, field.slot)
            guard kept >= 0 else { continue }
            guard let value = store(record[field.slot], field.type, &slots, &text),
                  let stored = StoredSlot.keeping(value, items: &slots.items) else { return nil }
            slots.fields[Int(base) + kept] = stored
        }
        return base
    }

    private func store(_ value: Value, _ type: ValueType, _ slots: inout HouseholdSlots, _ text: inout [UInt8]) -> SlotValue? {
        if let scalar = SlotValue(scalar: value) { return scalar }
        switch value {
        case .unknown, .bool, .number, .date, .duration, .enumeration: return nil
        case .text(let string):
            let start = text.count
            text.append(contentsOf: string.utf8)
            guard text.count <= Int(Int32.max) else { return nil }
            return .text(TextRef(start: Int32(start), count: Int32(text.count - start), isConstant: false))
        case .record(let record):
            guard case .record(let recordType) = type else { return nil }
            return store(record, type: recordType, &slots, &text).map { .record($0) }
        case .list(let elements):
            guard case .list(let element) = type else { return nil }
            var stored: [StoredSlot] = []
            stored.reserveCapacity(elements.count)
            for item in elements {
                // Numbers kept apart are written before the list's elements, which follow one another.
                guard let value = store(item, element, &slots, &text), let kept = StoredSlot.keeping(value, items: &slots.items) else { return nil }
                stored.append(kept)
            }
            // Lists inside the elements are in place already: this one's items follow them.
            let start = slots.items.count
            for value in stored { slots.items.append(value) }
            return .list(ListRef(start: Int32(start), count: Int32(stored.count), isConstant: false))
        }
    }

    /// The outcome and the id's bytes, or nil when the general path must decide.
    private func decide(_ slots: HouseholdSlots, _ line: UnsafeBufferPointer<UInt8>, _ scratch: CompiledScratch)
        -> (CompiledOutcome, UnsafeBufferPointer<UInt8>?)? {
        guard let (run, id) = prepare(slots, line, scratch), let outcome = try? run.decide() else { return nil }
        return (outcome, id)
    }

    /// A household read into slots, ready to be decided (its region checked,
    /// the schema's defaults filled and its checks passed): its run and the
    /// id's bytes, or nil when the general path must decide it.
    private func prepare(_ slots: HouseholdSlots, _ line: UnsafeBufferPointer<UInt8>, _ scratch: CompiledScratch)
        -> (CompiledRun, UnsafeBufferPointer<UInt8>?)? {
        guard regionMatches(slots, line) else { return nil }
        var id: UnsafeBufferPointer<UInt8>?
        if let slot = plan.idSlot, case .text(let text) = slots.value(slot) {
            let bytes = UnsafeBufferPointer(rebasing: line[Int(text.start)..<Int(text.start + text.count)])
            // Ids with characters the writer escapes (U+2028, U+2029) are left to it.
            if bytes.contains(0xE2) { return nil }
            id = bytes
        }
        let run = CompiledRun(plan: plan, fields: slots.fields.buffer, items: UnsafeBufferPointer(slots.items.buffer), line: line,
                              scratch: scratch, today: asOf)
        do {
            try run.prepare()
            return (run, id)
        } catch {
            return nil
        }
    }

    /// The results of records `range` of a block, in order, each line
    /// appended to `out` and its id and decision given to `done`. Up to 64
    /// lines at a time are read into slots (each into a lane of
    /// `scratch.block`) and decided together (`decideLanes`); a record that
    /// is not a line, or that the compiled evaluation leaves, is decided by
    /// `general`, which appends its line itself, in its place in the order.
    func evaluate(_ block: RecordBlock, _ range: Range<Int>, into out: ByteBuffer,
                  general: (Int) -> (id: String?, decision: DecisionKind), _ done: (String?, DecisionKind) -> Void) {
        let scratch = pool.take()
        defer { pool.giveBack(scratch) }
        let lanes = scratch.block
        var start = range.lowerBound
        while start < range.upperBound {
            var end = start
            var count = 0
            while end < range.upperBound, count < BlockRun.width {
                defer { end += 1 }
                guard let (line, number) = block.withLine(end, { line, number in (line, number) }) else { continue }
                var slots = lanes.slots(count)
                let decoded = read(line, into: &slots)
                lanes.keep(slots, count)
                guard decoded, let (run, id) = prepare(slots, line, scratch) else { continue }
                lanes.setLane(count, run)
                lanes.entries[count] = (end, number, id)
                count += 1
            }
            var next = start
            decideLanes(count, scratch) { lane, outcome in
                let (index, number, id) = lanes.entries[lane]
                while next < index {
                    let (generalID, decision) = general(next)
                    done(generalID, decision)
                    next += 1
                }
                next = index + 1
                guard let outcome else {
                    let (generalID, decision) = general(index)
                    done(generalID, decision)
                    return
                }
                var writer = ResultBytes(into: out, dates: scratch.dateTexts)
                writer.write(outcome, id: id, line: number, asOf: asOf, plan: plan, scratch: scratch)
                done(id.map { String(decoding: $0, as: UTF8.self) }, outcome.decision)
            }
            while next < end {
                let (generalID, decision) = general(next)
                done(generalID, decision)
                next += 1
            }
            start = end
        }
    }

    /// A text field of the household's region (township, village), when given and not empty.
    private func text(_ slots: HouseholdSlots, _ line: UnsafeBufferPointer<UInt8>, part: Int?) -> String? {
        guard let regionSlot = plan.regionSlot, let part, case .record(let region) = slots.value(regionSlot),
              case .text(let text) = slots.value(Int(region) + part), text.count > 0 else { return nil }
        return String(decoding: UnsafeBufferPointer(rebasing: line[Int(text.start)..<Int(text.start + text.count)]), as: UTF8.self)
    }

    /// The region a household read into slots states (province, county,
    /// township, as far as given), as `PolicySelector.region(of:)` reads it.
    func statedRegion(_ slots: HouseholdSlots, _ line: UnsafeBufferPointer<UInt8>) -> [String] {
        var names: [String] = []
        for part in plan.regionParts {
            guard let name = text(slots, line, part: part) else { break }
            names.append(name)
        }
        return names
    }

    /// Whether the household's region (province, county, township, as far as
    /// given) begins with the policy's; when it may not, the general path
    /// writes the warning.
    private func regionMatches(_ slots: HouseholdSlots, _ line: UnsafeBufferPointer<UInt8>) -> Bool {
        let policy = plan.policyRegion
        guard !policy.isEmpty, let regionSlot = plan.regionSlot, case .record(let region) = slots.value(regionSlot) else { return true }
        var given = 0
        for part in plan.regionParts.indices {
            guard let slot = plan.regionParts[part], case .text(let text) = slots.value(Int(region) + slot), text.count > 0 else { break }
            given += 1
            if part < policy.count {
                let matches = policy[part].withUnsafeBytes { name in
                    name.count == Int(text.count) && (name.isEmpty || memcmp(name.baseAddress!, line.baseAddress! + Int(text.start), name.count) == 0)
                }
                if !matches { return false }
            }
        }
        return given == 0 || given >= policy.count
    }

    /// A household read and prepared (defaults filled, checks passed), for
    /// measuring the decision alone.
    struct Prepared: Sendable {
        let fields: [StoredSlot]
        let items: [StoredSlot]
        let line: [UInt8]
    }

    func prepare(_ line: [UInt8]) -> Prepared? {
        let scratch = pool.take()
        defer { pool.giveBack(scratch) }
        var slots = scratch.slots
        defer { scratch.slots = slots }
        let prepared: Bool = line.withUnsafeBufferPointer { buffer in
            guard read(buffer, into: &slots) else { return false }
            let run = CompiledRun(plan: plan, fields: slots.fields.buffer, items: UnsafeBufferPointer(slots.items.buffer), line: buffer,
                                  scratch: scratch, today: asOf)
            return (try? run.prepare()) != nil
        }
        return prepared ? Prepared(fields: Array(slots.fields.buffer), items: Array(slots.items.buffer), line: line) : nil
    }

    /// How many of the prepared households are decided (not left to the
    /// general path): in blocks (`BlockRun`) when the plan allows, as
    /// `policy eval` decides them, or else one by one.
    func decide(_ households: PreparedHouseholds, _ scratch: CompiledScratch) -> Int {
        var decided = 0
        var next = 0
        let block = scratch.block
        while next < households.count {
            let count = plan.decidesInBlocks ? min(BlockRun.width, households.count - next) : 1
            for lane in 0..<count {
                let (fields, items, line) = households[next + lane]
                block.setLane(lane, CompiledRun(plan: plan, fields: fields, items: items, line: line, scratch: scratch, today: asOf))
            }
            decideLanes(count, scratch) { _, outcome in if outcome != nil { decided += 1 } }
            next += count
        }
        return decided
    }

    /// Decides the households of the first `count` lanes of `scratch.block`
    /// (`BlockScratch.setLane`): the rules for all of them at once
    /// (`BlockRun`), then each one's decision from those; `each` gets
    /// each lane's outcome in order, with the scratch memory holding its due
    /// dates (nil: the general path decides the household).
    func decideLanes(_ count: Int, _ scratch: CompiledScratch, _ each: (Int, CompiledOutcome?) -> Void) {
        let block = scratch.block
        if count > 1 { BlockRun(plan: plan, block: block, count: count, today: asOf).evaluateRoots() }
        for lane in 0..<count {
            let run = block.runs + lane
            if count > 1 { run.pointee.roots = LaneRoots(block: block, rootOf: plan.rootOf, lane: lane) }
            scratch.forgetDerived()
            scratch.current = -1
            each(lane, try? run.pointee.decide())
        }
    }
}

/// Households read and prepared, each thread's copy in memory of its own,
/// for measuring the decision alone.
final class PreparedHouseholds: @unchecked Sendable {
    private let fields: UnsafeMutableBufferPointer<StoredSlot>
    private let items: UnsafeMutableBufferPointer<StoredSlot>
    private let lines: UnsafeMutableBufferPointer<UInt8>
    private let ranges: [(fields: Range<Int>, items: Range<Int>, line: Range<Int>)]

    init(_ households: [CompiledLane.Prepared]) {
        var ranges: [(fields: Range<Int>, items: Range<Int>, line: Range<Int>)] = []
        var counts = (fields: 0, items: 0, line: 0)
        for household in households {
            ranges.append((counts.fields..<counts.fields + household.fields.count, counts.items..<counts.items + household.items.count,
                           counts.line..<counts.line + household.line.count))
            counts = (counts.fields + household.fields.count, counts.items + household.items.count, counts.line + household.line.count)
        }
        fields = .allocate(capacity: max(1, counts.fields))
        items = .allocate(capacity: max(1, counts.items))
        lines = .allocate(capacity: max(1, counts.line))
        for (household, range) in zip(households, ranges) {
            _ = UnsafeMutableBufferPointer(rebasing: fields[range.fields]).initialize(from: household.fields)
            _ = UnsafeMutableBufferPointer(rebasing: items[range.items]).initialize(from: household.items)
            _ = UnsafeMutableBufferPointer(rebasing: lines[range.line]).initialize(from: household.line)
        }
        self.ranges = ranges
    }

    deinit {
        fields.deallocate()
        items.deallocate()
        lines.deallocate()
    }

    var count: Int { ranges.count }

    /// Household `index`: its fields, list elements and line. Deciding reads them and does not change them.
    subscript(index: Int) -> (UnsafeMutableBufferPointer<StoredSlot>, UnsafeBufferPointer<StoredSlot>, UnsafeBufferPointer<UInt8>) {
        let range = ranges[index]
        return (UnsafeMutableBufferPointer(rebasing: fields[range.fields]), UnsafeBufferPointer(rebasing: items[range.items]),
                UnsafeBufferPointer(rebasing: lines[range.line]))
    }
}
