import Foundation
import Interpreter

/// Where the repository and its test fixtures are, found from this file.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func url(_ relative: String) -> URL { root.appendingPathComponent(relative) }

    static func text(_ relative: String) throws -> String {
        try String(contentsOf: url(relative), encoding: .utf8)
    }

    /// Paths in rendered output are shown relative to the repository, so
    /// goldens do not depend on where it is checked out.
    static func relativize(_ text: String) -> String {
        text.replacingOccurrences(of: root.path + "/", with: "")
    }

    static var updatingGoldens: Bool { ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" }

    /// Compares `actual` with the golden file, or rewrites it when `UPDATE_GOLDEN=1`.
    /// Returns a description of the first difference, or nil.
    static func compareGolden(_ actual: String, _ relative: String) throws -> String? {
        let url = url(relative)
        if updatingGoldens {
            try actual.write(to: url, atomically: true, encoding: .utf8)
            return nil
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            return "\(relative) is missing; run with UPDATE_GOLDEN=1 and review it"
        }
        if expected == actual { return nil }
        let a = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let b = actual.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, pair) in zip(a, b).enumerated() where pair.0 != pair.1 {
            return "\(relative):\(index + 1)\n  expected: \(pair.0)\n  actual:   \(pair.1)"
        }
        return "\(relative): expected \(a.count) lines, got \(b.count)"
    }
}

/// The deterministic random numbers of the tests: the generator's own.
typealias Random = SplitMix64
