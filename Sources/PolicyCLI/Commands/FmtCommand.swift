import Foundation
import Interpreter

/// `policy fmt [--check] PATH...`: lay policy files out the one canonical way.
enum FmtCommand {
    static let help = """
    USAGE: policy fmt [--check] [<path>...]

    Rewrites policy, schema and calendar files in the one canonical layout:
    each declaration and each clause on its own line, two spaces per level,
    one space between words, header clauses, enum members and record fields
    aligned (by display width, so Chinese text lines up), comments kept where
    they are. Only whitespace changes: the result is checked to read back to
    the same words and comments. Formatting twice changes nothing. Folders are
    searched for `.policy` files; with no path, `policies/` is formatted. A
    file with syntax errors is left as it is and reported.

    OPTIONS:
      --check      write nothing; name the files that would change
      -h, --help   show this help

    EXIT STATUS:
      0  every file is formatted (with --check: none would change)
      1  a file would change (with --check), or has syntax errors
      2  the command line is wrong

    """

    static func run(_ raw: [String]) -> ExitCode {
        let arguments: Arguments
        switch Arguments.read(raw, valued: [], flags: ["--check"], help: help) {
        case .read(let read): arguments = read
        case .done(let status): return status
        }
        let check = arguments.has("--check")
        let engine = PolicyEngine()
        let paths = arguments.positional.isEmpty ? ["policies"] : arguments.positional
        let (files, problems) = engine.workspace.policyFiles(in: paths)
        for problem in problems { Terminal.err.write(Session.render(problem)) }
        var failed = !problems.isEmpty
        var changed: [String] = []
        for path in files {
            let read = engine.workspace.readSource(path)
            if case .failure(let diagnostic) = read {
                Terminal.err.write(Session.render(diagnostic))
                failed = true
                continue
            }
            guard case .success(let source) = read else { continue }
            switch Formatter.format(source) {
            case .failure(.syntax(let diagnostics)):
                for diagnostic in diagnostics where diagnostic.severity == .error { Terminal.err.write(Session.render(diagnostic)) }
                Terminal.err.write("error: `\(path)` has syntax errors; it is not formatted\n")
                failed = true
            case .failure(.changedMeaning(let why)):
                Terminal.err.write("error: cannot format `\(path)`: \(why); the file is left as it is\n")
                failed = true
            case .success(let formatted):
                let original = FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } ?? ""
                guard formatted != original else { continue }
                changed.append(path)
                if check { continue }
                do {
                    try formatted.write(toFile: path, atomically: true, encoding: String.Encoding.utf8)
                } catch {
                    Terminal.err.write("error: cannot write `\(path)`: \(error.localizedDescription)\n")
                    failed = true
                }
            }
        }
        if check {
            for path in changed { Terminal.out.write("\(path)\n") }
            if !changed.isEmpty { Terminal.err.write("\(changed.count) of \(files.count) files would be reformatted; run `policy fmt` to format them\n") }
            return changed.isEmpty && !failed ? .success : .failure
        }
        if !changed.isEmpty { Terminal.err.write("formatted \(changed.count) of \(files.count) files\n") }
        return failed ? .failure : .success
    }
}
