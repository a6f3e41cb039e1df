import Foundation
import Interpreter

/// `policy generate`: made-up household records, the same for the same seed.
enum GenerateCommand {
    static let help = """
    USAGE: policy generate [--count <n>] [--seed <n>] [--format jsonl|csv] [--start <n>]

    Writes made-up household records to standard output, in the record
    contract's JSON Lines (all fields, with dated events) or CSV (one row per
    member; events are not carried in CSV). The records look like a rural
    county's (most households general, a fifth alleviated, some monitored,
    incomes around the monitoring line) and are the same for the same seed:
    household i depends only on the seed and i, so `--start` makes any slice.
    For benchmarks and tests; they describe no real household.

    OPTIONS:
      --count <n>         how many households (default 1000)
      --seed <n>          the seed (default 1)
      --start <n>         the index of the first household (default 0)
      --format <format>   jsonl (default) or csv
      -h, --help          show this help

    """

    static func run(_ raw: [String]) -> ExitCode {
        let arguments: Arguments
        switch Arguments.read(raw, valued: ["--count", "--seed", "--start", "--format"], flags: [], help: help) {
        case .read(let read): arguments = read
        case .done(let status): return status
        }
        guard let count = Int(arguments["--count"] ?? "1000"), count >= 0,
              let seed = UInt64(arguments["--seed"] ?? "1"), let start = Int(arguments["--start"] ?? "0"), start >= 0 else {
            Terminal.err.write("error: `--count`, `--seed` and `--start` are whole numbers of 0 or more\n\n\(help)")
            return .usage
        }
        let format = arguments["--format"] ?? "jsonl"
        guard format == "jsonl" || format == "csv" else {
            Terminal.err.write("error: `--format` is jsonl or csv, not `\(format)`\n\n\(help)")
            return .usage
        }
        let generator = HouseholdGenerator(seed: seed)
        if format == "csv" { Terminal.out.write(HouseholdGenerator.csvHeader + "\n") }
        for index in start..<(start + count) {
            if format == "csv" {
                for row in generator.csvRows(index) { Terminal.out.write(row + "\n") }
            } else {
                Terminal.out.write(generator.json(index) + "\n")
            }
        }
        return .success
    }
}
