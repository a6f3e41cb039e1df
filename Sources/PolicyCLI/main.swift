import Foundation

/// `policy`: check, evaluate and explain return-to-poverty monitoring policies.
/// This file only dispatches; each verb lives in `Commands/`.
let arguments: [String]
switch Session.readLanguage(Array(CommandLine.arguments.dropFirst())) {
case .success(let rest): arguments = rest
case .failure(let problem):
    Terminal.err.write("error: \(problem.message)\n")
    Terminal.err.flush()
    exit(ExitCode.usage.rawValue)
}
let status: ExitCode
switch arguments.first {
case "check": status = CheckCommand.run(Array(arguments.dropFirst()))
case "eval": status = EvalCommand.run(Array(arguments.dropFirst()))
case "show": status = ShowCommand.run(Array(arguments.dropFirst()))
case "explain": status = ExplainCommand.run(Array(arguments.dropFirst()))
case "new": status = NewCommand.run(Array(arguments.dropFirst()))
case "diff": status = DiffCommand.run(Array(arguments.dropFirst()))
case "impact": status = ImpactCommand.run(Array(arguments.dropFirst()))
case "report": status = ReportCommand.run(Array(arguments.dropFirst()))
case "lsp": status = LSPCommand.run(Array(arguments.dropFirst()))
case "test": status = TestCommand.run(Array(arguments.dropFirst()))
case "fmt": status = FmtCommand.run(Array(arguments.dropFirst()))
case "generate": status = GenerateCommand.run(Array(arguments.dropFirst()))
case "bench": status = BenchCommand.run(Array(arguments.dropFirst()))
case "help":
    status = HelpCommand.run(Array(arguments.dropFirst()))
case "--help", "-h", nil:
    Terminal.out.write(HelpCommand.overview)
    status = arguments.isEmpty ? .usage : .success
case "--version":
    Terminal.out.write("policy \(HelpCommand.version)\n")
    status = .success
case let other?:
    Terminal.err.write(Session.say("error: unknown command `\(other)`\n\n", "错误：没有命令 `\(other)`\n\n") + HelpCommand.overview)
    status = .usage
}
Terminal.out.flush()
Terminal.err.flush()
exit(status.rawValue)
