import Foundation
import Lexer

/// The front door: load → check → plan → evaluate. The command line and any
/// other Swift program use the interpreter through this type.
public struct PolicyEngine: Sendable {
    public var workspace: Workspace
    /// Files already read and parsed, so that a schema, a calendar or a base
    /// policy read by many policies is parsed once (a changed file is read again).
    private let parsed = ParseCache()
    /// Source documents, normalized for the quotation check, by file: every
    /// policy that cites a document searches the same normalized text.
    private let documents = DocumentCache()

    public init(workspace: Workspace = Workspace()) {
        self.workspace = workspace
    }

    /// What loading a policy gives: a plan ready to evaluate (nil when there
    /// are errors) and every diagnostic found on the way.
    public struct Loaded: Sendable {
        public var plan: Plan?
        public var diagnostics: [Diagnostic]
        /// The tests written in the policy's file.
        public var tests: [CheckedTest] = []
        /// The checked policy the plan was made from (labels, citations, conditions).
        public var policy: CheckedPolicy?
    }

    /// A source document named near a policy, normalized for the quotation check, read once.
    func normalizedDocument(_ name: String, near path: String) -> [UInt8]? {
        guard let file = workspace.sourceDocumentPath(name, near: path) else { return nil }
        if let cached = documents.get(file) { return cached }
        guard let data = FileManager.default.contents(atPath: file) else { return nil }
        let normalized = Array(ProvenanceCheck.normalize(String(decoding: data, as: UTF8.self)).utf8)
        documents.set(file, normalized)
        return normalized
    }

    /// Parses and checks a schema file.
    public func loadSchema(at path: String) -> (schema: Schema?, diagnostics: [Diagnostic]) {
        let (parsedFile, syntax) = parse(path: path)
        guard let file = parsedFile, !syntax.hasErrors else { return (nil, syntax) }
        let (schema, diagnostics) = SchemaBuilder.build(file)
        return (schema, syntax + diagnostics)
    }

    /// Reads and parses one file.
    public func parse(path: String) -> (file: PolicyFile?, diagnostics: [Diagnostic]) {
        // An unsaved document is parsed as it is now, never from the cache.
        let stamp = workspace.overlays[path] == nil ? ParseCache.stamp(of: path) : nil
        if let stamp, let cached = parsed.get(path, stamp) { return cached }
        let result: (file: PolicyFile?, diagnostics: [Diagnostic])
        switch workspace.readSource(path) {
        case .success(let source):
            let (file, syntax) = Parser.parse(source)
            result = (file, syntax)
        case .failure(let diagnostic):
            result = (nil, [diagnostic])
        }
        if let stamp { parsed.set(path, stamp, result) }
        return result
    }

    /// Parses and checks one file: a policy (with its base, schema and
    /// calendar), a schema or a calendar. Returns the diagnostics; `policy
    /// check` prints them.
    public func check(path: String) -> [Diagnostic] {
        let (parsed, syntax) = parse(path: path)
        guard let file = parsed else { return syntax }
        switch file.header?.kind {
        case .schema:
            return syntax.hasErrors ? syntax : syntax + SchemaBuilder.build(file).diagnostics
        case .calendar:
            if syntax.hasErrors { return syntax }
            let id = file.header?.id.description ?? path
            return CalendarBuilder.build(id: id, files: [file]).diagnostics
                + ProvenanceCheck.check(file, normalizedDocument: { normalizedDocument($0, near: path) })
        case .policy, nil:
            // Names, types and units are checked in what did parse, so one run
            // reports a syntax error and a unit mismatch together.
            if syntax.hasErrors, file.header == nil { return syntax }
            return syntax + checkPolicy(file, path: path, afterSyntaxErrors: syntax.hasErrors).diagnostics
        }
    }

    /// Loads a policy for evaluation.
    public func load(path: String) -> Loaded {
        let (parsed, syntax) = parse(path: path)
        guard let file = parsed else { return Loaded(plan: nil, diagnostics: syntax) }
        if syntax.hasErrors { return Loaded(plan: nil, diagnostics: syntax) }
        if let header = file.header, header.kind != .policy {
            return Loaded(plan: nil, diagnostics: [Diagnostic(.declarationNotAllowed(declaration: header.kind.rawValue, file: "policy"),
                                                              file: file.source, range: header.id.range)])
        }
        return loaded(checkPolicy(file, path: path), file: file, syntax: syntax)
    }

