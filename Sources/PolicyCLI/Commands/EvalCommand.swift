import Foundation
import Interpreter

/// `policy eval`: evaluate household records against a policy.
enum EvalCommand {
    static let help = """
    USAGE: policy eval (--policy <file>|<id> | --policies <folder>) [--records <file>|-] [options]

    Evaluates each household record against the policy and writes one result
    per record, in input order: the decision (include, exclude, not_eligible,
    continue, eliminate, remove, needs_data, error), the category, the
    exclusions that apply, what blocks risk elimination, and the missing data.
    A record that cannot be read gets decision `error` with messages naming its
    line and field; the other records are evaluated as usual.

    With `--policies`, each household gets the most specific policy in the
    folder for its region (a county's before its province's) and, of those,
    the one of the latest year not after the as-of date; its `policy` key
    names the one used.

    OPTIONS:
      --policy <file>|<id>     the policy to apply: a file, or an id such as
                               `hebei/laiyuan/2022` (looked for under `policies/`)
      --policies <folder>      choose the policy per household among those in the folder
      --records <file>|-       household records; `-` or no option reads standard input
      --input-format <format>  jsonl, json or csv (default: from the file name, else jsonl)
      --as-of <YYYY-MM-DD>     the date of the evaluation (default: today)
      --encoding <encoding>    utf8 or gb18030 (GBK exports of Chinese spreadsheets);
                               default: detected from the first bytes, and said
      --format <format>        jsonl, json, csv or table (default: jsonl)
      --explain                add the trace of every rule: what it read and gave
      --bom                    start CSV output with a byte-order mark (for Excel)
      --threads <n>            evaluate on n threads (default: one per core); the
                               output is the same, in input order, whatever n
      -h, --help               show this help

    EXIT STATUS:
      0  every record was evaluated (records with decision `error` included)
      1  the policy has errors, or the records could not be read
      2  the command line is wrong

    """

    static func run(_ raw: [String]) -> ExitCode {
        let arguments: Arguments
        switch Arguments.read(raw, valued: ["--policy", "--policies", "--records", "--input-format", "--as-of", "--format", "--encoding", "--threads"], flags: ["--explain", "--bom"], help: help) {
        case .read(let read): arguments = read
        case .done(let status): return status
        }
        guard arguments.positional.isEmpty else { return usage("unexpected argument `\(arguments.positional[0])`") }
        if arguments["--policy"] != nil, arguments["--policies"] != nil {
            return usage("give `--policy` or `--policies`, not both")
        }
        guard arguments["--policy"] != nil || arguments["--policies"] != nil else {
            return usage("`--policy <file>` or `--policies <folder>` is required")
        }
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
        var encoding: TextEncoding?
        if let written = arguments["--encoding"] {
            guard let known = TextEncoding(name: written) else { return usage("`--encoding` is utf8 or gb18030, not `\(written)`") }
            encoding = known
        }
        var threads = ProcessInfo.processInfo.activeProcessorCount
        if let written = arguments["--threads"] {
            guard let number = Int(written), (1...256).contains(number) else { return usage("`--threads` is a number from 1 to 256, not `\(written)`") }
            threads = number
        }
        let asOf: CivilDate
        if let written = arguments["--as-of"] {
            guard let date = CivilDate.parse(written) else { return usage("`--as-of` must be a date YYYY-MM-DD, not `\(written)`") }
            asOf = date
        } else {
            asOf = today()
        }

        let engine = PolicyEngine()
        let evaluate: @Sendable (RawRecord, Int?) -> HouseholdResult
        let schema: Schema
        if let folder = arguments["--policies"] {
            let (plans, diagnostics) = engine.loadAll(in: folder)
            for diagnostic in diagnostics where diagnostic.severity == .error {
                Terminal.err.write(DiagnosticRenderer.render(diagnostic))
            }
            guard let plans else {
                Terminal.err.write("error: policies under `\(folder)` have errors; run `policy check \(folder)`\n")
                return .failure
            }
            guard let first = plans.first else {
                Terminal.err.write("error: `\(folder)` holds no policy\n")
                return .failure
            }
            if let other = plans.first(where: { $0.metadata.schemaID != first.metadata.schemaID }) {
                Terminal.err.write("error: the policies read different schemas (`\(first.metadata.schemaID)` in `\(first.metadata.id)`, `\(other.metadata.schemaID)` in `\(other.metadata.id)`); give a folder whose policies read one\n")
                return .failure
            }
            schema = first.schema
            let selector = PolicySelector(plans: plans, asOf: asOf, folder: folder, explain: arguments.has("--explain"))
            evaluate = { selector.evaluate($0, firstLineOfID: $1) }
        } else {
            let written = arguments["--policy"] ?? ""
            guard let policyPath = engine.workspace.locatePolicy(written) else {
                Terminal.err.write("error: no policy `\(written)`: not a file, nor an id found as `\(written).policy` or `policies/\(written).policy`\n")
                return .failure
            }
            let loaded = engine.load(path: policyPath)
            for diagnostic in loaded.diagnostics where diagnostic.severity == .error {
                Terminal.err.write(DiagnosticRenderer.render(diagnostic))
            }
            guard let plan = loaded.plan else {
                Terminal.err.write("error: the policy `\(policyPath)` has errors; run `policy check \(policyPath)`\n")
                return .failure
            }
            schema = plan.schema
            let evaluator = HouseholdEvaluator(plan: plan, asOf: asOf, explain: arguments.has("--explain"))
            evaluate = { evaluator.evaluate($0, firstLineOfID: $1) }
        }

        var records: any RecordSource
        switch openRecords(recordsPath, format: inputFormat, encoding: encoding, schema: schema) {
        case .success(let opened): records = opened
        case .failure(let failure):
            Terminal.err.write("error: \(failure.message)\n")
            return .failure
        }

        var writer = ResultWriter(format: outputFormat)
        writer.csvByteOrderMark = arguments.has("--bom")
        Terminal.out.write(writer.begin())
        // Households are evaluated on several threads, in batches; results come
        // out in input order, the same whatever the number of threads.
        let pipeline = EvaluationPipeline(threads: threads)
        let count: Int
        if let lineFormat = ResultWriter.LineFormat(outputFormat) {
            // Each result is written out on the thread that evaluated it.
            count = pipeline.run(&records, work: { raw, first in
                let result = evaluate(raw, first)
                return (result.id, ResultWriter.line(result, lineFormat))
            }, emit: { Terminal.out.write($0) })
        } else {
            count = pipeline.run(&records, work: { raw, first in
                let result = evaluate(raw, first)
                return (result.id, result)
            }, emit: { Terminal.out.write(writer.write($0)) })
        }
        Terminal.out.write(writer.end())
        if let arrayRecords = records as? JSONArrayRecordSource, let problem = arrayRecords.structureError {
            Terminal.err.write("error: `\(recordsPath)` \(problem.line):\(problem.column): \(problem.message)\n")
            return .failure
        }
        if count == 0 { Terminal.err.write("note: `\(recordsPath)` holds no records\n") }
        return .success
    }

