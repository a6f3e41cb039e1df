import Lexer

/// Lint: the warnings of `Linter` for a set of files, after they check clean
/// enough to be read.
extension PolicyEngine {
    /// Lints the policy files among `files` (schemas and calendars have no lint
    /// yet), and the years each region's policies leave out. Warnings a comment
    /// allows are dropped.
    public func lint(files: [String]) -> [Diagnostic] {
        var inputs: [LintInput] = []
        var comments: [String: [Comment]] = [:]
        for path in files {
            let (parsed, syntax) = parse(path: path)
            guard let file = parsed, !syntax.hasErrors, file.header?.kind == .policy else { continue }
            let (resolved, resolution) = resolve(file, path: path)
            guard !resolution.hasErrors else { continue }
            let loaded = load(path: path)
            inputs.append(LintInput(path: path, file: file, resolved: resolved, plan: loaded.plan, tests: loaded.tests))
            comments[file.source.path] = file.comments
        }
        var diagnostics = inputs.flatMap(Linter.lint) + Linter.yearGaps(inputs)
        diagnostics = Linter.silence(diagnostics, comments: comments)
        return diagnostics
    }
}
