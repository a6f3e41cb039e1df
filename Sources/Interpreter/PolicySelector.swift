/// Chooses, for each household, the policy to apply among several (`policy
/// eval --policies DIR`): the most specific for its region (a county's before
/// its province's), and of those the latest year not after the as-of date.
public struct PolicySelector: Sendable {
    public let asOf: CivilDate
    /// Where the policies came from, for messages.
    public let folder: String
    let evaluators: [HouseholdEvaluator]
    /// The ids seen so far, across every policy: a household id is used once per input.
    private var ids = DuplicateIDs()
    private let maskPersonalData: Bool
    private let limits: JSONLimits
    private let language: Language

    public init(plans: [Plan], asOf: CivilDate, folder: String, explain: Bool = false, maskPersonalData: Bool = false,
                limits: JSONLimits = .default, language: Language = .en) {
        self.limits = limits
        self.language = language
        self.asOf = asOf
        self.folder = folder
        self.maskPersonalData = maskPersonalData
        self.evaluators = plans.map { HouseholdEvaluator(plan: $0, asOf: asOf, explain: explain, maskPersonalData: maskPersonalData, limits: limits,
                                                     language: language) }
    }

    /// The plan chosen for a region, as its index, or nil when none covers it.
    public func choose(region: [String]) -> Int? {
        var best: (index: Int, depth: Int, year: Int)?
        for (index, evaluator) in evaluators.enumerated() {
            let metadata = evaluator.plan.metadata
            guard let year = metadata.year, year <= asOf.year else { continue }
            let depth = metadata.region.count
            guard depth <= region.count, Array(region.prefix(depth)) == metadata.region else { continue }
            if let current = best, (current.depth, current.year) >= (depth, year) { continue }
            best = (index, depth, year)
        }
        return best?.index
    }

    /// The household id a parsed record states, if it states one.
    public static func id(of record: RawRecord) -> String? {
        if case .object(let household)? = record.json, case .string(let written)? = household["id"] { return written }
        return record.id
    }

    /// The township and village a parsed record states, for reports by place.
    public static func place(of record: RawRecord) -> (township: String?, village: String?) {
        guard case .object(let household)? = record.json, case .object(let region)? = household["region"] else { return (nil, nil) }
        func text(_ key: String) -> String? {
            if case .string(let name)? = region[key], !name.isEmpty { return name }
            return nil
        }
        return (text("township"), text("village"))
    }

    /// The region a record states: province, county, township, as far as given.
    public static func region(of record: RawRecord) -> [String] {
        guard case .object(let household)? = record.json, case .object(let object)? = household["region"] else { return [] }
        var region: [String] = []
        for key in ["province", "county", "township"] {
            guard case .string(let name)? = object[key], !name.isEmpty else { break }
            region.append(name)
        }
        return region
    }

    /// One record's result as its line of JSON Lines or CSV, with the id it
    /// read and the decision: the bytes `ResultWriter.line` writes for
    /// `evaluate`'s result. A line of JSON is read once, into slots, and the
    /// region it states chooses the policy whose compiled evaluation decides
    /// it; anything else takes the general path. Safe from several threads.
    public func evaluateLine(_ unparsed: RawRecord, firstLineOfID: Int?, format: ResultWriter.LineFormat)
        -> (id: String?, output: [UInt8], decision: DecisionKind) {
        if format == .jsonl, firstLineOfID == nil, let reader = evaluators.lazy.compactMap(\.lane).first, let bytes = unparsed.unparsed,
           unparsed.errors.isEmpty, unparsed.warnings.isEmpty, let compiled = compiledLine(bytes, line: unparsed.line, reader: reader) {
            return compiled
        }
        let result = evaluate(unparsed, firstLineOfID: firstLineOfID)
        return (result.id, Array(ResultWriter.line(result, format).utf8), result.decision)
    }

    /// The line by the compiled evaluation of the policy the household's region chooses, or nil.
    func compiledLine(_ bytes: [UInt8], line: Int, reader: CompiledLane) -> (id: String?, output: [UInt8], decision: DecisionKind)? {
        // Every policy here reads one schema, so any lane reads the line into
        // slots, and finds the region there.
        let readScratch = reader.pool.take()
        defer { reader.pool.giveBack(readScratch) }
        var slots = readScratch.slots
        defer { readScratch.slots = slots }
        return bytes.withUnsafeBufferPointer { buffer in
            guard reader.read(buffer, into: &slots), let index = choose(region: reader.statedRegion(slots, buffer)),
                  let lane = evaluators[index].lane else { return nil }
            let scratch = lane.pool.take()
            defer { lane.pool.giveBack(scratch) }
            // Each policy keeps the fields it reads (`SlotLayout`): the line
            // is read again when the chosen policy keeps other fields.
            if lane !== reader, !lane.plan.layout.sameAs(reader.plan.layout) {
                guard lane.read(buffer, into: &slots) else { return nil }
            }
            return lane.evaluate(decoded: slots, line: buffer, lineNumber: line, scratch)
        }
    }

    public mutating func evaluate(_ record: RawRecord) -> HouseholdResult {
        evaluate(record, firstLineOfID: ids.firstLine(of: record))
    }

    /// Evaluates one record on its own (see `HouseholdEvaluator`); safe from several threads.
    public func evaluate(_ unparsed: RawRecord, firstLineOfID: Int?) -> HouseholdResult {
        let record = unparsed.parsed(limits: limits)
        let region = PolicySelector.region(of: record)
        if let index = choose(region: region) {
            return evaluators[index].evaluate(record, firstLineOfID: firstLineOfID)
        }
        var id = record.id
        if case .object(let household)? = record.json, case .string(let written)? = household["id"] { id = written }
        // No policy applies, so none is named.
        var result = HouseholdResult(id: id, line: record.line, policy: "", asOf: asOf, decision: .error)
        let written = region.isEmpty ? "a record without `region`" : region.joined(separator: " ")
        let diagnostic = Diagnostic(.noPolicyForRegion(region: written, year: asOf.year, folder: folder))
        result.messages = (record.errors + [diagnostic]).map { Evaluator.message($0, id: id, line: record.line, in: language) }
        return result.maskingPersonalData(everything: maskPersonalData)
    }
}
