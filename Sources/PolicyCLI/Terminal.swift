import Foundation
import Interpreter

/// Buffered output to standard output and standard error, so that writing a
/// million results does not cost a system call each. A lock keeps it safe to
/// share.
final class Terminal: @unchecked Sendable {
    private let lock = NSLock()
    private let buffer: ByteBuffer
    private let handle: FileHandle
    private let limit = 1 << 18

    static let out = Terminal(FileHandle.standardOutput)
    static let err = Terminal(FileHandle.standardError)

    init(_ handle: FileHandle) {
        self.handle = handle
        buffer = ByteBuffer(capacity: limit + (1 << 16))
    }

    func write(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        buffer.append(text)
        if buffer.count >= limit { flushLocked() }
    }

    func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { write($0) }
    }

    func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        lock.lock()
        defer { lock.unlock() }
        buffer.append(bytes)
        if buffer.count >= limit { flushLocked() }
    }

    func flush() {
        lock.lock()
        defer { lock.unlock() }
        flushLocked()
    }

    private func flushLocked() {
        guard buffer.count > 0 else { return }
        defer { buffer.removeAll() }
        do {
            try handle.write(contentsOf: UnsafeRawBufferPointer(buffer.bytes))
        } catch {
            // The reader went away (a closed pipe) or the disk is full: nothing
            // more can be written, and a half-written `--output` file is removed.
            AtomicOutputFile.removePending()
            exit(ExitCode.failure.rawValue)
        }
    }

    deinit { flushLocked() }
}
