import Foundation
import Interpreter

/// `policy bench`: measure reading, evaluation and end-to-end speed on generated households.
enum BenchCommand {
    static let help = """
    USAGE: policy bench [--count <n>] [--seed <n>] [--policy <file>|<id>] [--as-of <date>] [--threads <list>] [--only <list>] [--repeat <n>] [--folder <dir>]

    Generates n households (as `policy generate` does) into JSON Lines and CSV
    files, then measures, for each thread count: (a) reading only (into the
    compiled evaluation's slots, as `policy eval` reads, and into JSON values,
    as the general path reads), (b) evaluation only, on households already
    read and checked (by the compiled evaluation `policy eval` uses, and by
    the general evaluator), (c) end to end, JSON Lines in and out, (d) end to
    end, CSV in and JSON Lines out. It prints households per second and
    megabytes of input per second, and the peak memory. Each measurement is
    made `--repeat` times and the median is shown (a shared machine's
    timings vary from run to run). Build with `-c release` for figures
    worth reporting.

    OPTIONS:
      --count <n>        households (default 100000)
      --seed <n>         the generator's seed (default 1)
      --policy <p>       the policy (default policies/chongqing/fengdu/2021.policy)
      --as-of <date>     the evaluation date (default 2021-09-30)
      --threads <list>   thread counts, such as 1,2 (default 1,2)
      --only <list>      the measurements to make, of read, evaluate, jsonl, csv (default: all)
      --repeat <n>       runs of each measurement, the median shown (default 3)
      --folder <dir>     where the generated files go (default: a temporary folder, removed after)
      -h, --help         show this help

    """

