/// Evaluating a stream of records: each record is read, checked against the
/// schema and decided on its own, so a bad record gets `decision: error` and
/// the others go on. One result per record, in input order.
public struct HouseholdEvaluator: Sendable {
    public let plan: Plan
    public let asOf: CivilDate
    public let explain: Bool
    /// Mask names and every free text in traces, and ids that are ID numbers
    /// (`--mask`); ID numbers in messages and traces are masked always.
    public let maskPersonalData: Bool
    /// How deep, long and large a record may be.
    public let limits: JSONLimits
    /// The language of messages and warnings.
    public let language: Language
    private let evaluator: Evaluator
    private let fastDecoder: FastRecordDecoder
    private let regionSlots: RegionSlots?
    /// The compiled evaluation, for results without trace or masking.
    let lane: CompiledLane?
    /// First line of each household id, to refuse duplicates in one input.
    private var seenIDs = DuplicateIDs()

    public init(plan: Plan, asOf: CivilDate, explain: Bool = false, maskPersonalData: Bool = false, limits: JSONLimits = .default,
                language: Language = .en) {
        self.limits = limits
        self.language = language
        self.plan = plan
        self.asOf = asOf
        self.explain = explain
        self.maskPersonalData = maskPersonalData
        var evaluator = Evaluator(plan: plan)
        evaluator.language = language
        self.evaluator = evaluator
        self.fastDecoder = FastRecordDecoder(schema: plan.schema, limits: limits, tables: plan.recordTables)
        self.regionSlots = RegionSlots(plan.schema)
        self.lane = explain || maskPersonalData ? nil : CompiledLane(plan: plan, asOf: asOf, limits: limits)
    }

    /// Whether results can come from the compiled evaluation (the plan compiles, no trace, no masking).
    public var isCompiled: Bool { lane != nil }

    /// One record's result as its line of JSON Lines or CSV, with the id it
    /// read and the decision; the bytes are those `ResultWriter.line` writes
    /// for `evaluate`'s result. Safe to call from several threads at once.
    public func evaluateLine(_ unparsed: RawRecord, firstLineOfID: Int?, format: ResultWriter.LineFormat)
        -> (id: String?, output: [UInt8], decision: DecisionKind) {
        if format == .jsonl {
            if firstLineOfID == nil, let lane, let bytes = unparsed.unparsed, unparsed.errors.isEmpty, unparsed.warnings.isEmpty,
               let compiled = lane.evaluate(bytes, lineNumber: unparsed.line) {
                return compiled
            }
            // The compiled evaluation gave up on the line: the general reader
            // reads it, and the compiled evaluation may still decide the record.
            let result = generalPath(unparsed, firstLineOfID: firstLineOfID).maskingPersonalData(everything: maskPersonalData)
            return (result.id, Array(ResultWriter.line(result, format).utf8), result.decision)
        }
        let result = evaluate(unparsed, firstLineOfID: firstLineOfID)
        return (result.id, Array(ResultWriter.line(result, format).utf8), result.decision)
    }

    /// `evaluateLine` for record `index` of a block: its line is appended to
    /// `out`. A line of JSON Lines is read and decided in place by the
    /// compiled evaluation when it can be.
    public func evaluateLine(_ block: RecordBlock, _ index: Int, firstLineOfID: Int?, format: ResultWriter.LineFormat,
                             into out: ByteBuffer) -> (id: String?, decision: DecisionKind) {
        var left = false
        if format == .jsonl, firstLineOfID == nil, let lane,
           let compiled = block.withLine(index, { line, number -> (id: String?, decision: DecisionKind)? in
               left = true
               return lane.evaluate(line, lineNumber: number, into: out)
           }) {
            return compiled
        }
        if left { return generalLine(block, index, format: format, into: out) }
        let result = evaluateLine(block.record(index), firstLineOfID: firstLineOfID, format: format)
        out.append(result.output)
        return (result.id, result.decision)
    }

    /// The line of record `index`, which the compiled evaluation has left, by
    /// the general path (it is not offered to the compiled one again as a line).
    private func generalLine(_ block: RecordBlock, _ index: Int, format: ResultWriter.LineFormat, into out: ByteBuffer)
        -> (id: String?, decision: DecisionKind) {
        let general = generalPath(block.record(index), firstLineOfID: nil).maskingPersonalData(everything: maskPersonalData)
        out.append(Array(ResultWriter.line(general, format).utf8))
        return (general.id, general.decision)
    }

