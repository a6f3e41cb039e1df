import Foundation

/// The measurements of `policy bench`: how fast households are read, decided
/// and written, on generated records, with one thread or more.
public struct Benchmark {
    public let plan: Plan
    public let asOf: CivilDate

    public init(plan: Plan, asOf: CivilDate) {
        self.plan = plan
        self.asOf = asOf
    }

    /// One measurement: households, input bytes, seconds.
    public struct Figure: Sendable {
        public let name: String
        public let threads: Int
        public let households: Int
        public let bytes: Int
        public let seconds: Double
        /// Processor time (user and system, all threads) over `seconds`: how
        /// many cores the measurement kept busy.
        public var coresUsed: Double

        public var householdsPerSecond: Double { seconds > 0 ? Double(households) / seconds : 0 }
        public var megabytesPerSecond: Double { seconds > 0 ? Double(bytes) / 1_000_000 / seconds : 0 }
    }

    /// The wall-clock seconds `body` takes, what it returns, and the cores it kept busy.
    static func seconds(_ body: () throws -> Int) rethrows -> (Double, Int, cores: Double) {
        let start = DispatchTime.now().uptimeNanoseconds
        let processorStart = processorSeconds
        let result = try body()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return (seconds, result, seconds > 0 ? (processorSeconds - processorStart) / seconds : 0)
    }

