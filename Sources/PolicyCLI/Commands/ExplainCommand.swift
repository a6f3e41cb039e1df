import Foundation
import Interpreter

/// `policy explain`: why one household got its decision, told in words.
enum ExplainCommand {
    static let help = """
    USAGE: policy explain --policy <file>|<id> --records <file>|- --id <household id> [--as-of <YYYY-MM-DD>]

    Tells the decision of one household as a caseworker would read it to the
    family, in the language of `--lang` (or the locale): the decision, the
    figures it rests on (家庭人均纯收入 4,500 元/人/年 …), each rule that
    decided with the sentence of the source document it encodes, and what
    would change the outcome: the threshold of each deciding comparison and
    on which side of it the household is.

    OPTIONS:
      --policy <file>|<id>     the policy, as for `policy eval`
      --records <file>|-       the records (JSON Lines, JSON or CSV), as for `policy eval`
      --id <id>                the household to explain (its `id`, 户编码)
      --as-of <YYYY-MM-DD>     the date of the evaluation (default: today)
      --input-format <format>  jsonl, json or csv (default: from the file name)
      --encoding <encoding>    utf8 or gb18030 (default: detected)
      -h, --help               show this help

    EXIT STATUS:
      0  the household was explained
      1  the policy has errors, the records cannot be read, or no record has the id
      2  the command line is wrong

    """

    static func run(_ raw: [String]) -> ExitCode {
        let arguments: Arguments
        switch Arguments.read(raw, valued: RecordOptions.valued.union(["--policy", "--id"]), flags: [], help: help) {
        case .read(let read): arguments = read
        case .done(let status): return status
        }
        guard let written = arguments["--policy"], let wanted = arguments["--id"] else {
            return usage(Session.say("`--policy` and `--id` are required", "需要 `--policy` 和 `--id`"))
        }
        let options: RecordOptions
        switch RecordOptions.read(arguments) {
        case .success(let read): options = read
        case .failure(let problem): return usage(problem.message)
        }
        let recordsPath = options.recordsPath
        let engine = PolicyEngine()
        guard let (_, loaded, plan) = engine.loadNamed(written), let policy = loaded.policy else { return .failure }
        var records: any RecordSource
        switch EvalCommand.openRecords(recordsPath, format: options.inputFormat, encoding: options.encoding, schema: plan.schema) {
        case .success(let opened): records = opened
        case .failure(let failure):
            Terminal.err.write("error: \(failure.message)\n")
            return .failure
        }
        let evaluator = HouseholdEvaluator(plan: plan, asOf: options.asOf, explain: true, language: Session.language)
        // The first record with the id; the others are only read past.
        while let record = records.next() {
            let parsed = record.parsed()
            guard PolicySelector.id(of: parsed) == wanted else { continue }
            let result = evaluator.evaluate(parsed, firstLineOfID: nil)
            Terminal.out.write(Explanation(policy: policy, plan: plan, language: Session.language).narrative(result))
            return .success
        }
        Terminal.err.write(Session.say("error: no household `\(wanted)` in `\(recordsPath)`\n", "错误：`\(recordsPath)` 中没有户 `\(wanted)`\n"))
        return .failure
    }

    static func usage(_ message: String) -> ExitCode {
        Terminal.err.write(Session.say("error: ", "错误：") + "\(message)\n\n\(help)")
        return .usage
    }
}
