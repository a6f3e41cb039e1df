import Foundation
import Interpreter

/// `policy eval`: evaluate household records against a policy.
enum EvalCommand {
    static let help = """
    USAGE: policy eval --policy <file> [--records <file>|-] [options]

    Evaluates each household record against the policy and writes one result
    per record, in input order: the decision (include, exclude, not_eligible,
    continue, eliminate, remove, needs_data, error), the category, the
    exclusions that apply, what blocks risk elimination, and the missing data.
    A record that cannot be read gets decision `error` with messages naming its
    line and field; the other records are evaluated as usual.

    OPTIONS:
      --policy <file>          the policy to apply (required)
      --records <file>|-       household records; `-` or no option reads standard input
      --input-format <format>  jsonl, json or csv (default: from the file name, else jsonl)
      --as-of <YYYY-MM-DD>     the date of the evaluation (default: today)
      --format <format>        jsonl, json, csv or table (default: jsonl)
      --explain                add the trace of every rule: what it read and gave
      --bom                    start CSV output with a byte-order mark (for Excel)
      -h, --help               show this help

    EXIT STATUS:
      0  every record was evaluated (records with decision `error` included)
      1  the policy has errors, or the records could not be read
      2  the command line is wrong

    """

    static func run(_ raw: [String]) -> ExitCode {
        let arguments: Arguments
        do {
            arguments = try Arguments(raw, valued: ["--policy", "--records", "--input-format", "--as-of", "--format"],
                                      flags: ["--help", "--explain", "--bom"])
        } catch {
            return usage(error.message)
        }
        if arguments.has("--help") {
            Terminal.out.write(help)
            return .success
        }
        guard arguments.positional.isEmpty else { return usage("unexpected argument `\(arguments.positional[0])`") }
        guard let policyPath = arguments["--policy"] else { return usage("`--policy <file>` is required") }
        let recordsPath = arguments["--records"] ?? "-"
        let inputFormat: InputFormat
        if let written = arguments["--input-format"] {
            guard let format = InputFormat(rawValue: written) else { return usage("`--input-format` is jsonl, json or csv, not `\(written)`") }
            inputFormat = format
        } else {
            inputFormat = InputFormat.guess(fromPath: recordsPath) ?? .jsonl
        }
        let outputFormat: ResultWriter.Format
        if let written = arguments["--format"] {
            guard let format = ResultWriter.Format(rawValue: written) else {
                return usage("`--format` is jsonl, json, csv or table, not `\(written)`")
            }
            outputFormat = format
        } else {
            outputFormat = .jsonl
        }
        let asOf: CivilDate
        if let written = arguments["--as-of"] {
            guard let date = CivilDate.parse(written) else { return usage("`--as-of` must be a date YYYY-MM-DD, not `\(written)`") }
            asOf = date
        } else {
            asOf = today()
        }

        let loaded = PolicyEngine().load(path: policyPath)
        for diagnostic in loaded.diagnostics where diagnostic.severity == .error {
            Terminal.err.write(DiagnosticRenderer.render(diagnostic))
        }
        guard let plan = loaded.plan else {
            Terminal.err.write("error: the policy `\(policyPath)` has errors; run `policy check \(policyPath)`\n")
            return .failure
        }

        let source: FileByteSource
        do {
            source = try FileByteSource(path: recordsPath)
        } catch {
            Terminal.err.write("error: cannot read records `\(recordsPath)`: \(error)\n")
            return .failure
        }
        var records: any RecordSource
        switch inputFormat {
        case .jsonl: records = JSONLinesRecordSource(reader: JSONLinesReader(source: source))
        case .json: records = JSONArrayRecordSource(reader: JSONArrayReader(source: source))
        case .csv: records = CSVRecordSource(rows: CSVReader(source: source), schema: plan.schema)
        }

        var writer = ResultWriter(format: outputFormat)
        writer.csvByteOrderMark = arguments.has("--bom")
        Terminal.out.write(writer.begin())
        var evaluator = HouseholdEvaluator(plan: plan, asOf: asOf, explain: arguments.has("--explain"))
        while let record = records.next() {
            Terminal.out.write(writer.write(evaluator.evaluate(record)))
        }
        Terminal.out.write(writer.end())
        return .success
    }

    static func usage(_ message: String) -> ExitCode {
        Terminal.err.write("error: \(message)\n\n\(help)")
        return .usage
    }

    /// Today's date where the user is.
    static func today() -> CivilDate {
        let parts = Calendar.current.dateComponents([.year, .month, .day], from: Date())
        return CivilDate(year: parts.year ?? 2000, month: parts.month ?? 1, day: parts.day ?? 1) ?? CivilDate.earliest
    }
}
