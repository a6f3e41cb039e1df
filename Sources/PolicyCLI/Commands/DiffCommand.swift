import Foundation
import Interpreter

/// `policy diff OLD NEW`: what changed between two policies.
enum DiffCommand {
    static let help = """
    USAGE: policy diff <old> <new> [--format text|markdown|json]

    Compares two policies (ids such as `hebei/2022`, or files) after their
    inheritance is resolved, so that a change a county inherits from its
    province counts. Lists the parameters changed with their old and new
    values and units, and the rules, values, alerts and procedures added,
    removed or changed; a changed condition is printed both ways. For a
    category, an exclusion, the exception or an elimination condition whose
    thresholds moved (in its text, or through a parameter it reads), it says
    whether the new condition holds for more households (wider), fewer
    (narrower) or neither, with an example value that one admits and the
    other does not.

    OPTIONS:
      --format <format>  text (default), markdown or json
      -h, --help         show this help

    EXIT STATUS:
      0  the policies were compared (whether or not they differ)
      1  a policy was not found or has errors
      2  the command line is wrong

    """

    static func run(_ raw: [String]) -> ExitCode {
        let arguments: Arguments
        switch Arguments.read(raw, valued: ["--format"], flags: [], help: help) {
        case .read(let read): arguments = read
        case .done(let status): return status
        }
        guard arguments.positional.count == 2 else {
            Terminal.err.write(Session.say("error: give the old and the new policy\n\n", "错误：请给出原政策和新政策\n\n") + help)
            return .usage
        }
        var format = PolicyDiffWriter.Format.text
        if let written = arguments["--format"] {
            guard let known = PolicyDiffWriter.Format(rawValue: written) else {
                Terminal.err.write("error: `--format` is text, markdown or json, not `\(written)`\n\n\(help)")
                return .usage
            }
            format = known
        }
        let engine = PolicyEngine()
        guard let old = loadSide(arguments.positional[0], engine), let new = loadSide(arguments.positional[1], engine) else { return .failure }
        Terminal.out.write(PolicyDiffWriter.write(PolicyDiff.compare(old, new), format: format, language: Session.language))
        return .success
    }

    /// A policy with its plan and resolved items, or nil after saying why not.
    static func loadSide(_ written: String, _ engine: PolicyEngine) -> PolicyDiff.Side? {
        guard let (path, loaded, plan) = engine.loadNamed(written), let policy = loaded.policy,
              let resolved = engine.resolve(path: path).policy else { return nil }
        return PolicyDiff.Side(policy: policy, plan: plan, resolved: resolved)
    }
}