    /// `evaluateLine` for records `range` of a block, in order, none of them
    /// a repeated id: each line is appended to `out`, and `done` gets its
    /// id and decision. Lines of JSON Lines are decided by the compiled
    /// evaluation in blocks of households (`BlockRun`) when it can.
    public func evaluateLines(_ block: RecordBlock, _ range: Range<Int>, format: ResultWriter.LineFormat, into out: ByteBuffer,
                              _ done: (String?, DecisionKind) -> Void) {
        guard format == .jsonl, let lane, lane.plan.decidesInBlocks else {
            for index in range {
                let (id, decision) = evaluateLine(block, index, firstLineOfID: nil, format: format, into: out)
                done(id, decision)
            }
            return
        }
        lane.evaluate(block, range, into: out, general: { index in
            if block.withLine(index, { _, _ in true }) == true { return generalLine(block, index, format: format, into: out) }
            // A record the general reader has read (not a line): the compiled evaluation may still decide it.
            let result = evaluateLine(block.record(index), firstLineOfID: nil, format: format)
            out.append(result.output)
            return (result.id, result.decision)
        }, done)
    }

    /// The general path alone, for tests that compare it with the compiled one.
    public func evaluateLineByGeneralPath(_ unparsed: RawRecord, firstLineOfID: Int?, format: ResultWriter.LineFormat)
        -> (id: String?, output: [UInt8], decision: DecisionKind) {
        let result = evaluateByGeneralPath(unparsed, firstLineOfID: firstLineOfID)
        return (result.id, Array(ResultWriter.line(result, format).utf8), result.decision)
    }

    /// The general path's result alone, for tests that compare it with the compiled one.
    public func evaluateByGeneralPath(_ unparsed: RawRecord, firstLineOfID: Int?) -> HouseholdResult {
        generalPath(unparsed, firstLineOfID: firstLineOfID, compiled: false).maskingPersonalData(everything: maskPersonalData)
    }

    /// Whether the compiled evaluation decides this record (rather than leaving it to the general path).
    public func isDecidedCompiled(_ unparsed: RawRecord) -> Bool {
        guard let lane, let bytes = unparsed.unparsed, unparsed.errors.isEmpty, unparsed.warnings.isEmpty else { return false }
        return lane.evaluate(bytes, lineNumber: unparsed.line) != nil
    }

    /// Evaluates the next record of an input (refusing an id already used in it).
    public mutating func evaluate(_ raw: RawRecord) -> HouseholdResult {
        evaluate(raw, firstLineOfID: seenIDs.firstLine(of: raw))
    }

    /// Evaluates one record on its own; `firstLineOfID` is the line where its id
    /// was used before in the same input, if it was. Safe to call from several
    /// threads at once.
    public func evaluate(_ unparsed: RawRecord, firstLineOfID: Int?) -> HouseholdResult {
        unmasked(unparsed, firstLineOfID: firstLineOfID).maskingPersonalData(everything: maskPersonalData)
    }

    private func unmasked(_ unparsed: RawRecord, firstLineOfID: Int?) -> HouseholdResult {
        // Most lines are decided by the compiled evaluation (see `Compiled/`).
        if firstLineOfID == nil, let lane, let bytes = unparsed.unparsed, unparsed.errors.isEmpty, unparsed.warnings.isEmpty,
           let result = lane.result(bytes, lineNumber: unparsed.line) {
            return result
        }
        return generalPath(unparsed, firstLineOfID: firstLineOfID)
    }

    /// The general reader; `compiled` lets the compiled evaluation decide what it reads.
    private func generalPath(_ unparsed: RawRecord, firstLineOfID: Int?, compiled: Bool = true) -> HouseholdResult {
        // A well-formed line of known fields is read straight into a record;
        // anything else is read by the general path, which explains what is wrong.
        if let bytes = unparsed.unparsed, unparsed.errors.isEmpty, let fast = fastDecoder.decode(bytes) {
            // The compiled evaluation has had this line already (it reads what
            // the fast reader reads) and left it: it is not asked again.
            var result = decide(fast.record, id: fast.id, line: unparsed.line, warnings: unparsed.warnings, errors: [],
                                region: HouseholdEvaluator.region(of: fast.record, regionSlots), firstLineOfID: firstLineOfID, compiled: false)
            (result.township, result.village) = HouseholdEvaluator.place(of: fast.record, regionSlots)
            return result
        }
        let raw = unparsed.parsed(limits: limits)
        guard let json = raw.json else {
            return failure(id: raw.id, line: raw.line, errors: raw.errors, warnings: raw.warnings)
        }
        let decoded = RecordDecoder(schema: plan.schema, lenient: raw.lenient).decode(json)
        var result = decide(decoded.record, id: decoded.id ?? raw.id, line: raw.line, warnings: raw.warnings + decoded.warnings,
                            errors: raw.errors + decoded.errors, region: PolicySelector.region(of: raw), firstLineOfID: firstLineOfID,
                            compiled: compiled)
        (result.township, result.village) = PolicySelector.place(of: raw)
        return result
    }