    /// A checked policy planned for evaluation.
    func loaded(_ checked: (policy: CheckedPolicy?, diagnostics: [Diagnostic]), file: PolicyFile, syntax: [Diagnostic]) -> Loaded {
        guard let policy = checked.policy else { return Loaded(plan: nil, diagnostics: syntax + checked.diagnostics) }
        switch Planner.plan(policy) {
        case .success(let plan): return Loaded(plan: plan, diagnostics: syntax + checked.diagnostics, tests: policy.tests, policy: policy)
        case .failure(let error):
            return Loaded(plan: nil, diagnostics: syntax + checked.diagnostics + [Diagnostic(error.diagnosticKind, file: file.source)])
        }
    }

    /// Loads every policy under a folder (schemas and calendars are skipped),
    /// for choosing one per household. Plans are nil when any policy has errors.
    public func loadAll(in folder: String) -> (plans: [Plan]?, diagnostics: [Diagnostic]) {
        let (files, problems) = workspace.policyFiles(in: [folder])
        var plans: [Plan] = []
        var diagnostics = problems
        for path in files {
            let (file, _) = parse(path: path)
            if let kind = file?.header?.kind, kind != .policy { continue }
            let loaded = load(path: path)
            diagnostics += loaded.diagnostics
            if let plan = loaded.plan { plans.append(plan) }
        }
        return (diagnostics.hasErrors ? nil : plans, diagnostics)
    }

    /// Loads policy text that is not in a file (tests, editors).
    public func load(text: String, path: String = "<text>", schema: Schema, calendar: WorkingCalendar? = nil) -> Loaded {
        let (file, syntax) = Parser.parse(SourceFile(path: path, text: text))
        if syntax.hasErrors { return Loaded(plan: nil, diagnostics: syntax) }
        let (policy, diagnostics) = Checker.check(file, schema: schema, calendar: calendar)
        guard let policy else { return Loaded(plan: nil, diagnostics: syntax + diagnostics) }
        switch Planner.plan(policy) {
        case .success(let plan): return Loaded(plan: plan, diagnostics: syntax + diagnostics, tests: policy.tests)
        case .failure(let error): return Loaded(plan: nil, diagnostics: syntax + diagnostics + [Diagnostic(error.diagnosticKind)])
        }
    }

    /// A policy with everything it inherits, for `policy show`.
    public func resolve(path: String) -> (policy: ResolvedPolicy?, diagnostics: [Diagnostic]) {
        let (parsed, syntax) = parse(path: path)
        guard let file = parsed, !syntax.hasErrors else { return (nil, syntax) }
        let (resolved, diagnostics) = resolve(file, path: path)
        return (resolved, diagnostics)
    }

    /// Follows `extends` from a parsed policy; bases are read and parsed on the way.
    func resolve(_ file: PolicyFile, path: String) -> (policy: ResolvedPolicy, diagnostics: [Diagnostic]) {
        let baseProblems = DiagnosticList()
        let resolver = Resolver { id, near in
            switch workspace.findPolicy(id, near: near) {
            case .notFound:
                return .notFound
            case .outside(let refused, let target, let root):
                return .refused(.outsidePoliciesRoot(path: refused, target: target, root: root))
            case .found(let found):
                let (base, syntax) = parse(path: found)
                baseProblems.items += syntax
                return base.map { .file($0, path: found) } ?? .notFound
            }
        }
        let (resolved, diagnostics) = resolver.resolve(file, path: path)
        return (resolved, baseProblems.items + diagnostics)
    }

    /// Reads the calendar files of an id and builds the working calendar.
    public func loadCalendar(_ id: String, near path: String) -> (calendar: WorkingCalendar?, diagnostics: [Diagnostic])? {
        guard let (paths, refused) = workspace.calendarFiles(id, near: path) else { return nil }
        if case .outside(let refusedPath, let target, let root) = refused {
            return (nil, [Diagnostic(.outsidePoliciesRoot(path: refusedPath, target: target, root: root))])
        }
        var files: [PolicyFile] = []
        var diagnostics: [Diagnostic] = []
        for calendarPath in paths {
            let (file, syntax) = parse(path: calendarPath)
            diagnostics += syntax
            if let file, !syntax.hasErrors { files.append(file) }
        }
        let (calendar, problems) = CalendarBuilder.build(id: id, files: files)
        diagnostics += problems
        return (diagnostics.hasErrors ? nil : calendar, diagnostics)
    }

