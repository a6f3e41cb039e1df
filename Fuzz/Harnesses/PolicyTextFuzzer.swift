// Fuzz target `policy-text`: the input is the text of a `.policy` file.
//
// It goes through what `policy check`, `policy lint` and `policy fmt` do with
// a file: lexer, parser, then by kind the schema builder, the calendar
// builder, or the resolver (bases are looked up on disk, near the folder of
// the policy), checker, provenance check, planner and linter; and the
// formatter. The text is placed in `<policies>/chongqing/fengdu/`, so that
// `schema household/v1`, `calendar cn`, `extends chongqing/...` and
// `source "…"` find the real files.
//
// Promises checked besides "no crash, no hang":
//   * diagnostic ranges lie inside the text and every diagnostic renders
//     (RobustnessTests);
//   * a policy without a plan says why (an error diagnostic);
//   * `Formatter.format` never answers `.changedMeaning` (documented as a bug),
//     and formatting its output gives the same text (FormatterTests).
import Foundation
import Lexer
@testable import Interpreter

private let inputPath = FuzzSupport.policiesRoot + "/chongqing/fengdu/fuzz-input.policy"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // Files that are not UTF-8 are refused before lexing (`Workspace.readSource`).
    if Workspace.firstInvalidUTF8(bytes) != nil { return 0 }
    let text = String(decoding: bytes, as: UTF8.self)
    let source = SourceFile(path: inputPath, text: text)

    _ = Lexer.tokenize(source)
    let (file, syntax) = Parser.parse(source)
    FuzzSupport.checkDiagnostics(syntax, source: source)
    checkByKind(file, syntax: syntax, source: source)
    checkFormatter(source)
    return 0
}

/// What `PolicyEngine.check(path:)` and `load(path:)` do, on text in memory.
private func checkByKind(_ file: PolicyFile, syntax: [Diagnostic], source: SourceFile) {
    let engine = FuzzSupport.engine
    switch file.header?.kind {
    case .schema:
        guard !syntax.hasErrors else { return }
        let (schema, diagnostics) = SchemaBuilder.build(file)
        FuzzSupport.checkDiagnostics(diagnostics, source: source)
        if let schema {
            // A schema that builds must be usable by the record readers.
            _ = CSVLayout(schema: schema)
            _ = FastRecordDecoder(schema: schema)
        }
    case .calendar:
        guard !syntax.hasErrors else { return }
        let id = file.header?.id.description ?? inputPath
        let (_, diagnostics) = CalendarBuilder.build(id: id, files: [file])
        FuzzSupport.checkDiagnostics(diagnostics, source: source)
        let provenance = ProvenanceCheck.check(file) { engine.workspace.sourceDocument($0, near: inputPath) }
        FuzzSupport.checkDiagnostics(provenance, source: source)
    case .policy, nil:
        if syntax.hasErrors, file.header == nil { return }
        let afterSyntaxErrors = syntax.hasErrors
        guard file.header != nil else { return }
        let (resolved, resolution) = engine.resolve(file, path: inputPath)
        FuzzSupport.checkDiagnostics(resolution, source: source)
        guard let schemaID = resolved.schemaID, let schemaPath = engine.workspace.findSchema(schemaID, near: inputPath).path else { return }
        let (loadedSchema, _) = engine.loadSchema(at: schemaPath)
        guard let schema = loadedSchema else { return }
        var calendar: WorkingCalendar?
        var calendarProblems: [Diagnostic] = []
        if let calendarID = resolved.calendarID, let loaded = engine.loadCalendar(calendarID, near: inputPath) {
            calendar = loaded.calendar
            calendarProblems = loaded.diagnostics
        }
        let (checked, diagnostics) = Checker.check(resolved, schema: schema, calendar: calendar,
                                                   calendarDeclared: resolved.calendarID != nil,
                                                   afterSyntaxErrors: afterSyntaxErrors)
        FuzzSupport.checkDiagnostics(diagnostics, source: source)
        let provenance = ProvenanceCheck.check(file) { engine.workspace.sourceDocument($0, near: inputPath) }
        FuzzSupport.checkDiagnostics(provenance, source: source)
        let all = syntax + resolution + calendarProblems + diagnostics + provenance
        guard !afterSyntaxErrors, !(resolution + calendarProblems).hasErrors else { return }
        guard let checked else {
            if !all.hasErrors { FuzzSupport.fail("the checker gave no policy and no error") }
            return
        }
        var plan: Plan?
        switch Planner.plan(checked) {
        case .success(let made): plan = made
        case .failure(let error): _ = DiagnosticRenderer.render(Diagnostic(error.diagnosticKind, file: file.source))
        }
        // `policy lint` on this one file.
        let input = LintInput(path: inputPath, file: file, resolved: resolved, plan: plan, tests: checked.tests)
        let lint = Linter.silence(Linter.lint(input) + Linter.yearGaps([input]), comments: [source.path: file.comments])
        FuzzSupport.checkDiagnostics(lint, source: source)
    }
}

private func checkFormatter(_ source: SourceFile) {
    switch Formatter.format(source) {
    case .failure(.syntax):
        return
    case .failure(.changedMeaning(let why)):
        FuzzSupport.fail("Formatter.format reports changedMeaning: \(why)")
    case .success(let once):
        let formatted = SourceFile(path: source.path, text: once)
        switch Formatter.format(formatted) {
        case .success(let twice):
            if twice != once {
                FuzzSupport.fail("formatting is not idempotent", "--- once ---\n\(once)\n--- twice ---\n\(twice)")
            }
        case .failure(.syntax(let diagnostics)):
            FuzzSupport.fail("the formatted text has syntax errors", "\(DiagnosticRenderer.render(diagnostics))\n--- formatted ---\n\(once)")
        case .failure(.changedMeaning(let why)):
            FuzzSupport.fail("Formatter.format reports changedMeaning on its own output: \(why)")
        }
    }
}
