/// `policy help [COMMAND]` and the texts of `--help`.
enum HelpCommand {
    static let version = "0.1.0"

    /// The overview in the session's language.
    static var overview: String { Session.language == .zh ? chineseOverview : englishOverview }

    static let chineseOverview = """
    policy —— 防止返贫动态监测和帮扶政策规则的代码化工具

    用法：policy <命令> [选项]

    命令：
      check     检查政策文件的错误并做规范检查：名称、类型、单位、语法
      eval      按政策评估农户记录（或按各户所在地区选用政策）
      explain   用文字说明某一户为什么得到这个结论
      show      显示一个政策连同它继承的全部内容，逐条注明出处
      diff      两个政策之间改了什么，每处改动是放宽还是收紧
      impact    政策改动影响哪些户：按类别、排除情形、乡镇、村统计变化
      report    为主管部门生成一个独立的 HTML 报告：总数、按乡镇和村的图表
      lsp       编辑器用的语言服务（边写边查错、悬停说明、跳转到定义）
      test      运行政策文件中写的测试
      fmt       把政策文件排成统一的格式
      new       新建一个继承其他政策的政策：下一年的，或某个县的
      generate  生成虚构的农户记录（用于性能测试和测试）
      bench     测量读取、评估和端到端的速度
      help      显示某个命令的帮助

    运行 `policy <命令> --help` 查看命令的选项（选项说明为英文）。每个命令都接受
    `--lang zh|en` 选择提示语言（默认：LC_ALL、LC_MESSAGES 或 LANG 以 `zh` 开头
    时用中文，否则用英文）。中文教程见 docs/tutorial.zh.md。

    """

    static let englishOverview = """
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