    /// Processor time of the process so far, user and system, in seconds.
    static var processorSeconds: Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }

    /// (a) Reading only, as `policy eval` reads: JSON Lines framed, and each
    /// line read into the slots of the compiled evaluation (checked against
    /// the schema: keys, types, members, required fields); not decided. Nil
    /// when the plan does not compile.
    public func readIntoSlots(jsonl path: String, threads: Int) throws -> Figure? {
        guard let lane = CompiledLane(plan: plan, asOf: asOf, limits: .default) else { return nil }
        let (time, count, cores) = try Self.seconds {
            var source = JSONLinesRecordSource(reader: JSONLinesReader(source: try FileByteSource(path: path)), defersParsing: true)
            return EvaluationPipeline(threads: threads).run(&source, work: { raw, _ in
                let scratch = lane.pool.take()
                defer { lane.pool.giveBack(scratch) }
                var slots = scratch.slots
                defer { scratch.slots = slots }
                let read = raw.unparsed?.withUnsafeBufferPointer { lane.read($0, into: &slots) } ?? false
                return (nil, read ? 1 : 0)
            }, emit: { _ in })
        }
        return Figure(name: "read JSONL (into slots)", threads: threads, households: count, bytes: Self.fileSize(path), seconds: time, coresUsed: cores)
    }

    /// (a) Reading only, by the general reader: JSON Lines framed and parsed
    /// into JSON values, records not decided.
    public func read(jsonl path: String, threads: Int) throws -> Figure {
        let (time, count, cores) = try Self.seconds {
            var source = JSONLinesRecordSource(reader: JSONLinesReader(source: try FileByteSource(path: path)), defersParsing: true)
            return EvaluationPipeline(threads: threads).run(&source, work: { raw, _ in (nil, raw.parsed().json == nil ? 0 : 1) }, emit: { _ in })
        }
        return Figure(name: "read JSONL (JSON values)", threads: threads, households: count, bytes: Self.fileSize(path), seconds: time, coresUsed: cores)
    }

    /// (b) Evaluation only: households already read, decoded and checked are
    /// decided `rounds` times over (alerts and procedures included).
    public func evaluate(jsonl path: String, sample: Int, rounds: Int, threads: Int) throws -> Figure {
        let evaluator = Evaluator(plan: plan)
        var prepared: [RecordValue] = []
        var reader = JSONLinesReader(source: try FileByteSource(path: path))
        while prepared.count < sample, let item = reader.next() {
            guard case .success(let json) = item.result, let record = RecordDecoder(schema: plan.schema).decode(json).record else { continue }
            prepared.append(evaluator.prepare(record, asOf: asOf).record)
        }
        let households = prepared
        let asOf = self.asOf
        let parts = max(1, threads)
        let (time, count, cores) = Self.seconds {
            let counts = Counts(parts)
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                var decided = 0
                for round in 0..<rounds where round % parts == part {
                    for household in households {
                        if evaluator.decide(household, id: nil, line: nil, asOf: asOf).decision != .error { decided += 1 }
                    }
                }
                counts.set(part, decided)
            }
            return counts.total
        }
        return Figure(name: "evaluate only (general)", threads: threads, households: count, bytes: 0, seconds: time, coresUsed: cores)
    }

    /// (b) Evaluation only, by the compiled evaluation (what `policy eval`
    /// uses): households already read into slots, with defaults filled and
    /// checks passed, are decided `rounds` times over (alerts and procedures
    /// included), 64 at a time as `policy eval` decides them (`BlockRun`).
    /// Nil when the plan does not compile.
    public func evaluateCompiled(jsonl path: String, sample: Int, rounds: Int, threads: Int) throws -> Figure? {
        guard let lane = CompiledLane(plan: plan, asOf: asOf, limits: .default) else { return nil }
        var prepared: [CompiledLane.Prepared] = []
        var reader = JSONLinesReader(source: try FileByteSource(path: path))
        reader.defersParsing = true
        while prepared.count < sample, reader.next() != nil {
            guard let line = reader.takeUnparsed(), let household = lane.prepare(line) else { continue }
            prepared.append(household)
        }
        let parts = max(1, threads)
        // Each thread decides its own copies: threads share no reference count.
        let copies = (0..<parts).map { _ in PreparedHouseholds(prepared) }
        let scratches = (0..<parts).map { _ in CompiledScratch(lane.plan) }
        let (time, count, cores) = Self.seconds {
            let counts = Counts(parts)
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let scratch = scratches[part]
                let households = copies[part]
                var decided = 0
                for round in 0..<rounds where round % parts == part { decided += lane.decide(households, scratch) }
                counts.set(part, decided)
            }
            return counts.total
        }
        return Figure(name: "evaluate only (compiled)", threads: threads, households: count, bytes: 0, seconds: time, coresUsed: cores)
    }

    /// (c) and (d) End to end: records read, decided and written as JSON Lines
    /// (the output is counted, not kept).
    public func endToEnd(path: String, csv: Bool, threads: Int) throws -> (Figure, outputBytes: Int) {
        var written = 0
        let plan = self.plan
        let evaluator = HouseholdEvaluator(plan: plan, asOf: asOf)
        let (time, count, cores) = try Self.seconds {
            // As `policy eval` does for output in JSON Lines.
            let pipeline = EvaluationPipeline(threads: threads)
            let work: @Sendable (RecordBlock, Int, Int?, ByteBuffer) -> (id: String?, decision: DecisionKind) = { block, index, first, out in
                evaluator.evaluateLine(block, index, firstLineOfID: first, format: .jsonl, into: out)
            }
            let parts: @Sendable (RecordBlock, Range<Int>, ByteBuffer, (String?, DecisionKind) -> Void) -> Void = { block, range, out, done in
                evaluator.evaluateLines(block, range, format: .jsonl, into: out, done)
            }
            if csv {
                var source = CSVRecordSource(rows: CSVReader(source: try FileByteSource(path: path)), schema: plan.schema)
                return pipeline.runBlocks(&source, work: work, parts: parts, emit: { line, _ in written += line.count })
            }
            var source = JSONLinesRecordSource(reader: JSONLinesReader(source: try FileByteSource(path: path)), defersParsing: true)
            return pipeline.runBlocks(&source, work: work, parts: parts, emit: { line, _ in written += line.count })
        }
        return (Figure(name: csv ? "end to end CSV" : "end to end JSONL", threads: threads, households: count,
                       bytes: Self.fileSize(path), seconds: time, coresUsed: cores), written)
    }

    /// The peak resident memory of the process so far, in megabytes.
    public static var peakMemoryMB: Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}

/// Per-thread counts, each written by its own thread.
private final class Counts: @unchecked Sendable {
    private var values: [Int]
    private let lock = NSLock()

    init(_ count: Int) { values = Array(repeating: 0, count: count) }

    func set(_ index: Int, _ value: Int) {
        lock.lock()
        values[index] = value
        lock.unlock()
    }

    var total: Int { values.reduce(0, +) }
}
