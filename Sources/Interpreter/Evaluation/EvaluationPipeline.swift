import Dispatch

/// Evaluates a stream of records on several threads: records are read in
/// blocks (`RecordSource.nextBlock`), each block is split between the
/// threads, and the outputs are handed on in input order, so what comes out
/// is the same, byte for byte, whatever the number of threads and the size of
/// the blocks. Memory holds eight blocks: it does not grow with the input.
///
/// Ids are compared in input order as the outputs come back; a record whose
/// id was used before is done again with that line, so what comes out is what
/// one thread reading in order would give.
public struct EvaluationPipeline: Sendable {
    public let threads: Int
    public let batchSize: Int

    public init(threads: Int, batchSize: Int = 256) {
        self.threads = max(1, threads)
        self.batchSize = max(1, batchSize)
    }

    /// What `work` gives for a record: the household id it read (to find an
    /// id used twice) and the output.
    public typealias Evaluated<Output> = (id: String?, output: Output)

    /// Reads every record of `source`; `work` turns a record into an output on
    /// any thread (given, for a household id used before in the input, the
    /// line it was first used on); `emit` gets the outputs in input order, on
    /// the calling thread. Returns the number of records.
    @discardableResult
    public func run<Output: Sendable>(_ source: inout some RecordSource,
                                      work: @escaping @Sendable (RawRecord, Int?) -> Evaluated<Output>,
                                      emit: (Output) -> Void) -> Int {
        var ids = DuplicateIDs()
        return runParts(&source, evaluate: { block, range in range.map { work(block.record($0), nil) } },
                        deliver: { block, range, part in
            for (offset, index) in range.enumerated() {
                if let first = ids.firstLine(of: part[offset].id, line: block.entries[index].line) {
                    emit(work(block.record(index), first).output)
                } else {
                    emit(part[offset].output)
                }
            }
        })
    }

    /// What a thread gives for the records of one part of a block in
    /// `runBlocks`: their output lines one after another, where each ends,
    /// and each record's id and decision.
    struct PartOutput: Sendable {
        var bytes: ByteBuffer
        var ends: [Int] = []
        var ids: [String?] = []
        var decisions: [DecisionKind] = []
    }

    /// `run` for outputs that are lines of bytes (JSON Lines, CSV): each
    /// thread writes the lines of its part of a block into one buffer, so that
    /// no record needs an array of its own for its line (`RecordBlock`) or its
    /// output. `work` appends record `index`'s output line to `out` and
    /// returns its id and decision, on any thread (given, for an id used
    /// before, the line it was first used on); `parts`, when given, does
    /// what `work` does for a range of records at once (none of them an id
    /// used before), giving each one's id and decision to `done` in order;
    /// `emit` gets each output line and decision in input order, on the
    /// calling thread. Returns the number of records.
    @discardableResult
    public func runBlocks(_ source: inout some RecordSource,
                          work: @escaping @Sendable (_ block: RecordBlock, _ index: Int, _ firstLineOfID: Int?, _ out: ByteBuffer)
                              -> (id: String?, decision: DecisionKind),
                          parts: (@Sendable (_ block: RecordBlock, _ range: Range<Int>, _ out: ByteBuffer,
                                             _ done: (_ id: String?, _ decision: DecisionKind) -> Void) -> Void)? = nil,
                          emit: (UnsafeBufferPointer<UInt8>, DecisionKind) -> Void) -> Int {
        var ids = DuplicateIDs()
        return runParts(&source, evaluate: { block, range in
            // Room for lines of a kilobyte (results without traces are shorter): no growing on the way.
            var part = PartOutput(bytes: ByteBuffer(capacity: range.count * 1024))
            part.ends.reserveCapacity(range.count)
            part.ids.reserveCapacity(range.count)
            part.decisions.reserveCapacity(range.count)
            func done(_ id: String?, _ decision: DecisionKind) {
                part.ends.append(part.bytes.count)
                part.ids.append(id)
                part.decisions.append(decision)
            }
            if let parts {
                parts(block, range, part.bytes, done)
            } else {
                for index in range {
                    let (id, decision) = work(block, index, nil, part.bytes)
                    done(id, decision)
                }
            }
            return part
        }, deliver: { block, range, part in
            var start = 0
            for (offset, index) in range.enumerated() {
                let end = part.ends[offset]
                defer { start = end }
                if let first = ids.firstLine(of: part.ids[offset], line: block.entries[index].line) {
                    let again = ByteBuffer(capacity: 1024)
                    let (_, decision) = work(block, index, first, again)
                    emit(again.bytes, decision)
                } else {
                    emit(part.bytes.slice(start..<end), part.decisions[offset])
                }
            }
        })
    }

