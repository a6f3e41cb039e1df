#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A stream of bytes read in chunks, so that record readers (CSV, JSON Lines)
/// never hold a whole export in memory: household files from a national
/// monitoring system can be larger than the machine that checks them.
public protocol ByteSource {
    /// Appends at most `maxCount` bytes to `buffer` and returns how many were
    /// appended; 0 means the end of the input.
    mutating func read(into buffer: inout [UInt8], maxCount: Int) throws -> Int

    /// Writes at most `target.count` bytes at the start of `target` and
    /// returns how many were written; 0 means the end of the input. What a
    /// reader with memory of its own uses: nothing is copied on the way.
    mutating func read(into target: UnsafeMutableRawBufferPointer) throws -> Int
}

extension ByteSource {
    /// By way of an array, for sources that have nothing better.
    public mutating func read(into target: UnsafeMutableRawBufferPointer) throws -> Int {
        try readByWayOfArray(into: target)
    }

    /// `read(into:)` done with `read(into:maxCount:)` and a copy.
    mutating func readByWayOfArray(into target: UnsafeMutableRawBufferPointer) throws -> Int {
        var bytes: [UInt8] = []
        let count = try read(into: &bytes, maxCount: target.count)
        bytes.withUnsafeBytes { target.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[..<count])) }
        return count
    }
}

/// Bytes already in memory, handed out `chunkSize` at a time; tests use small
/// chunk sizes to put every chunk boundary through the readers.
public struct MemoryByteSource: ByteSource, Sendable {
    private let bytes: [UInt8]
    private let chunkSize: Int
    private var offset = 0

    public init(_ bytes: [UInt8], chunkSize: Int = 1 << 20) {
        self.bytes = bytes
        // A chunk of 0 would read as the end of the input.
        self.chunkSize = max(1, chunkSize)
    }

    public init(_ text: String, chunkSize: Int = 1 << 20) {
        self.init(Array(text.utf8), chunkSize: chunkSize)
    }

    public mutating func read(into buffer: inout [UInt8], maxCount: Int) throws -> Int {
        let count = min(max(0, maxCount), chunkSize, bytes.count - offset)
        guard count > 0 else { return 0 }
        buffer.append(contentsOf: bytes[offset..<(offset + count)])
        offset += count
        return count
    }
}

/// A file, or standard input for the path "-", read with POSIX `read` so that
/// no `Data` is created per chunk.
public struct FileByteSource: ByteSource {
    /// The path as given; "-" stands for standard input.
    public let path: String
    private let descriptor: OwnedFileDescriptor

    /// Opens `path` for reading, or takes standard input for "-". Fails with a
    /// message the command line can print as it is: a missing file and a
    /// directory are the usual mistakes.
    public init(path: String) throws(ByteSourceError) {
        self.path = path
        if path == "-" {
            descriptor = OwnedFileDescriptor(rawValue: STDIN_FILENO, closesOnDeinit: false)
            return
        }
        let raw = open(path, O_RDONLY | O_CLOEXEC)
        guard raw >= 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw .fileNotFound(path: path) }
            throw .cannotOpen(path: path, reason: systemMessage(code))
        }
        let opened = OwnedFileDescriptor(rawValue: raw, closesOnDeinit: true)
        var status = stat()
        // `open` accepts a directory for reading; the failure would only come
        // with the first `read`, as a less helpful EISDIR.
        if fstat(raw, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR {
            throw .isDirectory(path: path)
        }
        descriptor = opened
    }

    private static let zeros = [UInt8](repeating: 0, count: 1 << 20)

    public mutating func read(into buffer: inout [UInt8], maxCount: Int) throws -> Int {
        guard maxCount > 0 else { return 0 }
        let start = buffer.count
        // Room for the read, made by copying zeros in bulk (element by
        // element is slow in a debug build: a 100 MB line took half a minute).
        if maxCount <= FileByteSource.zeros.count {
            buffer.append(contentsOf: FileByteSource.zeros[..<maxCount])
        } else {
            buffer.append(contentsOf: [UInt8](repeating: 0, count: maxCount))
        }
        let result: Int
        do {
            result = try buffer.withUnsafeMutableBytes { raw in try read(into: UnsafeMutableRawBufferPointer(rebasing: raw[start...])) }
        } catch {
            buffer.removeSubrange(start...)
            throw error
        }
        buffer.removeSubrange((start + result)...)
        return result
    }

    /// `read(2)` straight into `target`, tried again when a signal interrupts it.
    public mutating func read(into target: UnsafeMutableRawBufferPointer) throws -> Int {
        guard target.count > 0 else { return 0 }
        var result = -1
        var code: Int32 = 0
        repeat {
            result = posixRead(descriptor.rawValue, target.baseAddress, target.count)
            code = result < 0 ? errno : 0
        } while result < 0 && code == EINTR
        guard result >= 0 else { throw ByteSourceError.readFailed(path: path, reason: systemMessage(code)) }
        return result
    }
}

/// Why a file could not be read, worded for the person who named it.
public enum ByteSourceError: Error, Equatable, Sendable, CustomStringConvertible {
    case fileNotFound(path: String)
    case isDirectory(path: String)
    case cannotOpen(path: String, reason: String)
    case readFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .fileNotFound(let path): return "cannot read `\(path)`: no such file"
        case .isDirectory(let path): return "cannot read `\(path)`: it is a directory, not a file"
        case .cannotOpen(let path, let reason): return "cannot open `\(path)`: \(reason)"
        case .readFailed(let path, let reason): return "cannot read `\(path)`: \(reason)"
        }
    }
}

/// Owns a file descriptor so that it is closed exactly once, however many
/// copies of the `FileByteSource` value exist.
final class OwnedFileDescriptor {
    let rawValue: Int32
    private let closesOnDeinit: Bool

    init(rawValue: Int32, closesOnDeinit: Bool) {
        self.rawValue = rawValue
        self.closesOnDeinit = closesOnDeinit
    }

    deinit {
        if closesOnDeinit { _ = close(rawValue) }
    }
}

// At file scope `read` is the C function, not `FileByteSource.read(into:maxCount:)`.
private func posixRead(_ fd: Int32, _ target: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, target, count)
}

private func systemMessage(_ code: Int32) -> String {
    guard let text = strerror(code) else { return "error \(code)" }
    return String(cString: text).lowercased()
}
