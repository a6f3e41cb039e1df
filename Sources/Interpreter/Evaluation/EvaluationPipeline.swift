import Dispatch

/// Evaluates a stream of records on several threads: records are read in
/// batches, each batch is split between the threads, and the outputs are
/// handed on in input order, so what comes out is the same, byte for byte,
/// whatever the number of threads and the size of the batches. Memory holds
/// one batch: it does not grow with the input.
public struct EvaluationPipeline: Sendable {
    public let threads: Int
    public let batchSize: Int

    public init(threads: Int, batchSize: Int = 128) {
        self.threads = max(1, threads)
        self.batchSize = max(1, batchSize)
    }

    /// Reads every record of `source`; `work` turns a record (with the line its id
    /// was first used on, for a duplicate) into an output on any thread; `emit`
    /// gets the outputs in input order, on the calling thread. Returns the count.
    @discardableResult
    public func run<Output: Sendable>(_ source: inout some RecordSource,
                                      work: @escaping @Sendable (RawRecord, Int?) -> Output,
                                      emit: (Output) -> Void) -> Int {
        var ids = DuplicateIDs()
        func readBatch() -> [(record: RawRecord, firstLine: Int?)] {
            var batch: [(record: RawRecord, firstLine: Int?)] = []
            batch.reserveCapacity(batchSize)
            while batch.count < batchSize, let record = source.next() {
                batch.append((record, ids.firstLine(of: record)))
            }
            return batch
        }
        var count = 0
        if threads == 1 {
            while true {
                let batch = readBatch()
                if batch.isEmpty { break }
                for item in batch { emit(work(item.record, item.firstLine)) }
                count += batch.count
            }
            return count
        }
        // While the threads work on one batch, this thread reads the next.
        let queue = DispatchQueue(label: "policy.evaluation", attributes: .concurrent)
        var current = readBatch()
        while !current.isEmpty {
            let slots = Slots<Output>(count: current.count)
            let group = DispatchGroup()
            let batch = current
            let parts = min(threads, batch.count)
            for part in 0..<parts {
                queue.async(group: group) {
                    let lower = batch.count * part / parts
                    let upper = batch.count * (part + 1) / parts
                    for index in lower..<upper { slots.set(index, work(batch[index].record, batch[index].firstLine)) }
                }
            }
            let next = readBatch()
            group.wait()
            for index in 0..<batch.count { emit(slots.get(index)) }
            count += batch.count
            current = next
        }
        return count
    }
}

/// The outputs of one batch, each slot written by one thread and read after
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

    func get(_ index: Int) -> Output { slots[index]! }
}