    /// How many blocks are kept in the threads' hands at once. With four,
    /// `policy bench` showed 1.85 cores of 2 used end to end (the threads ran
    /// out of work at times, most likely while the reading thread, which
    /// shares the cores with them, waited for one); with eight, 1.97.
    static let blocksInFlight = 8

    /// The engine of `run` and `runBlocks`: `evaluate` does a part of a block
    /// on any thread; `deliver` gets the parts in input order, on the calling
    /// thread. Returns the number of records.
    private func runParts<Part: Sendable>(_ source: inout some RecordSource,
                                          evaluate: @escaping @Sendable (RecordBlock, Range<Int>) -> Part,
                                          deliver: (RecordBlock, Range<Int>, Part) -> Void) -> Int {
        let batchSize = self.batchSize
        var count = 0
        if threads == 1 {
            while let block = source.nextBlock(maxRecords: batchSize) {
                deliver(block, 0..<block.count, evaluate(block, 0..<block.count))
                count += block.count
            }
            return count
        }
        let queue = DispatchQueue(label: "policy.evaluation", attributes: .concurrent)
        let threads = self.threads
        func parts(_ block: RecordBlock) -> [Range<Int>] {
            let parts = min(threads, block.count)
            return (0..<parts).map { part in block.count * part / parts..<block.count * (part + 1) / parts }
        }
        func submit(_ block: RecordBlock) -> (slots: Slots<Part>, group: DispatchGroup) {
            let ranges = parts(block)
            let slots = Slots<Part>(count: ranges.count)
            let group = DispatchGroup()
            for (part, range) in ranges.enumerated() {
                queue.async(group: group) { slots.set(part, evaluate(block, range)) }
            }
            return (slots, group)
        }
        // Blocks in flight, oldest first: enough that the threads always have
        // one to go on with while this thread reads and hands on.
        var inFlight: [(block: RecordBlock, slots: Slots<Part>, group: DispatchGroup)] = []
        var reading = true
        while true {
            while reading, inFlight.count < Self.blocksInFlight {
                guard let block = source.nextBlock(maxRecords: batchSize) else {
                    reading = false
                    break
                }
                let (slots, group) = submit(block)
                inFlight.append((block, slots, group))
            }
            guard !inFlight.isEmpty else { break }
            let (block, slots, group) = inFlight.removeFirst()
            group.wait()
            // Every slot is set once the group is done; were one not, the part is done here.
            for (part, range) in parts(block).enumerated() {
                deliver(block, range, slots.get(part) ?? evaluate(block, range))
            }
            count += block.count
        }
        return count
    }
}

/// The outputs of one block, each slot written by one thread and read after
/// all are done. Raw memory, so that threads writing different slots do not
/// claim the whole array (as an array property's exclusive access would).
private final class Slots<Output>: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<Output?>
    private let count: Int

    init(count: Int) {
        self.count = count
        slots = UnsafeMutablePointer<Output?>.allocate(capacity: count)
        slots.initialize(repeating: nil, count: count)
    }

    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }

    func set(_ index: Int, _ value: Output) { slots[index] = value }

    func get(_ index: Int) -> Output? { slots[index] }
}
