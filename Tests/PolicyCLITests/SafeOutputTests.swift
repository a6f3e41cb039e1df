import Foundation
import Testing

/// What `policy eval` leaves behind: files written whole or not at all,
/// personal data masked, a summary and an exit status that tell what happened.
@Suite("safe output", .serialized)
struct SafeOutputTests {
    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("policy-output-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test func outputIsWrittenWholeAndNothingElseIsLeft() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("results.jsonl")
        let run = try CLI.evalFengdu(["--records", EvalCommandTests.samples, "--output", output.path])
        #expect(run.stdout.isEmpty)
        let written = try String(contentsOf: output, encoding: .utf8)
        #expect(written == (try CLI.evalFengdu(["--records", EvalCommandTests.samples])).stdout)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["results.jsonl"])
    }

    @Test func aPipeNamedAsTheOutputIsWrittenInPlaceNotReplaced() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let pipe = folder.appendingPathComponent("results.pipe")
        #expect(mkfifo(pipe.path, 0o600) == 0)
        // The reader opens its end while the run opens the other.
        let received = Received()
        let reading = DispatchGroup()
        DispatchQueue.global().async(group: reading) {
            received.data = FileHandle(forReadingAtPath: pipe.path)?.readDataToEndOfFile() ?? Data()
        }
        let run = try CLI.evalFengdu(["--records", EvalCommandTests.samples, "--output", pipe.path])
        // Were the pipe replaced by a file, its reader would wait for ever: it is given a minute.
        try #require(reading.wait(timeout: .now() + 60) == .success, "the pipe was never written")
        #expect(run.status == 0 || run.status == 3, "\(run.stderr)")
        #expect(String(decoding: received.data, as: UTF8.self) == (try CLI.evalFengdu(["--records", EvalCommandTests.samples])).stdout)
        var status = stat()
        #expect(stat(pipe.path, &status) == 0 && status.st_mode & S_IFMT == S_IFIFO, "the pipe is still a pipe")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["results.pipe"])
    }

    private final class Received: @unchecked Sendable {
        var data = Data()
    }

    @Test func aPolicyWithErrorsLeavesTheOutputFileAsItWas() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("results.jsonl")
        try "last year's results\n".write(to: output, atomically: true, encoding: .utf8)
        let broken = folder.appendingPathComponent("broken.policy")
        try "policy broken/2021 {\n  region \"重庆市\"\n}\nparam x = \n".write(to: broken, atomically: true, encoding: .utf8)
        let run = try CLI.run(["eval", "--policy", broken.path, "--records", CLI.path(EvalCommandTests.samples), "--output", output.path])
        #expect(run.status == 1)
        #expect(try String(contentsOf: output, encoding: .utf8) == "last year's results\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["broken.policy", "results.jsonl"])
    }

    @Test func anInterruptedRunLeavesNoHalfWrittenFile() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("results.jsonl")
        try "last year's results\n".write(to: output, atomically: true, encoding: .utf8)
        let executable = try #require(CLI.executable)
        // Households come from a pipe that stays open, so the run is still going when stopped.
        let process = Process()
        process.executableURL = executable
        process.arguments = ["eval", "--policy", CLI.path(CLI.fengdu), "--as-of", "2021-09-30", "--output", output.path]
        let input = Pipe()
        process.standardInput = input
        process.standardError = Pipe()
        try process.run()
        let households = try String(contentsOfFile: CLI.path(EvalCommandTests.samples), encoding: .utf8)
        // More than the 64 KB read before evaluation starts (to detect the encoding).
        input.fileHandleForWriting.write(Data(String(repeating: households, count: 4).utf8))
        // Wait until the temporary file exists, then stop the run.
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, !(try FileManager.default.contentsOfDirectory(atPath: folder.path)).contains(where: { $0.contains(".partial-") }) {
            usleep(20_000)
        }
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationStatus == 128 + SIGTERM)
        #expect(try String(contentsOf: output, encoding: .utf8) == "last year's results\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["results.jsonl"])
    }

    @Test func theSummaryAndTheExitStatusTellWhatHappened() throws {
        let lines = try String(contentsOfFile: CLI.path(EvalCommandTests.samples), encoding: .utf8).split(separator: "\n")
        let good = try CLI.evalFengdu([], stdin: lines[0] + "\n")
        #expect(good.status == 0)
        #expect(good.stderr == "evaluated 1 household in 0.0 s: 1 include\n" || good.stderr.hasPrefix("evaluated 1 household in "))
        let mixed = try CLI.evalFengdu([], stdin: lines[0] + "\n{\"id\": \"broken\"\n")
        #expect(mixed.status == 3)
        #expect(mixed.lines.count == 2)
        #expect(mixed.stderr.contains(": 1 include, 1 error\n"), "\(mixed.stderr)")
        #expect(mixed.stderr.contains("1 record has decision `error`"), "\(mixed.stderr)")
        let quiet = try CLI.evalFengdu(["--quiet"], stdin: lines[0] + "\n{\"id\": \"broken\"\n")
        #expect(quiet.status == 3 && quiet.stderr.isEmpty)
        let noPolicy = try CLI.run(["eval", "--policy", "no/such/policy"], stdin: "")
        #expect(noPolicy.status == 1)
        let wrongCommandLine = try CLI.evalFengdu(["--threads", "many"], stdin: "")
        #expect(wrongCommandLine.status == 2)
    }

    /// A household whose id and member ID number are real-looking ID numbers.
    static let personal = """
    {"id":"500236199001011234","region":{"province":"重庆市","county":"丰都县","township":"三合街道"},"category":"general",\
    "members":[{"name":"张德明","id_number":"50023619900101123X","sex":"male","relation":"head","health":"healthy","labour":"ordinary",\
    "birth_date":"1990-01-01x"}],"income":{"wage":9000}}
    """

    @Test func idNumbersAreMaskedInMessagesAlways() throws {
        let run = try CLI.evalFengdu([], stdin: Self.personal + "\n")
        let result = try #require(run.lines.first.flatMap(CLI.decode))
        let messages = (result["messages"] as? [String] ?? []).joined(separator: "\n")
        #expect(!messages.isEmpty)
        #expect(messages.contains("500236********1234"), "\(messages)")
        #expect(!run.stdout.replacingOccurrences(of: "\"id\":\"500236199001011234\"", with: "").contains("500236199001011234"))
        #expect(!run.stderr.contains("500236199001011234"))
        // The id itself is kept: it is how the results are joined to the records.
        #expect(result["id"] as? String == "500236199001011234")
    }

    @Test func maskHidesNamesAndIDNumbersInTracesAndIDs() throws {
        // A rule that reads the members, so that the trace shows them, names included.
        let folder = try CLI.copyOfPolicies()
        defer { try? FileManager.default.removeItem(at: folder) }
        let policy = folder.appendingPathComponent("policies/test/2021.policy")
        try FileManager.default.createDirectory(at: policy.deletingLastPathComponent(), withIntermediateDirectories: true)
        try """
        policy test/2021 {
          region "重庆市"
          year 2021
          schema household/v1
        }

        category named "点名" {
          when any(m in members: m.name == "张德明")
        }

        """.write(to: policy, atomically: true, encoding: .utf8)
        let household = Self.personal.replacingOccurrences(of: ",\"birth_date\":\"1990-01-01x\"", with: "")
            .replacingOccurrences(of: "{\"wage\":9000}", with: "{\"business\":0,\"wage\":9000,\"property\":0,\"transfer\":0,\"business_expense\":0}")
        let arguments = ["eval", "--policy", policy.path, "--as-of", "2021-09-30", "--explain"]
        let plain = try CLI.run(arguments, stdin: household + "\n")
        let masked = try CLI.run(arguments + ["--mask"], stdin: household + "\n")
        #expect(plain.stdout.contains("name: \\\"张德明\\\""), "the trace shows the members it read: \(plain.stdout)")
        // Without `--mask`, ID numbers are masked all the same.
        #expect(plain.stdout.contains("id_number: \\\"500236********123X\\\""), "\(plain.stdout)")
        #expect(!plain.stdout.contains("50023619900101123X"))
        #expect(masked.stdout.contains("name: \\\"张**\\\""), "\(masked.stdout)")
        #expect(!masked.stdout.contains("德明"))
        #expect(!masked.stdout.contains("500236199001011234"))
        #expect(masked.stdout.hasPrefix("{\"id\":\"500236********1234\""), "\(masked.stdout.prefix(100))")
        // The decision is the same: masking touches what is shown, not what is decided.
        #expect(plain.lines.compactMap(CLI.decode).map { $0["decision"] as? String } == ["include"])
        #expect(masked.lines.compactMap(CLI.decode).map { $0["decision"] as? String } == ["include"])
    }

    @Test func csvOutputRunsNoFormula() throws {
        let lines = try String(contentsOfFile: CLI.path(EvalCommandTests.samples), encoding: .utf8).split(separator: "\n")
        for prefix in ["=", "+", "-", "@", "\t"] {
            let record = lines[0].replacingOccurrences(of: "\"fd-include-marginal-01\"", with: "\"\(prefix == "\t" ? "\\t" : prefix)HYPERLINK(1)\"")
            let run = try CLI.evalFengdu(["--format", "csv"], stdin: record + "\n")
            let row = try #require(run.stdout.split(separator: "\r\n").dropFirst().first)
            #expect(row.hasPrefix("'\(prefix)HYPERLINK(1)"), "\(row)")
        }
    }
}

