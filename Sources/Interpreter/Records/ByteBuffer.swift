import Foundation

/// A growable run of bytes in memory of its own. Appending copies with
/// `memcpy` (an array's `append(contentsOf:)` copies a buffer of bytes one
/// by one) and grows by doubling. Lines of input and of output pass through
/// one of these per block, never an array each.
///
/// A reference: hand it to the one that writes it. `bytes` and `slice` are
/// valid until the next append or `removeAll`.
public final class ByteBuffer: @unchecked Sendable {
    // One writer at a time by contract, so no run-time exclusivity checks:
    // they would cost more than the appending.
    @exclusivity(unchecked) public private(set) var count = 0
    @exclusivity(unchecked) private var capacity: Int
    @exclusivity(unchecked) private var base: UnsafeMutablePointer<UInt8>

    public init(capacity: Int = 4096) {
        self.capacity = Swift.max(16, capacity)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    @inline(__always)
    private func reserve(_ extra: Int) {
        if count + extra > capacity { grow(count + extra) }
    }

    private func grow(_ needed: Int) {
        (base, capacity) = Growth.doubled(base, count: count, capacity: capacity, needed: needed)
    }

    @inline(__always)
    public func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    @inline(__always)
    public func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        let length = bytes.count
        guard let source = bytes.baseAddress, length > 0 else { return }
        reserve(length)
        let from = UnsafeRawPointer(source), to = UnsafeMutableRawPointer(base + count)
        // Most pieces of a result are short: two words that overlap copy
        // them without a call.
        if length >= 8, length <= 16 {
            to.storeBytes(of: from.loadUnaligned(as: UInt64.self), as: UInt64.self)
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self), toByteOffset: length - 8, as: UInt64.self)
        } else if length >= 4, length < 8 {
            to.storeBytes(of: from.loadUnaligned(as: UInt32.self), as: UInt32.self)
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: length - 4, as: UInt32.self), toByteOffset: length - 4, as: UInt32.self)
        } else if length < 4 {
            for offset in 0..<length { base[count + offset] = source[offset] }
        } else {
            memcpy(to, from, length)
        }
        count += length
    }

    public func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0) }
    }

    public func append(_ text: String) {
        var text = text
        text.withUTF8 { append($0) }
    }

    /// Empties the buffer and keeps its memory.
    public func removeAll() { count = 0 }

    public var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    public func slice(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "a slice beyond the bytes written")
        return UnsafeBufferPointer(start: base + range.lowerBound, count: range.count)
    }

    /// A copy of the bytes as an array.
    public var array: [UInt8] { Array(bytes) }
}

/// How the buffers of plain values grow: by doubling, their contents moved.
enum Growth {
    /// Memory for `needed` values or more, holding the first `count` of `base` (which is freed).
    static func doubled<T>(_ base: UnsafeMutablePointer<T>, count: Int, capacity: Int, needed: Int) -> (UnsafeMutablePointer<T>, Int) {
        var size = Swift.max(1, capacity) * 2
        while size < needed { size *= 2 }
        let larger = UnsafeMutablePointer<T>.allocate(capacity: size)
        larger.moveInitialize(from: base, count: count)
        base.deallocate()
        return (larger, size)
    }
}
