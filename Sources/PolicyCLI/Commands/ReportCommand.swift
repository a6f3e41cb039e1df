import Foundation
import Interpreter

/// `policy report`: evaluate household records and write one HTML page of
/// counts for a bureau head.
enum ReportCommand {
    static let help = """
    USAGE: policy report --policy <file>|<id> --records <file>|- --html <file> [options]
           policy report --from <old> --to <new> --records <file>|- --html <file> [options]

    Evaluates each household record against the policy, as `policy eval`
    does, and writes one HTML page of counts: households by decision, by
    township and by village (bar charts stacked by decision), exclusions by
    reason, monitored households by category, and alerts by department and by
    the week they are due. The page is one file that needs no network: its
    styles, charts and the script that sorts its tables are inside it. It
    holds counts and place names only, no household's name or ID number.

    The records are read once and only the counts are kept, so memory does not
    grow with the number of households. A record that cannot be read counts as
    decision `error`, in the township and village "(unknown)". The page speaks
    the session's language (`--lang zh` or a Chinese locale: Chinese).

    With `--from OLD --to NEW` it is an impact report: the counts are those
    under the new policy, and a matrix shows how many households go from each
    decision under the old policy to each under the new (as `policy impact`).

    OPTIONS:
      --policy <file>|<id>     the policy to apply: a file, or an id such as
                               `hebei/laiyuan/2022` (looked for under `policies/`)
      --from, --to <id>        the policy in force and the one proposed (instead of `--policy`)
      --records <file>|-       household records; `-` reads standard input
      --html <file>            the page to write, whole or not at all: a temporary
                               file beside it replaces it only when the run is done
      --as-of <YYYY-MM-DD>     the date of the evaluation (default: today)
      --input-format <format>  jsonl, json or csv (default: from the file name, else jsonl)
      --encoding <encoding>    utf8 or gb18030 (GBK exports of Chinese spreadsheets);
                               default: detected from the first bytes, and said
      --threads <n>            evaluate on n threads (default: one per core); the
                               counts are the same whatever n
      --quiet                  no summary or notes on standard error
      -h, --help               show this help

    EXAMPLE:
      policy --lang zh report --policy chongqing/fengdu/2021 \\
        --records policies/samples/fengdu-2021.jsonl --as-of 2021-09-30 --html 丰都-2021.html

    EXIT STATUS:
      0  every record was evaluated and the page written
      1  the policy has errors, the records could not be read, or the page not written
      2  the command line is wrong
      3  the page is written, but some records have decision `error` (counted as such)

    """

