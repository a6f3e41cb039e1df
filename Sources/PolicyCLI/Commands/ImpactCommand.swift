import Foundation
import Interpreter

/// `policy impact --from OLD --to NEW --records FILE`: whom a change of policy moves.
enum ImpactCommand {
    static let help = """
    USAGE: policy impact --from <old> --to <new> --records <file>|- [--as-of <YYYY-MM-DD>] [--format text|json|csv]

    Evaluates every household under both policies and reports how decisions
    move: the transitions (`not_eligible → include: 1,234`) over all
    households, the movers by category, the exclusions that start or stop
    applying, the movers by township and by village, and every household that
    moves with the rule that made the difference. Streams like `policy eval`
    (on both cores, in input order): memory holds counts, not households.

    OPTIONS:
      --from <file>|<id>       the policy in force
      --to <file>|<id>         the policy proposed
      --records <file>|-       household records (JSON Lines, JSON or CSV); `-` reads standard input
      --as-of <YYYY-MM-DD>     the date of the evaluation (default: today)
      --input-format <format>  jsonl, json or csv (default: from the file name)
      --encoding <encoding>    utf8 or gb18030 (default: detected)
      --format <format>        text (default): the households that move, then the counts;
                               json: one object with the counts and the movers;
                               csv: one row per household that moves (counts on standard error)
      --threads <n>            evaluate on n threads (default: one per core)
      -h, --help               show this help

    EXIT STATUS:
      0  every household was evaluated under both
      1  a policy has errors, or the records cannot be read
      2  the command line is wrong

    """

    enum Format: String { case text, json, csv }

    static func run(_ raw: [String]) -> ExitCode {
        let arguments: Arguments
        switch Arguments.read(raw, valued: RecordOptions.valued.union(["--from", "--to", "--format"]), flags: [], help: help) {
        case .read(let read): arguments = read
        case .done(let status): return status
        }
        guard let fromWritten = arguments["--from"], let toWritten = arguments["--to"] else {
            return usage(Session.say("`--from` and `--to` are required", "需要 `--from` 和 `--to`"))
        }
        let options: RecordOptions
        switch RecordOptions.read(arguments) {
        case .success(let read): options = read
        case .failure(let problem): return usage(problem.message)
        }
        var format = Format.text
        if let written = arguments["--format"] {
            guard let known = Format(rawValue: written) else { return usage("`--format` is text, json or csv, not `\(written)`") }
            format = known
        }
        let engine = PolicyEngine()
        guard let from = DiffCommand.loadSide(fromWritten, engine), let to = DiffCommand.loadSide(toWritten, engine) else { return .failure }
        guard from.plan.metadata.schemaID == to.plan.metadata.schemaID else {
            Terminal.err.write(Session.say("error: the two policies read different schemas\n", "错误：两个政策读取的数据模式不同\n"))
            return .failure
        }
        var records: any RecordSource
        switch EvalCommand.openRecords(options.recordsPath, format: options.inputFormat, encoding: options.encoding, schema: from.plan.schema) {
        case .success(let opened): records = opened
        case .failure(let failure):
            Terminal.err.write("error: \(failure.message)\n")
            return .failure
        }
        let language = Session.language
        let old = HouseholdEvaluator(plan: from.plan, asOf: options.asOf, language: language)
        let new = HouseholdEvaluator(plan: to.plan, asOf: options.asOf, language: language)
        var summary = ImpactSummary()
        var firstMover = true
        switch format {
        case .csv: Terminal.out.write("id,township,village,line,old_decision,new_decision,old_category,new_category,reasons\r\n")
        case .json: Terminal.out.write("{\"from\":\(ResultWriter.jsonString(from.plan.metadata.id)),\"to\":\(ResultWriter.jsonString(to.plan.metadata.id)),\"movers\":[")
        case .text: break
        }
        EvaluationPipeline(threads: options.threads).run(&records, work: { raw, first in
            let outcome = ImpactOutcome(old: old.evaluate(raw, firstLineOfID: first), new: new.evaluate(raw, firstLineOfID: first))
            return (outcome.id, outcome)
        }, emit: { outcome in
            summary.add(outcome)
            guard outcome.moves else { return }
            Terminal.out.write(mover(outcome, format: format, first: firstMover, language: language))
            firstMover = false
        })
        switch format {
        case .json: Terminal.out.write("],\"summary\":\(json(summary))}\n")
        case .text: Terminal.out.write(text(summary, from: from.plan.metadata.id, to: to.plan.metadata.id, language: language))
        case .csv: Terminal.err.write(text(summary, from: from.plan.metadata.id, to: to.plan.metadata.id, language: language))
        }
        return .success
    }