    /// Opens the records, choosing the text encoding: the one asked for, else
    /// the one the first bytes show (GB18030 is said on standard error).
    static func openRecords(_ path: String, format: InputFormat, encoding asked: TextEncoding?, schema: Schema) -> Result<any RecordSource, EvalFailure> {
        let peeked: PeekedByteSource<FileByteSource>
        do {
            peeked = try PeekedByteSource(try FileByteSource(path: path), peeking: 64 << 10)
        } catch {
            return .failure(EvalFailure("\(error)"))
        }
        var encoding = asked ?? .utf8
        if asked == nil {
            switch TextEncoding.detect(peeked.prefix, isWholeFile: peeked.prefixIsWholeInput) {
            case .utf8, .unknown: break
            case .gb18030:
                encoding = .gb18030
                Terminal.err.write("note: `\(path)` is not UTF-8 but reads as GB18030 (GBK); reading it as GB18030. Pass `--encoding utf8` to refuse.\n")
            case .utf16:
                return .failure(EvalFailure("`\(path)` is UTF-16 text (Excel's \"Unicode text\"); save it as \"CSV UTF-8\" instead"))
            case .binary:
                return .failure(EvalFailure("`\(path)` is not a text file"))
            }
        }
        let source: any ByteSource
        if encoding == .utf8 {
            source = peeked
        } else {
            do {
                source = try TranscodingByteSource(peeked, from: encoding)
            } catch {
                return .failure(EvalFailure("cannot decode `\(path)` as \(encoding.displayName): \(error)"))
            }
        }
        switch format {
        case .jsonl: return .success(JSONLinesRecordSource(reader: JSONLinesReader(source: source), defersParsing: true))
        case .json: return .success(JSONArrayRecordSource(reader: JSONArrayReader(source: source)))
        case .csv: return .success(CSVRecordSource(rows: CSVReader(source: source), schema: schema))
        }
    }

    struct EvalFailure: Error {
        let message: String
        init(_ message: String) { self.message = message }
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
