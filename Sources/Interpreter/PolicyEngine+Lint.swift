import Lexer

/// Lint: the warnings of `Linter` for a set of files, after they check clean
/// enough to be read.
extension PolicyEngine {
    /// Lints the policy files among `files` (schemas and calendars have no lint
    /// yet), and the years each region's policies leave out. Warnings a comment
    /// allows are dropped.
    public func lint(files: [String]) -> [Diagnostic] {
        var inputs: [LintInput] = []
        for path in files {
            let (parsed, syntax) = parse(path: path)
            guard let file = parsed, !syntax.hasErrors, file.header?.kind == .policy else { continue }
            if let input = lintInput(file, path: path, loaded: load(path: path)) { inputs.append(input) }
        }
        return lint(inputs)
    }

    /// `check(path:)` for each file, then `lint(files:)`, with the same
    /// diagnostics in the same order, but each policy checked once for both
    /// (checking a policy is most of the time of `policy check`).
    public func checkAndLint(files: [String]) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var inputs: [LintInput] = []
        for path in files {
            let (parsed, syntax) = parse(path: path)
            guard let file = parsed, !syntax.hasErrors, file.header?.kind == .policy else {
                diagnostics += check(path: path)
                continue
            }
            // What `check(path:)` and `load(path:)` give for a policy that parses.
            let checked = checkPolicy(file, path: path)
            diagnostics += syntax + checked.diagnostics
            if let input = lintInput(file, path: path, loaded: loaded(checked, file: file, syntax: syntax)) { inputs.append(input) }
        }
        return diagnostics + lint(inputs)
    }

    /// What the linter reads of a policy, or nil when it cannot be resolved.
    private func lintInput(_ file: PolicyFile, path: String, loaded: Loaded) -> LintInput? {
        let (resolved, resolution) = resolve(file, path: path)
        guard !resolution.hasErrors else { return nil }
        return LintInput(path: path, file: file, resolved: resolved, plan: loaded.plan, tests: loaded.tests)
    }

    private func lint(_ inputs: [LintInput]) -> [Diagnostic] {
        var comments: [String: [Comment]] = [:]
        for input in inputs { comments[input.file.source.path] = input.file.comments }
        let diagnostics = inputs.flatMap(Linter.lint) + Linter.yearGaps(inputs)
        return Linter.silence(diagnostics, comments: comments)
    }
}
