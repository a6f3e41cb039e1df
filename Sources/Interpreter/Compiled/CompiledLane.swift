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
        guard decoder.decode(line, into: &slots) else { return nil }
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
        guard decoder.decode(line, into: &slots) else { return nil }
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
            guard decoder.decode(buffer, into: &slots), let (outcome, id) = decide(slots, buffer, scratch) else { return nil }
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
        let base = slots.allocateRecord(fields.count)
        for field in fields {
            guard let value = store(record[field.slot], field.type, &slots, &text) else { return nil }
            slots.fields[Int(base) + field.slot] = value
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
            var stored: [SlotValue] = []
            stored.reserveCapacity(elements.count)
            for item in elements {
                guard let value = store(item, element, &slots, &text) else { return nil }
                stored.append(value)
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
        guard regionMatches(slots, line) else { return nil }
        var id: UnsafeBufferPointer<UInt8>?
        if let slot = plan.idSlot, case .text(let text) = slots.fields[slot] {
            let bytes = UnsafeBufferPointer(rebasing: line[Int(text.start)..<Int(text.start + text.count)])
            // Ids with characters the writer escapes (U+2028, U+2029) are left to it.
            if bytes.contains(0xE2) { return nil }
            id = bytes
        }
        let run = CompiledRun(plan: plan, fields: slots.fields.buffer, items: UnsafeBufferPointer(slots.items.buffer), line: line,
                              scratch: scratch, today: asOf)
        do {
            try run.prepare()
            return (try run.decide(), id)
        } catch {
            return nil
        }
    }

    /// A text field of the household's region (township, village), when given and not empty.
    private func text(_ slots: HouseholdSlots, _ line: UnsafeBufferPointer<UInt8>, part: Int?) -> String? {
        guard let regionSlot = plan.regionSlot, let part, case .record(let region) = slots.fields[regionSlot],
              case .text(let text) = slots.fields[Int(region) + part], text.count > 0 else { return nil }
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
        guard !policy.isEmpty, let regionSlot = plan.regionSlot, case .record(let region) = slots.fields[regionSlot] else { return true }
        var given = 0
        for part in plan.regionParts.indices {
            guard let slot = plan.regionParts[part], case .text(let text) = slots.fields[Int(region) + slot], text.count > 0 else { break }
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
        let fields: [SlotValue]
        let items: [SlotValue]
        let line: [UInt8]
    }

    func prepare(_ line: [UInt8]) -> Prepared? {
        let scratch = pool.take()
        defer { pool.giveBack(scratch) }
        var slots = scratch.slots
        defer { scratch.slots = slots }
        let prepared: Bool = line.withUnsafeBufferPointer { buffer in
            guard decoder.decode(buffer, into: &slots) else { return false }
            let run = CompiledRun(plan: plan, fields: slots.fields.buffer, items: UnsafeBufferPointer(slots.items.buffer), line: buffer,
                                  scratch: scratch, today: asOf)
            return (try? run.prepare()) != nil
        }
        return prepared ? Prepared(fields: Array(slots.fields.buffer), items: Array(slots.items.buffer), line: line) : nil
    }

    /// The decision of a prepared household (nil: the general path would decide it).
    func decide(_ household: Prepared, _ scratch: CompiledScratch) -> DecisionKind? {
        // Deciding reads the fields and does not change them.
        household.fields.withUnsafeBufferPointer { fields in
            household.items.withUnsafeBufferPointer { items in
                household.line.withUnsafeBufferPointer { line in
                    let run = CompiledRun(plan: plan, fields: UnsafeMutableBufferPointer(mutating: fields), items: items, line: line,
                                          scratch: scratch, today: asOf)
                    return (try? run.decide())?.decision
                }
            }
        }
    }
}
