import Foundation
import Interpreter

/// A progress line on standard error for long runs, when standard error is a
/// terminal (and the results do not go to the same terminal): households
/// done, the rate, and the time left when the input's size allows an
/// estimate. Nothing otherwise, and nothing with `--quiet`.
final class Progress {
    private let started = Date()
    private var lastShown = Date()
    private var done = 0
    private var shown = false
    /// The households the input is estimated to hold, if known.
    private let expected: Int?
    private let language: Language

    /// A progress line, or nil when none should be shown.
    static func make(quiet: Bool, writesToTerminal: Bool, recordsPath: String, format: InputFormat, language: Language) -> Progress? {
        guard !quiet, isatty(STDERR_FILENO) == 1, !writesToTerminal else { return nil }
        return Progress(expected: estimate(recordsPath, format), language: language)
    }

    init(expected: Int?, language: Language) {
        self.expected = expected
        self.language = language
    }

    /// Counts one household; redraws the line at most twice a second.
    func tick() {
        done += 1
        guard done & 1023 == 0 else { return }
        let now = Date()
        guard now.timeIntervalSince(lastShown) >= 0.5 else { return }
        lastShown = now
        Terminal.err.write("\r\u{1B}[K" + line(elapsed: now.timeIntervalSince(started)))
        Terminal.err.flush()
        shown = true
    }

    /// Clears the line before the summary.
    func finish() {
        guard shown else { return }
        Terminal.err.write("\r\u{1B}[K")
    }

    func line(elapsed: Double) -> String {
        let rate = elapsed > 0 ? Int(Double(done) / elapsed) : 0
        var text = language.pick("\(Explanation.grouped(String(done))) households, \(Explanation.grouped(String(rate)))/s",
                                 "已评估 \(Explanation.grouped(String(done))) 户，每秒 \(Explanation.grouped(String(rate))) 户")
        if let expected, rate > 0, expected > done {
            let left = Int((Double(expected - done) / Double(rate)).rounded(.up))
            text += language.pick(", about \(left) s left", "，约剩 \(left) 秒")
        }
        return text
    }

    /// Households in a JSON Lines file, from its size and the lines in its first 64 KB.
    static func estimate(_ path: String, _ format: InputFormat) -> Int? {
        guard path != "-", format == .jsonl,
              let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > 0,
              let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let prefix = try? handle.read(upToCount: 64 << 10), !prefix.isEmpty else { return nil }
        let lines = prefix.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        guard lines > 0 else { return nil }
        return Int(Double(size) * Double(lines) / Double(prefix.count))
    }
}
