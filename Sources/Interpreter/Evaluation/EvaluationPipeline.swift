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
        var batch: [(record: RawRecord, firstLine: Int?)] = []
        batch.reserveCapacity(batchSize)
        var count = 0
        while true {
            batch.removeAll(keepingCapacity: true)
            while batch.count < batchSize, let record = source.next() {
                batch.append((record, ids.firstLine(of: record)))
            }
            if batch.isEmpty { break }
            for output in process(batch, work: work) { emit(output) }
            count += batch.count
        }
        return count
    }

    func process<Output: Sendable>(_ batch: [(record: RawRecord, firstLine: Int?)],
                                   work: @escaping @Sendable (RawRecord, Int?) -> Output) -> [Output] {
        let parts = min(threads, batch.count)
        if parts <= 1 { return batch.map { work($0.record, $0.firstLine) } }
        var outputs = [Output?](repeating: nil, count: batch.count)
        outputs.withUnsafeMutableBufferPointer { buffer in
            let slots = SharedSlots(buffer: buffer)
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let lower = batch.count * part / parts
                let upper = batch.count * (part + 1) / parts
                for index in lower..<upper {
                    slots.buffer[index] = work(batch[index].record, batch[index].firstLine)
                }
            }
        }
        return outputs.map { $0! }
    }
}

/// The output slots of one batch, written by several threads, each to its own indices.
private struct SharedSlots<Output>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Output?>
}
