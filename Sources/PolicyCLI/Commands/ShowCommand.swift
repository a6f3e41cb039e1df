import Interpreter

/// `policy show ID|FILE`: print a policy with everything it inherits.
enum ShowCommand {
    static let help = """
    USAGE: policy show <id>|<file>

    Prints the policy fully resolved: its header, then every item it has,
    inherited from the policies it extends or its own, as written, each under
    a comment naming the file and line it comes from and, for an override,
    the file of the item it replaces. An id such as `hebei/laiyuan/2022` is
    looked for as `hebei/laiyuan/2022.policy` here and under `policies/`.

    OPTIONS:
      -h, --help   show this help

    EXIT STATUS:
      0  the policy was printed
      1  the policy was not found, or its inheritance has errors
      2  the command line is wrong

    """

    static func run(_ raw: [String]) -> ExitCode {
        let arguments: Arguments
        switch Arguments.read(raw, valued: [], flags: [], help: help) {
        case .read(let read): arguments = read
        case .done(let status): return status
        }
        guard arguments.positional.count == 1 else {
            Terminal.err.write("error: give one policy id or file\n\n\(help)")
            return .usage
        }
        let engine = PolicyEngine()
        let written = arguments.positional[0]
        guard let path = engine.workspace.locatePolicy(written) else {
            Terminal.err.write("error: no policy `\(written)`: not a file, nor an id found as `\(written).policy` or `policies/\(written).policy`\n")
            return .failure
        }
        let (resolved, diagnostics) = engine.resolve(path: path)
        for diagnostic in diagnostics {
            Terminal.err.write(Session.render(diagnostic))
        }
        guard let resolved, !diagnostics.hasErrors else { return .failure }
        Terminal.out.write(ResolvedPolicyPrinter.print(resolved))
        return .success
    }
}
