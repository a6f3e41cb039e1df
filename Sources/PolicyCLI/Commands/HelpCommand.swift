/// `policy help [COMMAND]` and the texts of `--help`.
enum HelpCommand {
    static let version = "0.1.0"

    static let overview = """
    policy — rules of the return-to-poverty monitoring programme (防止返贫动态监测和帮扶), as code

    USAGE: policy <command> [options]

    COMMANDS:
      check     check policy files for errors and lint them: names, types, units, syntax
      eval      evaluate household records against a policy, or each against its region's
      explain   tell in words why one household got its decision
      show      print a policy with everything it inherits, item by item
      diff      what changed between two policies, and whether each change widens or narrows
      impact    whom a change of policy moves: transitions by category, exclusion, township, village
      report    one self-contained HTML page for a bureau: totals, charts by township and village
      lsp       a language server for editors (errors as you type, hover, go to definition)
      test      run the tests written in policy files
      fmt       lay policy files out the one canonical way
      new       start a policy that extends another: next year's, or a county's
      generate  write made-up household records (for benchmarks and tests)
      bench     measure reading, evaluation and end-to-end speed
      help      show help for a command

    Run `policy <command> --help` for the options of a command. Every command
    takes `--lang zh|en` for the language of its messages (default: Chinese
    when LC_ALL, LC_MESSAGES or LANG starts with `zh`, else English).

    """

    static func run(_ arguments: [String]) -> ExitCode {
        switch arguments.first {
        case "check": Terminal.out.write(CheckCommand.help)
        case "eval": Terminal.out.write(EvalCommand.help)
        case "show": Terminal.out.write(ShowCommand.help)
        case "explain": Terminal.out.write(ExplainCommand.help)
        case "new": Terminal.out.write(NewCommand.help)
        case "diff": Terminal.out.write(DiffCommand.help)
        case "impact": Terminal.out.write(ImpactCommand.help)
        case "report": Terminal.out.write(ReportCommand.help)
        case "lsp": Terminal.out.write(LSPCommand.help)
        case "test": Terminal.out.write(TestCommand.help)
        case "fmt": Terminal.out.write(FmtCommand.help)
        case "generate": Terminal.out.write(GenerateCommand.help)
        case "bench": Terminal.out.write(BenchCommand.help)
        case nil: Terminal.out.write(overview)
        case let other?:
            Terminal.err.write("error: unknown command `\(other)`\n\n" + overview)
            return .usage
        }
        return .success
    }
}
