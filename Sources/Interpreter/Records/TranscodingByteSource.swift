/// Wraps a byte source in another encoding and hands out UTF-8, chunk by
/// chunk, so that the CSV reader has one code path and GB18030 files stream
/// like UTF-8 ones.
///
/// A multi-byte sequence cut by a chunk boundary is kept back until the next
/// chunk completes it. A byte that is not valid in the source encoding is
/// passed through unchanged: it is never valid UTF-8 where it lands (see
/// `convertPending`), so the CSV reader reports it, with its column, as an
/// error of that row alone, where a replacement character would change the
/// data silently and a thrown error would lose every later row.
public struct TranscodingByteSource<Base: ByteSource>: ByteSource {
    public let encoding: TextEncoding
    private var base: Base
    private let converter: IconvConverter?
    private let chunkSize: Int
    /// Bytes read from `base` and not yet converted: at most the start of one
    /// sequence between calls.
    private var pending: [UInt8] = []
    /// Converted bytes not yet handed out.
    private var output: [UInt8] = []
    private var outputOffset = 0
    private var baseFinished = false

    /// Fails only when the system cannot convert `encoding` at all.
    public init(_ base: Base, from encoding: TextEncoding, chunkSize: Int = 1 << 20) throws(TextEncoding.ConversionError) {
        self.base = base
        self.encoding = encoding
        self.converter = try encoding.makeConverter()
        self.chunkSize = max(1, chunkSize)
    }

    public mutating func read(into buffer: inout [UInt8], maxCount: Int) throws -> Int {
        guard maxCount > 0 else { return 0 }
        // UTF-8 needs no conversion; its bytes go to the reader's own checks.
        guard let converter else { return try base.read(into: &buffer, maxCount: maxCount) }
        while outputOffset >= output.count {
            if baseFinished && pending.isEmpty { return 0 }
            output.removeAll(keepingCapacity: true)
            outputOffset = 0
            if !baseFinished {
                let before = pending.count
                _ = try base.read(into: &pending, maxCount: chunkSize)
                if pending.count == before { baseFinished = true }
            }
            convertPending(with: converter)
        }
        let count = min(maxCount, output.count - outputOffset)
        buffer.append(contentsOf: output[outputOffset..<(outputOffset + count)])
        outputOffset += count
        return count
    }

    public mutating func read(into target: UnsafeMutableRawBufferPointer) throws -> Int {
        // UTF-8 passes through without a copy; anything else by way of an array.
        if converter == nil { return try base.read(into: target) }
        return try readByWayOfArray(into: target)
    }

    /// Converts what `pending` holds, keeping back a sequence cut off by the
    /// end of the chunk unless the input has ended.
    ///
    /// Why a passed-through byte is always invalid UTF-8 for GB18030: it is
    /// 0x80–0xFF, and the conversion rejects a lead byte 0x81–0xFE only when
    /// the next byte is not a trail (every two-byte code is assigned), so what
    /// follows it is ASCII, 0xFF, or the first byte of a converted character,
    /// never the continuation byte 0x80–0xBF that UTF-8 would need.
    private mutating func convertPending(with converter: IconvConverter) {
        var start = 0
        conversion: while start < pending.count {
            let (consumed, stop) = pending.withUnsafeBufferPointer { all in
                converter.convert(UnsafeBufferPointer(rebasing: all[start...]), appendingTo: &output)
            }
            start += consumed
            switch stop {
            case .finished:
                break conversion
            case .incompleteInput where !baseFinished:
                break conversion
            case .incompleteInput, .invalidInput:
                guard start < pending.count else { break conversion }
                output.append(pending[start])
                start += 1
            }
        }
        pending.removeSubrange(0..<min(start, pending.count))
    }
}
