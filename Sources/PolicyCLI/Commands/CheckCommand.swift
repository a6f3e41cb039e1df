import Interpreter

/// `policy check PATH...`: parse, check and lint policy, schema and calendar files.
enum CheckCommand {
    static let help = """
    USAGE: policy check <path>... [--strict] [--format text|json|github|sarif]

    Checks policy files (with the policies they extend, their schema and
    calendar) for syntax errors, unknown names and fields, type and unit
    mismatches, structural problems and quotations not found in their source.
    Then lints them: unused values, numbers without a source, amounts written
    inside rules, categories that can never match, overrides that change
    nothing, an id or year that disagrees with the path, rules no test
    exercises, tests that assert nothing, names that mix scripts or look
    alike, and years a region's policies leave out. A folder is searched for
    `.policy` files. `docs/diagnostics.md` explains every code.

    A lint warning is silenced for one line by a comment on that line or the
    line above naming its code: `# lint: allow W0803`.

    OPTIONS:
      --strict           warnings count as errors (exit 1)
      --format <format>  text (default: messages with the source line and a
                         caret, on standard error), json, github (workflow
                         annotations) or sarif (2.1.0), on standard output
      -h, --help         show this help

    EXIT STATUS:
      0  no errors (warnings may have been printed)
      1  at least one error, or a warning with --strict
      2  the command line is wrong

    """

    static func run(_ raw: [String]) -> ExitCode {
        let arguments: Arguments
        switch Arguments.read(raw, valued: ["--format"], flags: ["--strict"], help: help) {
        case .read(let read): arguments = read
        case .done(let status): return status
        }
        guard let format = arguments.reportFormat(help: help) else { return .usage }
        guard !arguments.positional.isEmpty else {
            Terminal.err.write("error: give at least one file or folder to check\n\n\(help)")
            return .usage
        }
        let strict = arguments.has("--strict")
        let engine = PolicyEngine()
        let (files, problems) = engine.workspace.policyFiles(in: arguments.positional)
        var diagnostics = problems + engine.checkAndLint(files: files)
        // A schema or a base policy is checked with every policy that reads it; report its problems once.
        var seen: Set<String> = []
        diagnostics = diagnostics.filter { seen.insert(Session.render($0)).inserted }
        let errors = diagnostics.filter { $0.severity == .error || strict }.count
        let warnings = diagnostics.count - errors
        switch format {
        case .text:
            for diagnostic in diagnostics { Terminal.err.write(Session.render(diagnostic)) }
            let noun = files.count == 1 ? "file" : "files"
            Terminal.err.write(Session.say(
                "checked \(files.count) \(noun): \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")"
                    + (strict && errors > 0 ? " (warnings count as errors with --strict)" : ""),
                "已检查 \(files.count) 个文件：\(errors) 个错误，\(warnings) 个警告" + (strict && errors > 0 ? "（--strict 下警告按错误计）" : "")) + "\n")
        case .json: Terminal.out.write(ReportWriter.json(diagnostics.map { Finding($0, strict: strict, language: Session.language) }))
        case .github: Terminal.out.write(ReportWriter.github(diagnostics.map { Finding($0, strict: strict, language: Session.language) }))
        case .sarif: Terminal.out.write(ReportWriter.sarif(diagnostics.map { Finding($0, strict: strict, language: Session.language) }, toolVersion: HelpCommand.version))
        }
        return errors > 0 ? .failure : .success
    }
}