/// The progress line: on a terminal only.
@Suite("progress")
struct ProgressTests {
    @Test func aTerminalSeesProgressAndAPipeDoesNot() throws {
        let folder = try SafeOutputTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let records = folder.appendingPathComponent("households.jsonl")
        let generated = try CLI.run(["generate", "--count", "20000", "--seed", "7"])
        try generated.stdout.write(to: records, atomically: true, encoding: .utf8)
        let arguments = ["eval", "--policy", CLI.path(CLI.fengdu), "--records", records.path, "--as-of", "2021-09-30",
                         "--output", folder.appendingPathComponent("out.jsonl").path, "--threads", "1"]
        // Through a pipe: the summary only.
        let piped = try CLI.run(arguments)
        #expect(!piped.stderr.contains("\r"))
        #expect(piped.stderr.hasPrefix("evaluated 20000 households"), "\(piped.stderr)")
        // Through a terminal (`script` gives the command one).
        let executable = try #require(CLI.executable)
        let command = ([executable.path] + arguments).map { "'\($0)'" }.joined(separator: " ")
        let terminal = try CLI.runProgram("/usr/bin/script", ["-qc", command, "/dev/null"])
        #expect(terminal.contains("\r\u{1B}[K"), "\(terminal.prefix(300))")
        #expect(terminal.contains(" households, "), "\(terminal.prefix(300))")
        #expect(terminal.contains("s left"), "a JSON Lines file gives an estimate of the time left")
        #expect(terminal.contains("evaluated 20000 households"))
        let quiet = try CLI.runProgram("/usr/bin/script", ["-qc", command + " --quiet", "/dev/null"])
        #expect(!quiet.contains("households"), "\(quiet)")
    }
}
