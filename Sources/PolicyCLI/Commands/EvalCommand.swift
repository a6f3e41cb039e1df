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
      --output <file>          write the results to a file, whole or not at all: a
                               temporary file replaces it only when the run is done
                               (a device or named pipe, like /dev/null, is written in place)
      --mask                   mask names and other free text of the records in
                               traces, and ids that are ID numbers (ID numbers in
                               messages and traces are always masked: 500236********1234)
      --quiet                  no summary, notes or progress on standard error (progress
                               shows only when standard error is a terminal)
      --threads <n>            evaluate on n threads (default: one per core); the
                               output is the same, in input order, whatever n
      -h, --help               show this help

    LIMITS (a record beyond one is an error of its own; the others go on):
      --max-record-bytes <n>   bytes of one JSON line, JSON element or CSV row (default 16777216)
      --max-depth <n>          nesting of a JSON record (default 64)
      --max-text-bytes <n>     bytes of one text value (default 1048576)
      --max-list-items <n>     items of one list: members, events; rows of one CSV household (default 10000)

    Every record gives exactly one result, in input order. A summary goes to
    standard error: the households by decision, and the records with errors.

    EXIT STATUS:
      0  every record was evaluated
      1  the policy has errors, the records could not be read, or the output not written
      2  the command line is wrong
      3  every record has its result, but some have decision `error` (see their `messages`)

    """

    static func run(_ raw: [String]) -> ExitCode {
        let arguments: Arguments
        switch Arguments.read(raw, valued: ["--policy", "--policies", "--records", "--input-format", "--as-of", "--format", "--encoding", "--threads",
                                            "--output", "--max-record-bytes", "--max-depth", "--max-text-bytes", "--max-list-items"],
                              flags: ["--explain", "--bom", "--mask", "--quiet"], help: help) {
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
        let options: RecordOptions
        switch RecordOptions.read(arguments) {
        case .success(let read): options = read
        case .failure(let problem): return usage(problem.message)
        }
        let (recordsPath, inputFormat, encoding, threads, asOf) = (options.recordsPath, options.inputFormat, options.encoding, options.threads, options.asOf)
        let outputFormat: ResultWriter.Format
        if let written = arguments["--format"] {
            guard let format = ResultWriter.Format(rawValue: written) else {
                return usage("`--format` is jsonl, json, csv or table, not `\(written)`")
            }
            outputFormat = format
        } else {
            outputFormat = .jsonl
        }
        var limits = JSONLimits.default
        var maxRecordBytes = 16 << 20
        for (option, apply) in [("--max-record-bytes", { maxRecordBytes = $0 }), ("--max-depth", { limits.maxDepth = $0 }),
                                ("--max-text-bytes", { limits.maxStringBytes = $0 }), ("--max-list-items", { limits.maxListItems = $0 })]
            as [(String, (Int) -> Void)] {
            guard let written = arguments[option] else { continue }
            guard let number = Int(written), number > 0 else { return usage("`\(option)` is a positive number, not `\(written)`") }
            apply(number)
        }
        let quiet = arguments.has("--quiet")
        let note: (String) -> Void = { if !quiet { Terminal.err.write($0) } }

        let engine = PolicyEngine()
        let evaluate: @Sendable (RawRecord, Int?) -> HouseholdResult
        /// A result as its line of JSON Lines or CSV, with its id and decision.
        let evaluateLine: @Sendable (RecordBlock, Int, Int?, ResultWriter.LineFormat, ByteBuffer) -> (id: String?, decision: DecisionKind)
        /// The lines of a range of records at once, when one policy decides them all (`HouseholdEvaluator.evaluateLines`).
        var evaluateLines: (@Sendable (RecordBlock, Range<Int>, ResultWriter.LineFormat, ByteBuffer, (String?, DecisionKind) -> Void) -> Void)?
        let schema: Schema
        if let folder = arguments["--policies"] {
            let (plans, diagnostics) = engine.loadAll(in: folder)
            for diagnostic in diagnostics where diagnostic.severity == .error {
                Terminal.err.write(Session.render(diagnostic))
            }
            guard let plans else {
                Terminal.err.write(Session.say("error: policies under `\(folder)` have errors; run `policy check \(folder)`\n",
                                               "错误：`\(folder)` 下的政策有错误，请运行 `policy check \(folder)`\n"))
                return .failure
            }
            guard let first = plans.first else {
                Terminal.err.write(Session.say("error: `\(folder)` holds no policy\n", "错误：`\(folder)` 中没有政策文件\n"))
                return .failure
            }
            if let other = plans.first(where: { $0.metadata.schemaID != first.metadata.schemaID }) {
                Terminal.err.write("error: the policies read different schemas (`\(first.metadata.schemaID)` in `\(first.metadata.id)`, `\(other.metadata.schemaID)` in `\(other.metadata.id)`); give a folder whose policies read one\n")
                return .failure
            }
            schema = first.schema
            let selector = PolicySelector(plans: plans, asOf: asOf, folder: folder, explain: arguments.has("--explain"),
                                          maskPersonalData: arguments.has("--mask"), limits: limits, language: Session.language)
            evaluate = { selector.evaluate($0, firstLineOfID: $1) }
            evaluateLine = { block, index, first, format, out in
                let result = selector.evaluateLine(block.record(index), firstLineOfID: first, format: format)
                out.append(result.output)
                return (result.id, result.decision)
            }
        } else {
            guard let (_, _, plan) = engine.loadNamed(arguments["--policy"] ?? "") else { return .failure }
            schema = plan.schema
            let evaluator = HouseholdEvaluator(plan: plan, asOf: asOf, explain: arguments.has("--explain"),
                                               maskPersonalData: arguments.has("--mask"), limits: limits, language: Session.language)
            evaluate = { evaluator.evaluate($0, firstLineOfID: $1) }
            evaluateLine = { evaluator.evaluateLine($0, $1, firstLineOfID: $2, format: $3, into: $4) }
            evaluateLines = { evaluator.evaluateLines($0, $1, format: $2, into: $3, $4) }
        }

        var records: any RecordSource
        switch openRecords(recordsPath, format: inputFormat, encoding: encoding, schema: schema,
                           limits: limits, maxRecordBytes: maxRecordBytes, note: note) {
        case .success(let opened): records = opened
        case .failure(let failure):
            Terminal.err.write("error: \(failure.message)\n")
            return .failure
        }

        var outputFile: AtomicOutputFile?
        if let path = arguments["--output"] {
            do {
                outputFile = try AtomicOutputFile(path: path)
            } catch {
                Terminal.err.write("error: \(error.message)\n")
                return .failure
            }
        }
        let output = outputFile?.terminal ?? Terminal.out

        var writer = ResultWriter(format: outputFormat)
        writer.csvByteOrderMark = arguments.has("--bom")
        writer.language = Session.language
        output.write(writer.begin())
        // Households are evaluated on several threads, in batches; results come
        // out in input order, the same whatever the number of threads.
        let pipeline = EvaluationPipeline(threads: threads)
        var summary = Summary()
        let started = Date()
        let progress = Progress.make(quiet: quiet, writesToTerminal: outputFile == nil && isatty(STDOUT_FILENO) == 1,
                                     recordsPath: recordsPath, format: inputFormat, language: Session.language)
        if let lineFormat = ResultWriter.LineFormat(outputFormat) {
            // Each result is written out on the thread that evaluated it.
            let lines = evaluateLines
            pipeline.runBlocks(&records, work: { block, index, first, out in
                evaluateLine(block, index, first, lineFormat, out)
            }, parts: lines.map { lines in { @Sendable block, range, out, done in lines(block, range, lineFormat, out, done) } },
            emit: { line, decision in
                summary.count(decision)
                progress?.tick()
                output.write(line)
            })
        } else {
            pipeline.run(&records, work: { raw, first in
                let result = evaluate(raw, first)
                return (result.id, result)
            }, emit: { result in
                summary.count(result.decision)
                progress?.tick()
                output.write(writer.write(result))
            })
        }
        output.write(writer.end())
        progress?.finish()
        if let arrayRecords = records as? JSONArrayRecordSource, let problem = arrayRecords.structureError {
            outputFile?.discard()
            Terminal.err.write("error: `\(recordsPath)` \(problem.line):\(problem.column): \(problem.message)\n")
            return .failure
        }
        do {
            try outputFile?.commit()
        } catch {
            Terminal.err.write("error: \(error.message)\n")
            return .failure
        }
        if summary.total == 0 { note(Session.say("note: `\(recordsPath)` holds no records\n", "注意：`\(recordsPath)` 中没有记录\n")) }
        note(summary.text(seconds: Date().timeIntervalSince(started), in: Session.language))
        return summary.errors > 0 ? .recordErrors : .success
    }

    /// What a run decided, for standard error.
    struct Summary {
        private var byDecision: [DecisionKind: Int] = [:]
        private(set) var total = 0

        var errors: Int { byDecision[.error] ?? 0 }

        mutating func count(_ decision: DecisionKind) {
            byDecision[decision, default: 0] += 1
            total += 1
        }

        /// `evaluated 43 households in 0.1 s: 12 include, 6 exclude, …, 7 error`, and a line on the errors.
        func text(seconds: Double, in language: Language = .en) -> String {
            let time = String(format: "%.1f", seconds)
            if language == .zh {
                let counts = DecisionKind.allCases.compactMap { kind in byDecision[kind].map { "\(kind.chineseLabel) \($0) 户" } }
                var text = "已评估 \(total) 户，用时 \(time) 秒"
                text += counts.isEmpty ? "\n" : "：" + counts.joined(separator: "，") + "\n"
                if errors > 0 { text += "\(errors) 条记录有误（结论 `error`），原因见各自的 `messages`（退出状态 3）\n" }
                return text
            }
            let counts = DecisionKind.allCases.compactMap { kind in byDecision[kind].map { "\($0) \(kind.rawValue)" } }
            var text = "evaluated \(total) household\(total == 1 ? "" : "s") in \(time) s"
            text += counts.isEmpty ? "\n" : ": " + counts.joined(separator: ", ") + "\n"
            if errors > 0 {
                text += "\(errors) record\(errors == 1 ? " has" : "s have") decision `error`: their `messages` say why (exit status 3)\n"
            }
            return text
        }
    }

    /// Opens the records, choosing the text encoding: the one asked for, else
    /// the one the first bytes show (GB18030 is said on standard error).
    static func openRecords(_ path: String, format: InputFormat, encoding asked: TextEncoding?, schema: Schema,
                            limits: JSONLimits = .default, maxRecordBytes: Int = 16 << 20,
                            note: (String) -> Void = { Terminal.err.write($0) }) -> Result<any RecordSource, EvalFailure> {
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
                note(Session.say("note: `\(path)` is not UTF-8 but reads as GB18030 (GBK); reading it as GB18030. Pass `--encoding utf8` to refuse.\n",
                                 "注意：`\(path)` 不是 UTF-8 编码，按 GB18030（GBK）读取；如不希望这样，请加 `--encoding utf8`\n"))
            case .utf16:
                return .failure(EvalFailure(Session.say("`\(path)` is UTF-16 text (Excel's \"Unicode text\"); save it as \"CSV UTF-8\" instead",
                                                        "`\(path)` 是 UTF-16 文本（Excel 的“Unicode 文本”），请另存为“CSV UTF-8”")))
            case .binary:
                return .failure(EvalFailure(Session.say("`\(path)` is not a text file", "`\(path)` 不是文本文件（如是 Excel 表格，请另存为 CSV）")))
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
        case .jsonl:
            return .success(JSONLinesRecordSource(reader: JSONLinesReader(source: source, maxLineBytes: maxRecordBytes, limits: limits),
                                                  defersParsing: true))
        case .json:
            return .success(JSONArrayRecordSource(reader: JSONArrayReader(source: source, limits: limits, maxElementBytes: maxRecordBytes)))
        case .csv:
            return .success(CSVRecordSource(rows: CSVReader(source: source, maxRowBytes: maxRecordBytes), schema: schema,
                                            maxRowsPerHousehold: limits.maxListItems))
        }
    }

    struct EvalFailure: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    static func usage(_ message: String) -> ExitCode {
        Terminal.err.write(Session.say("error: ", "错误：") + "\(message)\n\n\(help)")
        return .usage
    }

    /// Today's date where the user is.
    static func today() -> CivilDate {
        let parts = Calendar.current.dateComponents([.year, .month, .day], from: Date())
        return CivilDate(year: parts.year ?? 2000, month: parts.month ?? 1, day: parts.day ?? 1) ?? CivilDate.earliest
    }
}