    /// The rest of an evaluation, once the record is read (nil: it could not be).
    private func decide(_ record: RecordValue?, id: String?, line: Int, warnings: [Diagnostic], errors: [Diagnostic],
                        region: [String], firstLineOfID: Int?, compiled: Bool = true) -> HouseholdResult {
        var warnings = warnings
        let policyRegion = plan.metadata.region
        if !region.isEmpty, !policyRegion.isEmpty, Array(region.prefix(policyRegion.count)) != policyRegion {
            warnings.append(Diagnostic(.regionOutsidePolicy(household: region.joined(separator: " "),
                                                            policy: policyRegion.joined(separator: " "), id: plan.metadata.id)))
        }
        var errors = errors
        if let id, let first = firstLineOfID {
            errors.append(Diagnostic(.duplicateHouseholdID(id, firstLine: first)))
        }
        guard errors.isEmpty, let record else {
            return failure(id: id, line: line, errors: errors, warnings: warnings)
        }
        // A record read by the general reader (CSV, a JSON array, a line the
        // fast reader left) is decided compiled too, when there is nothing to say.
        if compiled, warnings.isEmpty, let lane, let result = lane.result(record, id: id, line: line) {
            return result
        }
        let (prepared, problems) = evaluator.prepare(record, asOf: asOf)
        warnings += problems.warnings
        guard problems.errors.isEmpty else {
            return failure(id: id, line: line, errors: problems.errors, warnings: warnings)
        }
        return evaluator.decide(prepared, id: id, line: line, asOf: asOf,
                                warnings: warnings.map { HouseholdEvaluator.warningText($0, in: language) }, explain: explain)
    }

    /// Where a decoded record states its place: the slot of `region` and,
    /// in it, of province, county, township and village; found once.
    struct RegionSlots: Sendable {
        let region: Int
        /// province, county, township, village.
        let parts: [Int?]

        init?(_ schema: Schema) {
            guard let slot = schema.rootRecord.slot(of: "region"), case .record(let type) = schema.rootRecord.fields[slot].type else { return nil }
            region = slot
            parts = ["province", "county", "township", "village"].map { schema.records[type].slot(of: $0) }
        }

        func text(_ record: RecordValue, _ part: Int) -> String? {
            guard case .record(let region) = record[self.region], let slot = parts[part], case .text(let name) = region[slot], !name.isEmpty else { return nil }
            return name
        }
    }

    /// The township and village a decoded record states, for reports by place.
    static func place(of record: RecordValue, _ slots: RegionSlots?) -> (township: String?, village: String?) {
        guard let slots else { return (nil, nil) }
        return (slots.text(record, 2), slots.text(record, 3))
    }

    /// The region a decoded record states (province, county, township as far
    /// as given), as `PolicySelector.region(of:)` reads it from JSON.
    static func region(of record: RecordValue, _ slots: RegionSlots?) -> [String] {
        guard let slots else { return [] }
        var names: [String] = []
        for part in 0..<3 {
            guard let name = slots.text(record, part) else { break }
            names.append(name)
        }
        return names
    }

    private func failure(id: String?, line: Int, errors: [Diagnostic], warnings: [Diagnostic]) -> HouseholdResult {
        var result = HouseholdResult(id: id, line: line, policy: plan.metadata.id, asOf: asOf, decision: .error)
        result.messages = errors.map { Evaluator.message($0, id: id, line: line, in: language) }
        result.warnings = warnings.map { HouseholdEvaluator.warningText($0, in: language) }
        return result
    }

    /// `warning[W0601]: unknown key `income.wages` ignored`
    static func warningText(_ diagnostic: Diagnostic, in language: Language = .en) -> String {
        "\(diagnostic.severity.rawValue)[\(diagnostic.code)]: \(diagnostic.message(in: language))"
    }
}

/// The ids seen so far in one input: a household id used twice is an error
/// for the later record, naming the line of the earlier one. Memory must not
/// grow with the input (a province is millions of records), so the ids of the
/// last `window` records are kept: a repeat within that many records is
/// always found (exports sorted by id put repeats next to each other); one
/// further apart is not.
public struct DuplicateIDs: Sendable {
    public static let defaultWindow = 100_000
    public let window: Int
    /// The ids kept, with their hashes and first lines, in a ring that grows
    /// to `window` and then turns.
    private var ring: [(id: String, hash: UInt64, line: Int)] = []
    private var next = 0
    /// Open addressing by hash, linear probing. An entry is a position in
    /// `ring` plus one (0 for empty) in its low half and the low half of the
    /// id's hash in its high half: a probe compares hashes in the table and
    /// reads the ring only when they agree, and an entry's home slot is
    /// known without the ring. Twice the window or more, so probes stay
    /// short; a table of integers rather than a dictionary of strings,
    /// because every record is looked up and most are not there.
    private var table: [UInt64]
    private var mask: Int
    /// The size the table grows to: twice the window or more.
    private let fullSize: Int
    /// Per run, so that ids chosen to collide cannot be prepared in advance.
    private let seed = UInt64.random(in: 1...UInt64.max)