    func checkPolicy(_ file: PolicyFile, path: String, afterSyntaxErrors: Bool = false) -> (policy: CheckedPolicy?, diagnostics: [Diagnostic]) {
        guard let header = file.header else {
            return (nil, [Diagnostic(.missingHeader, file: file.source, range: SourceRange(start: 0, end: 0))])
        }
        let (resolved, resolution) = resolve(file, path: path)
        let nearest = URL(fileURLWithPath: path).deletingLastPathComponent().relativePath
        guard let schemaID = resolved.schemaID else {
            // A base that could not be read would have named the schema.
            if header.base != nil, resolution.hasErrors { return (nil, resolution) }
            return (nil, resolution + [Diagnostic(.missingHeaderClause("schema"), file: file.source, range: header.id.range)])
        }
        let schemaLookup = workspace.findSchema(schemaID, near: path)
        if case .outside(let refused, let target, let root) = schemaLookup {
            return (nil, resolution + [Diagnostic(.outsidePoliciesRoot(path: refused, target: target, root: root),
                                                  file: file.source, range: header.schema?.range ?? header.id.range)])
        }
        guard let schemaPath = schemaLookup.path else {
            return (nil, resolution + [Diagnostic(.schemaNotFound(id: schemaID, nearest: nearest.isEmpty ? "." : nearest, extraRoots: workspace.extraRoots),
                                                  file: file.source, range: header.schema?.range ?? header.id.range)])
        }
        let (schema, schemaDiagnostics) = loadSchema(at: schemaPath)
        guard let schema else { return (nil, resolution + schemaDiagnostics) }
        var calendar: WorkingCalendar?
        var calendarDiagnostics: [Diagnostic] = []
        if let calendarID = resolved.calendarID {
            if let loaded = loadCalendar(calendarID, near: path) {
                calendar = loaded.calendar
                calendarDiagnostics = loaded.diagnostics
            } else {
                calendarDiagnostics = [Diagnostic(.calendarNotFound(id: calendarID, nearest: nearest.isEmpty ? "." : nearest),
                                                  file: file.source, range: header.calendar?.range ?? header.id.range)]
            }
        }
        let (policy, diagnostics) = Checker.check(resolved, schema: schema, calendar: calendar,
                                                  calendarDeclared: resolved.calendarID != nil, afterSyntaxErrors: afterSyntaxErrors)
        let provenance = ProvenanceCheck.check(file, normalizedDocument: { normalizedDocument($0, near: path) })
        let all = resolution + schemaDiagnostics + calendarDiagnostics + diagnostics + provenance
        // A quote not found in its source is reported but does not stop evaluation.
        return ((resolution + calendarDiagnostics).hasErrors ? nil : policy, all)
    }
}

/// Parsed files by path, with the size and modification time they had.
final class ParseCache: @unchecked Sendable {
    struct Stamp: Equatable {
        let size: Int
        let modified: Double
    }

    private let lock = NSLock()
    private var entries: [String: (stamp: Stamp, result: (file: PolicyFile?, diagnostics: [Diagnostic]))] = [:]

    static func stamp(of path: String) -> Stamp? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = (attributes[.size] as? NSNumber)?.intValue,
              let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 else { return nil }
        return Stamp(size: size, modified: modified)
    }

    func get(_ path: String, _ stamp: Stamp) -> (file: PolicyFile?, diagnostics: [Diagnostic])? {
        lock.lock()
        defer { lock.unlock() }
        guard let entry = entries[path], entry.stamp == stamp else { return nil }
        return entry.result
    }

    func set(_ path: String, _ stamp: Stamp, _ result: (file: PolicyFile?, diagnostics: [Diagnostic])) {
        lock.lock()
        defer { lock.unlock() }
        entries[path] = (stamp, result)
    }
}

/// Diagnostics gathered by a closure that cannot return them.
final class DiagnosticList {
    var items: [Diagnostic] = []
}

/// Normalized source documents by path, for the life of one engine.
final class DocumentCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String: [UInt8]] = [:]

    func get(_ path: String) -> [UInt8]? {
        lock.lock()
        defer { lock.unlock() }
        return entries[path]
    }

    func set(_ path: String, _ text: [UInt8]) {
        lock.lock()
        defer { lock.unlock() }
        entries[path] = text
    }
}
