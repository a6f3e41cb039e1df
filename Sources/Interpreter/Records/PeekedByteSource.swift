/// A byte source whose first bytes were read ahead, to be looked at before
/// the rows are, and then handed out again: the command line must see whether
/// a file is GB18030 before it picks the reader, and standard input cannot be
/// opened a second time.
public struct PeekedByteSource<Base: ByteSource>: ByteSource {
    /// The first bytes of the input: `count` of them, or fewer when the input
    /// is shorter (then `prefixIsWholeInput` is true).
    public let prefix: [UInt8]
    /// Whether the input ended within `prefix`, so that a multi-byte sequence
    /// cut off at its end is an error rather than a chunk boundary.
    public let prefixIsWholeInput: Bool
    private var base: Base
    private var offset = 0

    /// Reads up to `count` bytes of `base` ahead; throws what `base` throws.
    public init(_ base: Base, peeking count: Int) throws {
        var base = base
        var prefix: [UInt8] = []
        var ended = false
        while prefix.count < count {
            if try base.read(into: &prefix, maxCount: count - prefix.count) == 0 {
                ended = true
                break
            }
        }
        self.base = base
        self.prefix = prefix
        self.prefixIsWholeInput = ended
    }

    public mutating func read(into buffer: inout [UInt8], maxCount: Int) throws -> Int {
        guard maxCount > 0 else { return 0 }
        if let taken = takePrefix(maxCount) {
            buffer.append(contentsOf: taken)
            return taken.count
        }
        if prefixIsWholeInput { return 0 }
        return try base.read(into: &buffer, maxCount: maxCount)
    }

    public mutating func read(into target: UnsafeMutableRawBufferPointer) throws -> Int {
        guard target.count > 0 else { return 0 }
        if let taken = takePrefix(target.count) {
            taken.withUnsafeBytes { target.copyMemory(from: $0) }
            return taken.count
        }
        if prefixIsWholeInput { return 0 }
        return try base.read(into: target)
    }

    /// At most `count` bytes of the prefix not handed out yet, now handed
    /// out; nil once all of it has been.
    private mutating func takePrefix(_ count: Int) -> ArraySlice<UInt8>? {
        guard offset < prefix.count else { return nil }
        let taken = prefix[offset..<min(prefix.count, offset + count)]
        offset += taken.count
        return taken
    }
}
