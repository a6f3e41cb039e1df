#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A conversion descriptor of the C library's `iconv`, the one GB18030 decoder
/// on Linux that converts a stream piece by piece: it stops cleanly before a
/// multi-byte sequence cut by a chunk boundary, where Foundation's
/// `String(data:encoding:)` can only take or reject a whole buffer.
final class IconvConverter {
    /// Why `convert` stopped before the end of its input.
    enum Stop: Equatable {
        /// All input was converted.
        case finished
        /// The byte at `consumed` does not start a valid sequence (or a valid
        /// sequence with no character in the target).
        case invalidInput
        /// The input ends inside a multi-byte sequence that starts at `consumed`.
        case incompleteInput
    }

    private let handle: iconv_t

    /// Nil when the C library has no such conversion (on glibc, when the
    /// `gconv` modules are not installed).
    init?(from source: String, to target: String) {
        let opened = iconv_open(target, source)
        // iconv_open reports failure as (iconv_t)-1.
        guard let opened, Int(bitPattern: opened) != -1 else { return nil }
        handle = opened
    }

    deinit {
        _ = iconv_close(handle)
    }

    /// Converts `input`, appending the result to `output`, and returns how many
    /// bytes of `input` were used and why it stopped.
    func convert(_ input: UnsafeBufferPointer<UInt8>, appendingTo output: inout [UInt8]) -> (consumed: Int, stop: Stop) {
        guard let base = input.baseAddress, !input.isEmpty else { return (0, .finished) }
        // iconv's prototype takes `char **` but does not write through it.
        var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(mutating: base)
            .assumingMemoryBound(to: CChar.self)
        var inLeft = input.count
        // Two UTF-8 bytes per input byte is enough for GB18030 (2 → 3, 4 → 4);
        // E2BIG below covers any other pair of encodings.
        var scratch = [UInt8](repeating: 0, count: max(64, input.count.multipliedReportingOverflow(by: 2).partialValue))
        var stop = Stop.finished
        while inLeft > 0 {
            var outLeft = scratch.count
            var result = 0
            var code: Int32 = 0
            scratch.withUnsafeMutableBytes { raw in
                var outPointer = raw.baseAddress?.assumingMemoryBound(to: CChar.self)
                result = iconv(handle, &inPointer, &inLeft, &outPointer, &outLeft)
                code = result == -1 ? errno : 0
            }
            let produced = scratch.count - outLeft
            output.append(contentsOf: scratch[0..<produced])
            if result != -1 { break }
            if code == E2BIG {
                // No room for even one character: make room rather than spin.
                if produced == 0 { scratch.append(contentsOf: repeatElement(0, count: scratch.count)) }
                continue
            }
            stop = code == EINVAL ? .incompleteInput : .invalidInput
            // Back to the initial shift state before the caller resumes.
            _ = iconv(handle, nil, nil, nil, nil)
            break
        }
        return (input.count - inLeft, stop)
    }
}
