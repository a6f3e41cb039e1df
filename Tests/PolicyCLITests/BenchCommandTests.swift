import Foundation
import Testing

@Suite("policy bench")
struct BenchCommandTests {
    /// A small run prints one row per measurement and thread count, each with
    /// its rate and the cores it kept busy.
    @Test func aSmallRunPrintsRatesAndCoresUsed() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CLI.run(["bench", "--count", "40", "--only", "evaluate,jsonl", "--threads", "1,2", "--repeat", "1",
                               "--folder", folder.path], in: CLI.root)
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.lines
        let header = try #require(lines.first)
        #expect(header.hasPrefix("measurement") && header.hasSuffix("cores used"))
        let rows = lines.filter { $0.hasPrefix("evaluate only") || $0.hasPrefix("end to end") }
        #expect(rows.count == 6)
        for row in rows {
            let cells = row.split(separator: " ", omittingEmptySubsequences: true)
            let cores = try #require(Double(String(cells[cells.count - 1])), "\(row)")
            // Processor time over wall time: at least a little, at most what the machine has (and some rounding).
            #expect(cores >= 0 && cores <= Double(ProcessInfo.processInfo.activeProcessorCount) + 0.5, "\(row)")
            #expect(cells.contains("40"), "\(row)")
        }
        #expect(lines.last?.hasPrefix("peak memory:") == true)
    }
}
