import Foundation

/// A file written whole or not at all (`--output FILE`): what is written goes
/// to a temporary file beside it, `.NAME.partial-PID`, which replaces FILE
/// only when the run is complete. A run that is interrupted (Ctrl-C, a kill,
/// a full disk) removes its temporary file and leaves FILE as it was, so a
/// half-written file never looks like a finished one.
///
/// A path that is not a regular file (`/dev/null`, a named pipe, a
/// terminal) is written in place: replacing it would put a file where the
/// device or pipe was.
final class AtomicOutputFile {
    let path: String
    /// The file written, renamed to `path` at the end; nil when `path` is written in place.
    let temporaryPath: String?
    let terminal: Terminal
    private let handle: FileHandle

    struct Failure: Error {
        let message: String
    }

    init(path: String) throws(Failure) {
        self.path = path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw Failure(message: "`\(path)` is a folder; `--output` takes a file")
        }
        if AtomicOutputFile.isSpecial(path) {
            guard let handle = FileHandle(forWritingAtPath: path) else {
                throw Failure(message: "cannot write `\(path)`: no permission")
            }
            temporaryPath = nil
            self.handle = handle
            terminal = Terminal(handle)
            return
        }
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        let temporaryPath = folder.appendingPathComponent(".\(url.lastPathComponent).partial-\(getpid())").path
        guard FileManager.default.createFile(atPath: temporaryPath, contents: nil),
              let handle = FileHandle(forWritingAtPath: temporaryPath) else {
            throw Failure(message: "cannot write in `\(folder.relativePath)`: no such folder, or no permission")
        }
        self.temporaryPath = temporaryPath
        self.handle = handle
        terminal = Terminal(handle)
        AtomicOutputFile.pending = strdup(temporaryPath)
        AtomicOutputFile.removeOnSignals()
    }

    /// Whether `path` exists and is a device, a pipe or a socket (after links).
    static func isSpecial(_ path: String) -> Bool {
        var status = stat()
        guard stat(path, &status) == 0 else { return false }
        let kind = status.st_mode & S_IFMT
        return kind == S_IFCHR || kind == S_IFIFO || kind == S_IFSOCK || kind == S_IFBLK
    }

    /// Writes out what is buffered and puts the file in place.
    func commit() throws(Failure) {
        terminal.flush()
        guard let temporaryPath else {
            try? handle.close()
            return
        }
        do {
            try handle.synchronize()
            try handle.close()
        } catch {
            discard()
            throw Failure(message: "cannot write `\(path)`: \(error.localizedDescription)")
        }
        guard rename(temporaryPath, path) == 0 else {
            let reason = String(cString: strerror(errno))
            discard()
            throw Failure(message: "cannot replace `\(path)`: \(reason)")
        }
        AtomicOutputFile.forgetPending()
    }

    /// Removes the temporary file: nothing is written.
    func discard() {
        try? handle.close()
        guard let temporaryPath else { return }
        unlink(temporaryPath)
        AtomicOutputFile.forgetPending()
    }

    // MARK: - Interruption

    /// The temporary file to remove if the process is stopped (a C string, so
    /// that a signal handler can use it).
    nonisolated(unsafe) private static var pending: UnsafeMutablePointer<CChar>?

    private static func forgetPending() {
        let old = pending
        pending = nil
        free(old)
    }

    /// Removes the temporary file, if any: called before exiting on an error.
    static func removePending() {
        if let pending { unlink(pending) }
    }

    private static func removeOnSignals() {
        // A parent may have started this process with these signals blocked
        // (some test runners and services do): they must reach the handler.
        var set = sigset_t()
        sigemptyset(&set)
        for signal in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&set, signal) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        for signal in [SIGINT, SIGTERM, SIGHUP] {
            _ = Foundation.signal(signal) { number in
                // Only async-signal-safe calls here: unlink and _exit.
                if let pending = AtomicOutputFile.pending { unlink(pending) }
                _exit(128 + number)
            }
        }
    }
}
