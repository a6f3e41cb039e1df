import Foundation
import Testing

/// Runs the built `policy` binary, as a user would, and captures what it says.
enum CLI {
    struct Run {
        let status: Int32
        let stdout: String
        let stderr: String

        var lines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }
    }

    /// The repository, found from this file.
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// The `policy` executable next to the test bundle (where `swift test` builds it).
    static let executable: URL? = {
        var candidates: [URL] = []
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = testBinary.deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(folder.appendingPathComponent("policy"))
            folder = folder.deletingLastPathComponent()
        }
        candidates.append(root.appendingPathComponent(".build/debug/policy"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    /// Runs `policy`; one that runs longer than `timeout` seconds is stopped
    /// and recorded as a failure (a hang must not hang the tests).
    static func run(_ arguments: [String], stdin: String? = nil, in directory: URL? = nil, timeout: Double = 300,
                    environment: [String: String]? = nil) throws -> Run {
        guard let executable else {
            Issue.record("the `policy` binary was not found next to the tests; run `swift build` first")
            return Run(status: -1, stdout: "", stderr: "")
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory ?? root
        // The language comes from the environment: tests speak English unless they ask.
        var variables = ProcessInfo.processInfo.environment
        for key in ["LC_ALL", "LC_MESSAGES", "LANG"] { variables[key] = nil }
        variables.merge(environment ?? ["LANG": "C"]) { $1 }
        process.environment = variables
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        // Read both pipes while the process runs, so a large output cannot block it.
        nonisolated(unsafe) var outData = Data()
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            outData = out.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning {
            process.terminate()
            Issue.record("`policy \(arguments.joined(separator: " "))` ran longer than \(Int(timeout)) s")
        }
        process.waitUntilExit()
        group.wait()
        return Run(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                   stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Runs another program (with the English locale) and returns what it wrote to standard output.
    static func runProgram(_ path: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.currentDirectoryURL = root
        var variables = ProcessInfo.processInfo.environment
        for key in ["LC_ALL", "LC_MESSAGES", "LANG"] { variables[key] = nil }
        variables["LANG"] = "C"
        process.environment = variables
        let out = Pipe()
        process.standardOutput = out
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    static let fengdu = "policies/chongqing/fengdu/2021.policy"

    /// `policy eval` of the Fengdu policy as of 2021-09-30 with extra arguments.
    static func evalFengdu(_ arguments: [String], stdin: String? = nil, timeout: Double = 300) throws -> Run {
        try run(["eval", "--policy", fengdu, "--as-of", "2021-09-30"] + arguments, stdin: stdin, timeout: timeout)
    }

    /// A fresh temporary folder holding a copy of `policies/` (schema, sources, policies).
    static func copyOfPolicies() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("policy-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: root.appendingPathComponent("policies"), to: folder.appendingPathComponent("policies"))
        return folder
    }

    static func decode(_ line: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
    }

    /// Compares with a golden file, or rewrites it when `UPDATE_GOLDEN=1`.
    static func expectGolden(_ actual: String, _ relativePath: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = root.appendingPathComponent(relativePath)
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try actual.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, pair) in zip(expectedLines, actualLines).enumerated() where pair.0 != pair.1 {
            Issue.record("\(relativePath):\(index + 1) differs\n  expected: \(pair.0)\n  actual:   \(pair.1)", sourceLocation: sourceLocation)
            return
        }
        #expect(expectedLines.count == actualLines.count, "\(relativePath): line count differs", sourceLocation: sourceLocation)
    }
}