    static func run(_ raw: [String]) -> ExitCode {
        let arguments: Arguments
        switch Arguments.read(raw, valued: RecordOptions.valued.union(["--policy", "--html", "--from", "--to"]), flags: ["--quiet"], help: help) {
        case .read(let read): arguments = read
        case .done(let status): return status
        }
        guard arguments.positional.isEmpty else { return usage("unexpected argument `\(arguments.positional[0])`") }
        let impact = arguments["--from"] != nil || arguments["--to"] != nil
        if impact, arguments["--from"] == nil || arguments["--to"] == nil || arguments["--policy"] != nil {
            return usage("an impact report takes `--from` and `--to`, and no `--policy`")
        }
        guard let written = impact ? arguments["--to"] : arguments["--policy"] else { return usage("`--policy <file>` is required") }
        guard let htmlPath = arguments["--html"] else { return usage("`--html <file>` is required: the page to write") }
        guard arguments["--records"] != nil else { return usage("`--records <file>` is required (`-` for standard input)") }
        let options: RecordOptions
        switch RecordOptions.read(arguments) {
        case .success(let read): options = read
        case .failure(let problem): return usage(problem.message)
        }
        let (recordsPath, asOf) = (options.recordsPath, options.asOf)
        let quiet = arguments.has("--quiet")
        let note: (String) -> Void = { if !quiet { Terminal.err.write($0) } }

        let engine = PolicyEngine()
        guard let (_, loaded, plan) = engine.loadNamed(written) else { return .failure }
        let limits = JSONLimits.default
        let evaluator = HouseholdEvaluator(plan: plan, asOf: asOf, limits: limits, language: Session.language)
        // For an impact report, the policy in force, evaluated beside the new one.
        var inForce: HouseholdEvaluator?
        if impact, let fromWritten = arguments["--from"] {
            guard let (_, _, fromPlan) = engine.loadNamed(fromWritten) else { return .failure }
            inForce = HouseholdEvaluator(plan: fromPlan, asOf: asOf, limits: limits, language: Session.language)
        }
        let previous = inForce

        var records: any RecordSource
        switch EvalCommand.openRecords(recordsPath, format: options.inputFormat, encoding: options.encoding, schema: plan.schema,
                                        limits: limits, note: note) {
        case .success(let opened): records = opened
        case .failure(let failure):
            Terminal.err.write("error: \(failure.message)\n")
            return .failure
        }
        // Opened before the run, so that a folder that cannot be written is said at once.
        let page: AtomicOutputFile
        do {
            page = try AtomicOutputFile(path: htmlPath)
        } catch {
            Terminal.err.write("error: \(error.message)\n")
            return .failure
        }

        // The same reading and evaluation as `policy eval` (several threads, a
        // household id used twice is an error for the later record), keeping
        // only the counts: each batch's results are counted and let go.
        var counts = ReportCounts()
        var transitions: [TransitionKey: Int] = [:]
        let started = Date()
        let pipeline = EvaluationPipeline(threads: options.threads)
        pipeline.run(&records, work: { raw, firstLineOfID in
            let parsed = raw.parsed(limits: limits)
            let result = evaluator.evaluate(parsed, firstLineOfID: firstLineOfID)
            // A record that could not be read has no JSON: its place is unknown.
            let place = ReportCounts.place(of: parsed)
            let before = previous?.evaluate(parsed, firstLineOfID: firstLineOfID).decision
            return (result.id, Counted(result: result, township: place.township, village: place.village, previous: before))
        }, emit: { counted in
            counts.add(counted.result, township: counted.township, village: counted.village)
            if let before = counted.previous { transitions[TransitionKey(from: before, to: counted.result.decision), default: 0] += 1 }
        })
        if let arrayRecords = records as? JSONArrayRecordSource, let problem = arrayRecords.structureError {
            page.discard()
            Terminal.err.write("error: `\(recordsPath)` \(problem.line):\(problem.column): \(problem.message)\n")
            return .failure
        }

        let labels = HTMLReport.Labels(exclusions: loaded.policy?.exclusions.map { ($0.name, $0.label) } ?? [],
                                       categories: loaded.policy?.categories.map { ($0.name, $0.label) } ?? [])
        let metadata = HTMLReport.Metadata(policyID: plan.metadata.id, title: plan.metadata.title, asOf: asOf,
                                           records: recordsPath == "-" ? Session.say("standard input", "标准输入") : recordsPath,
                                           generated: generatedAt())
        let matrix: [HTMLReport.Transition]? = impact
            ? transitions.sorted { ($0.key.from.order, $0.key.to.order) < ($1.key.from.order, $1.key.to.order) }
                .map { (from: $0.key.from.rawValue, to: $0.key.to.rawValue, count: $0.value) }
            : nil
        page.terminal.write(HTMLReport.render(counts, metadata: metadata, labels: labels, language: Session.language, transitions: matrix))
        do {
            try page.commit()
        } catch {
            Terminal.err.write("error: \(error.message)\n")
            return .failure
        }
        if counts.households == 0 { note(Session.say("note: `\(recordsPath)` holds no records\n", "注意：`\(recordsPath)` 中没有记录\n")) }
        let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
        let errors = counts.decisions[.error]
        note(Session.say("wrote `\(htmlPath)`: \(counts.households) household\(counts.households == 1 ? "" : "s") in \(seconds) s"
                            + (errors > 0 ? ", \(errors) with decision `error` (see `policy eval`)" : "") + "\n",
                         "已写出 `\(htmlPath)`：\(counts.households) 户，用时 \(seconds) 秒" + (errors > 0 ? "，其中 \(errors) 条记录有误（见 `policy eval`）" : "") + "\n"))
        return errors > 0 ? .recordErrors : .success
    }

    /// A decision under the old policy and under the new.
    struct TransitionKey: Hashable {
        let from: DecisionKind
        let to: DecisionKind
    }

    /// What a worker thread hands back for one household: its result and its place.
    struct Counted: Sendable {
        let result: HouseholdResult
        let township: String?
        let village: String?
        /// Its decision under the policy in force, for an impact report.
        var previous: DecisionKind? = nil
    }

    /// The local time now, `2021-09-30 14:05`.
    static func generatedAt() -> String {
        let parts = Calendar.current.dateComponents([.year, .month, .day, .hour, .minute], from: Date())
        return String(format: "%04d-%02d-%02d %02d:%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0)
    }

    static func usage(_ message: String) -> ExitCode {
        Terminal.err.write(Session.say("error: ", "错误：") + "\(message)\n\n\(help)")
        return .usage
    }
}
