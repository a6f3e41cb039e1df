import Interpreter

/// `policy check PATH...`: parse and check policy and schema files.
enum CheckCommand {
    static let help = """
    USAGE: policy check <path>...

    Checks policy files (and the schema files they read) for syntax errors,
    unknown names and fields, type and unit mismatches and structural problems.
    A folder is searched for `.policy` files. Diagnostics go to standard error
    as `path:line:column: error[CODE]: message`, with the source line and a
    caret under the problem; `docs/diagnostics.md` explains every code.

    OPTIONS:
      -h, --help   show this help

    EXIT STATUS:
      0  no errors (warnings may have been printed)
      1  at least one error
      2  the command line is wrong

    """

    static func run(_ raw: [String]) -> ExitCode {
        let arguments: Arguments
        switch Arguments.read(raw, valued: [], flags: [], help: help) {
        case .read(let read): arguments = read
        case .done(let status): return status
        }
        guard !arguments.positional.isEmpty else {
            Terminal.err.write("error: give at least one file or folder to check\n\n\(help)")
            return .usage
        }
        let engine = PolicyEngine()
        let (files, problems) = engine.workspace.policyFiles(in: arguments.positional)
        var diagnostics = problems
        for file in files {
            diagnostics += engine.check(path: file)
        }
        // A schema is checked with every policy that reads it; show its problems once.
        var seen: Set<String> = []
        var errors = 0, warnings = 0
        for diagnostic in diagnostics {
            let text = DiagnosticRenderer.render(diagnostic)
            guard seen.insert(text).inserted else { continue }
            Terminal.err.write(text)
            if diagnostic.severity == .error { errors += 1 } else { warnings += 1 }
        }
        let noun = files.count == 1 ? "file" : "files"
        Terminal.err.write("checked \(files.count) \(noun): \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")\n")
        return errors > 0 ? .failure : .success
    }
}