    public init(window: Int = DuplicateIDs.defaultWindow) {
        self.window = max(1, window)
        var size = 16
        while size < self.window * 2 { size *= 2 }
        fullSize = size
        // Small at first: most inputs are far smaller than the window.
        let first = min(size, 1024)
        table = [UInt64](repeating: 0, count: first)
        mask = first - 1
    }

    @inline(__always)
    private static func entry(position: Int, hash: UInt64) -> UInt64 {
        hash << 32 | UInt64(position + 1)
    }

    @inline(__always)
    private func home(_ entry: UInt64) -> Int { Int(truncatingIfNeeded: entry >> 32) & mask }

    @inline(__always)
    private static func position(_ entry: UInt64) -> Int { Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1 }

    /// The table at twice its size, every kept id placed again.
    private mutating func grow() {
        let size = table.count * 2
        table = [UInt64](repeating: 0, count: size)
        mask = size - 1
        for (index, kept) in ring.enumerated() {
            var slot = Int(truncatingIfNeeded: kept.hash) & mask
            while table[slot] != 0 { slot = (slot + 1) & mask }
            table[slot] = DuplicateIDs.entry(position: index, hash: kept.hash)
        }
    }

    private func hash(_ id: String) -> UInt64 {
        var id = id
        return id.withUTF8 { bytes in
            var hash = seed ^ 0xCBF2_9CE4_8422_2325
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
            hash ^= hash >> 33
            hash = hash &* 0xFF51_AFD7_ED55_8CCD
            return hash ^ (hash >> 33)
        }
    }

    /// Empties a slot of the table, moving later entries of its run back so that every entry stays reachable.
    private mutating func removeSlot(_ slot: Int) {
        var hole = slot
        var probe = slot
        while true {
            probe = (probe + 1) & mask
            let entry = table[probe]
            if entry == 0 { break }
            let home = home(entry)
            // The entry stays when its home lies cyclically in (hole, probe].
            let stays = hole <= probe ? (hole < home && home <= probe) : (hole < home || home <= probe)
            if stays { continue }
            table[hole] = entry
            hole = probe
        }
        table[hole] = 0
    }

    /// The line where this record's id was used before, or nil (and the id is remembered).
    public mutating func firstLine(of raw: RawRecord) -> Int? {
        firstLine(of: DuplicateIDs.id(of: raw.parsed()), line: raw.line)
    }

    /// The line where this id was used before, or nil (and the id is remembered with its line).
    public mutating func firstLine(of id: String?, line: Int) -> Int? {
        guard let id else { return nil }
        let hash = hash(id)
        let low = hash & 0xFFFF_FFFF
        var slot = Int(truncatingIfNeeded: hash) & mask
        while table[slot] != 0 {
            let entry = table[slot]
            if entry >> 32 == low {
                let kept = ring[DuplicateIDs.position(entry)]
                if kept.hash == hash, kept.id == id { return kept.line }
            }
            slot = (slot + 1) & mask
        }
        if ring.count < window {
            ring.append((id, hash, line))
            table[slot] = DuplicateIDs.entry(position: ring.count - 1, hash: hash)
            if ring.count * 2 > table.count, table.count < fullSize { grow() }
            return nil
        }
        // The oldest id leaves the window; the new one takes its place in the ring.
        var oldest = Int(truncatingIfNeeded: ring[next].hash) & mask
        while DuplicateIDs.position(table[oldest]) != next { oldest = (oldest + 1) & mask }
        removeSlot(oldest)
        ring[next] = (id, hash, line)
        slot = Int(truncatingIfNeeded: hash) & mask
        while table[slot] != 0 { slot = (slot + 1) & mask }
        table[slot] = DuplicateIDs.entry(position: next, hash: hash)
        next = (next + 1) % window
        return nil
    }

    /// The household id a record gives, read as the decoder reads it.
    public static func id(of raw: RawRecord) -> String? {
        if case .object(let object)? = raw.json {
            switch object["id"] {
            case .string(let text)?: return text
            case .number(let text)?: return text
            default: break
            }
        }
        return raw.id
    }
}