    static func run(_ raw: [String]) -> ExitCode {
        let arguments: Arguments
        switch Arguments.read(raw, valued: ["--count", "--seed", "--policy", "--as-of", "--threads", "--only", "--repeat", "--folder"], flags: [], help: help) {
        case .read(let read): arguments = read
        case .done(let status): return status
        }
        guard let count = Int(arguments["--count"] ?? "100000"), count > 0, let seed = UInt64(arguments["--seed"] ?? "1"),
              let repeats = Int(arguments["--repeat"] ?? "3"), repeats > 0, let asOf = CivilDate.parse(arguments["--as-of"] ?? "2021-09-30") else {
            Terminal.err.write("error: `--count`, `--seed` and `--repeat` are whole numbers, `--as-of` a date\n\n\(help)")
            return .usage
        }
        let threadCounts = (arguments["--threads"] ?? "1,2").split(separator: ",").compactMap { Int($0) }.filter { $0 >= 1 }
        guard !threadCounts.isEmpty else {
            Terminal.err.write("error: `--threads` is a list of thread counts such as 1,2\n\n\(help)")
            return .usage
        }
        let measurements = ["read", "evaluate", "jsonl", "csv"]
        let only = Set((arguments["--only"] ?? measurements.joined(separator: ",")).split(separator: ",").map(String.init))
        guard !only.isEmpty, only.isSubset(of: measurements) else {
            Terminal.err.write("error: `--only` is a list of measurements among \(measurements.joined(separator: ", "))\n\n\(help)")
            return .usage
        }
        let engine = PolicyEngine()
        let written = arguments["--policy"] ?? "policies/chongqing/fengdu/2021.policy"
        guard let path = engine.workspace.locatePolicy(written), let plan = engine.load(path: path).plan else {
            Terminal.err.write("error: the policy `\(written)` is not found or has errors\n")
            return .failure
        }
        let folder = arguments["--folder"] ?? NSTemporaryDirectory() + "policy-bench-\(ProcessInfo.processInfo.processIdentifier)"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { if arguments["--folder"] == nil { try? FileManager.default.removeItem(atPath: folder) } }
        let jsonl = folder + "/households.jsonl", csv = folder + "/households.csv"
        let generator = HouseholdGenerator(seed: seed)
        do {
            try writeFile(jsonl) { write in for index in 0..<count { write(generator.json(index) + "\n") } }
            if only.contains("csv") {
                try writeFile(csv) { write in
                    write(HouseholdGenerator.csvHeader + "\n")
                    for index in 0..<count { for row in generator.csvRows(index) { write(row + "\n") } }
                }
            }
        } catch {
            Terminal.err.write("error: cannot write the generated households in `\(folder)`: \(error)\n")
            return .failure
        }

        let benchmark = Benchmark(plan: plan, asOf: asOf)
        Terminal.err.write("policy bench: \(count) households, policy \(plan.metadata.id), \(ProcessInfo.processInfo.activeProcessorCount) cores, "
                           + "the median of \(repeats) run\(repeats == 1 ? "" : "s") each\n")
        var rows: [[String]] = [["measurement", "threads", "households", "households/s", "MB/s", "seconds", "cores used"]]
        /// The median of `repeats` runs of a measurement, added to the table.
        func add(_ measure: () throws -> Benchmark.Figure?) throws {
            var runs: [Benchmark.Figure] = []
            for _ in 0..<repeats {
                guard let figure = try measure() else { return }
                runs.append(figure)
            }
            add(runs.sorted { $0.seconds < $1.seconds }[runs.count / 2])
        }
        func add(_ figure: Benchmark.Figure) {
            rows.append([figure.name, String(figure.threads), String(figure.households), String(format: "%.0f", figure.householdsPerSecond),
                         figure.bytes > 0 ? String(format: "%.1f", figure.megabytesPerSecond) : "-", String(format: "%.3f", figure.seconds),
                         String(format: "%.2f", figure.coresUsed)])
            Terminal.err.write(".")
            Terminal.err.flush()
        }
        do {
            if only.contains("read") {
                for threads in threadCounts { try add { try benchmark.readIntoSlots(jsonl: jsonl, threads: threads) } }
                for threads in threadCounts { try add { try benchmark.read(jsonl: jsonl, threads: threads) } }
            }
            if only.contains("evaluate") {
                let sample = min(count, 10_000), rounds = max(1, count / min(count, 10_000))
                for threads in threadCounts {
                    try add { try benchmark.evaluateCompiled(jsonl: jsonl, sample: sample, rounds: rounds, threads: threads) }
                }
                for threads in threadCounts { try add { try benchmark.evaluate(jsonl: jsonl, sample: sample, rounds: rounds, threads: threads) } }
            }
            if only.contains("jsonl") {
                for threads in threadCounts { try add { try benchmark.endToEnd(path: jsonl, csv: false, threads: threads).0 } }
            }
            if only.contains("csv") {
                for threads in threadCounts { try add { try benchmark.endToEnd(path: csv, csv: true, threads: threads).0 } }
            }
        } catch {
            Terminal.err.write("\nerror: \(error)\n")
            return .failure
        }
        Terminal.err.write("\n")
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            Terminal.out.write(zip(row, widths).enumerated().map { index, pair in
                index == 0 ? pair.0.padding(toLength: pair.1, withPad: " ", startingAt: 0) : String(repeating: " ", count: pair.1 - pair.0.count) + pair.0
            }.joined(separator: "  ") + "\n")
        }
        Terminal.out.write(String(format: "peak memory: %.1f MB\n", Benchmark.peakMemoryMB))
        return .success
    }

    /// Writes a file through a buffer, piece by piece.
    static func writeFile(_ path: String, _ body: ((String) -> Void) -> Void) throws {
        // A file that cannot be made is found by the opening that follows.
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: path) else { throw CocoaError(.fileWriteUnknown) }
        defer { try? handle.close() }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20)
        var failure: Error?
        body { text in
            buffer.append(contentsOf: text.utf8)
            if buffer.count >= 1 << 20, failure == nil {
                do { try handle.write(contentsOf: buffer) } catch { failure = error }
                buffer.removeAll(keepingCapacity: true)
            }
        }
        if let failure { throw failure }
        try handle.write(contentsOf: buffer)
        // On disk before anything is timed: otherwise the system writes the
        // file back while the measurements run, on the same cores.
        try handle.synchronize()
    }
}