    static func mover(_ outcome: ImpactOutcome, format: Format, first: Bool, language: Language) -> String {
        let oldCategory = outcome.old.category ?? outcome.old.matchedCategory
        let newCategory = outcome.new.category ?? outcome.new.matchedCategory
        let reasons = outcome.reasons(in: language)
        switch format {
        case .text:
            let place = [outcome.township, outcome.village].compactMap { $0 }.joined(separator: " ")
            return "\(outcome.id ?? "(line \(outcome.line ?? 0))")  \(place)  \(outcome.transition)"
                + (oldCategory != newCategory ? "  (\(oldCategory ?? "–") → \(newCategory ?? "–"))" : "")
                + "  " + reasons.joined(separator: "; ") + "\n"
        case .csv:
            let cells = [outcome.id ?? "", outcome.township ?? "", outcome.village ?? "", outcome.line.map(String.init) ?? "",
                         outcome.old.decision.rawValue, outcome.new.decision.rawValue, oldCategory ?? "", newCategory ?? "", reasons.joined(separator: "; ")]
            return cells.map(ResultWriter.csvCellText).joined(separator: ",") + "\r\n"
        case .json:
            func string(_ text: String?) -> String { text.map(ResultWriter.jsonString) ?? "null" }
            return (first ? "\n" : ",\n") + "{\"id\":\(string(outcome.id)),\"line\":\(outcome.line.map(String.init) ?? "null"),"
                + "\"township\":\(string(outcome.township)),\"village\":\(string(outcome.village)),"
                + "\"old\":{\"decision\":\(string(outcome.old.decision.rawValue)),\"category\":\(string(oldCategory)),\"exclusions\":[\(outcome.old.exclusions.map(ResultWriter.jsonString).joined(separator: ","))]},"
                + "\"new\":{\"decision\":\(string(outcome.new.decision.rawValue)),\"category\":\(string(newCategory)),\"exclusions\":[\(outcome.new.exclusions.map(ResultWriter.jsonString).joined(separator: ","))]},"
                + "\"reasons\":[\(reasons.map(ResultWriter.jsonString).joined(separator: ","))]}"
        }
    }

    static func json(_ summary: ImpactSummary) -> String {
        func object(_ counts: [String: Int]) -> String {
            "{" + ImpactSummary.sorted(counts).map { "\(ResultWriter.jsonString($0.key)):\($0.count)" }.joined(separator: ",") + "}"
        }
        func nested(_ counts: [String: [String: Int]]) -> String {
            "{" + counts.keys.sorted().map { "\(ResultWriter.jsonString($0)):\(object(counts[$0] ?? [:]))" }.joined(separator: ",") + "}"
        }
        return "{\"households\":\(summary.households),\"movers\":\(summary.movers),\"transitions\":\(object(summary.transitions)),"
            + "\"categories\":\(object(summary.categories)),\"exclusions\":\(object(summary.exclusions)),"
            + "\"townships\":\(nested(summary.townships)),\"villages\":\(nested(summary.villages))}"
    }

    static func text(_ summary: ImpactSummary, from: String, to: String, language: Language) -> String {
        let say = language.pick
        func grouped(_ number: Int) -> String { Explanation.grouped(String(number)) }
        var lines = [""]
        lines.append(say("From `\(from)` to `\(to)`: \(grouped(summary.households)) households, \(grouped(summary.movers)) move",
                         "从 `\(from)` 到 `\(to)`：共 \(grouped(summary.households)) 户，变动 \(grouped(summary.movers)) 户"))
        func section(_ title: String, _ counts: [String: Int]) {
            guard !counts.isEmpty else { return }
            lines.append("")
            lines.append(title)
            for row in ImpactSummary.sorted(counts) { lines.append("  \(row.key): \(grouped(row.count))") }
        }
        section(say("Decisions (old → new), every household:", "结论（原 → 新），全部户："), summary.transitions)
        section(say("Categories of the households that move:", "变动户的类别："), summary.categories)
        section(say("Exclusions that start (+) or stop (-) applying:", "开始（+）或不再（-）适用的排除情形："), summary.exclusions)
        for (title, counts) in [(say("Movers by township:", "按乡镇的变动户："), summary.townships), (say("Movers by village:", "按村的变动户："), summary.villages)]
            where !counts.isEmpty {
            lines.append("")
            lines.append(title)
            for place in counts.keys.sorted() {
                let rows = ImpactSummary.sorted(counts[place] ?? [:]).map { "\($0.key): \(grouped($0.count))" }
                lines.append("  \(place): " + rows.joined(separator: ", "))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func usage(_ message: String) -> ExitCode {
        Terminal.err.write(Session.say("error: ", "错误：") + "\(message)\n\n\(help)")
        return .usage
    }
}
