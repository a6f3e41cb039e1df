import Foundation
import Lexer

/// The front door: load → check → plan → evaluate. The command line and any
/// other Swift program use the interpreter through this type.
public struct PolicyEngine: Sendable {
    public var workspace: Workspace

    public init(workspace: Workspace = Workspace()) {
        self.workspace = workspace
    }

    /// What loading a policy gives: a plan ready to evaluate (nil when there
    /// are errors) and every diagnostic found on the way.
    public struct Loaded: Sendable {
        public var plan: Plan?
        public var diagnostics: [Diagnostic]
    }

    /// Parses and checks a schema file.
    public func loadSchema(at path: String) -> (schema: Schema?, diagnostics: [Diagnostic]) {
        let source: SourceFile
        switch workspace.readSource(path) {
        case .success(let file): source = file
        case .failure(let diagnostic): return (nil, [diagnostic])
        }
        let (file, syntax) = Parser.parse(source)
        if syntax.hasErrors { return (nil, syntax) }
        let (schema, diagnostics) = SchemaBuilder.build(file)
        return (schema, syntax + diagnostics)
    }

    /// Parses and checks one file: a policy (with its schema) or a schema.
    /// Returns the diagnostics; `policy check` prints them.
    public func check(path: String) -> [Diagnostic] {
        let source: SourceFile
        switch workspace.readSource(path) {
        case .success(let file): source = file
        case .failure(let diagnostic): return [diagnostic]
        }
        let (file, syntax) = Parser.parse(source)
        if file.header?.kind == .schema {
            return syntax.hasErrors ? syntax : syntax + SchemaBuilder.build(file).diagnostics
        }
        // Names, types and units are checked in what did parse, so one run
        // reports a syntax error and a unit mismatch together.
        if syntax.hasErrors, file.header == nil { return syntax }
        return syntax + checkPolicy(file, path: path, afterSyntaxErrors: syntax.hasErrors).diagnostics
    }

    /// Loads a policy for evaluation.
    public func load(path: String) -> Loaded {
        let source: SourceFile
        switch workspace.readSource(path) {
        case .success(let file): source = file
        case .failure(let diagnostic): return Loaded(plan: nil, diagnostics: [diagnostic])
        }
        let (file, syntax) = Parser.parse(source)
        if syntax.hasErrors { return Loaded(plan: nil, diagnostics: syntax) }
        if file.header?.kind == .schema {
            return Loaded(plan: nil, diagnostics: [Diagnostic(.declarationNotAllowed(declaration: "schema", file: "policy"),
                                                              file: source, range: file.header?.id.range)])
        }
        let checked = checkPolicy(file, path: path)
        guard let policy = checked.policy else { return Loaded(plan: nil, diagnostics: syntax + checked.diagnostics) }
        switch Planner.plan(policy) {
        case .success(let plan): return Loaded(plan: plan, diagnostics: syntax + checked.diagnostics)
        case .failure(let error):
            return Loaded(plan: nil, diagnostics: syntax + checked.diagnostics + [Diagnostic(error.diagnosticKind, file: source)])
        }
    }

    /// Loads policy text that is not in a file (tests, editors).
    public func load(text: String, path: String = "<text>", schema: Schema) -> Loaded {
        let (file, syntax) = Parser.parse(SourceFile(path: path, text: text))
        if syntax.hasErrors { return Loaded(plan: nil, diagnostics: syntax) }
        let (policy, diagnostics) = Checker.check(file, schema: schema)
        guard let policy else { return Loaded(plan: nil, diagnostics: syntax + diagnostics) }
        switch Planner.plan(policy) {
        case .success(let plan): return Loaded(plan: plan, diagnostics: syntax + diagnostics)
        case .failure(let error): return Loaded(plan: nil, diagnostics: syntax + diagnostics + [Diagnostic(error.diagnosticKind)])
        }
    }

    private func checkPolicy(_ file: PolicyFile, path: String, afterSyntaxErrors: Bool = false) -> (policy: CheckedPolicy?, diagnostics: [Diagnostic]) {
        guard let header = file.header else {
            return (nil, [Diagnostic(.missingHeader, file: file.source, range: SourceRange(start: 0, end: 0))])
        }
        guard let schemaID = header.schema?.description else {
            return (nil, [Diagnostic(.missingHeaderClause("schema"), file: file.source, range: header.id.range)])
        }
        guard let schemaPath = workspace.findSchema(schemaID, near: path) else {
            let nearest = URL(fileURLWithPath: path).deletingLastPathComponent().relativePath
            return (nil, [Diagnostic(.schemaNotFound(id: schemaID, nearest: nearest.isEmpty ? "." : nearest, extraRoots: workspace.extraRoots),
                                     file: file.source, range: header.schema?.range)])
        }
        let (schema, schemaDiagnostics) = loadSchema(at: schemaPath)
        guard let schema else { return (nil, schemaDiagnostics) }
        let (policy, diagnostics) = Checker.check(file, schema: schema, afterSyntaxErrors: afterSyntaxErrors)
        let provenance = ProvenanceCheck.check(file) { workspace.sourceDocument($0, near: path) }
        return (policy, schemaDiagnostics + diagnostics + provenance)
    }
}
