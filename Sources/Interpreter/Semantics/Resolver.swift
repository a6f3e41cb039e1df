import Lexer

/// A policy with everything it inherits: the declarations of its base policies
/// (and theirs), as changed by `override` and `remove`, each item with the file
/// it comes from.
public struct ResolvedPolicy: Sendable {
    /// The policy itself.
    public let leaf: PolicyFile
    /// The files of the chain, the furthest base first, the policy itself last.
    public let chain: [PolicyFile]
    public let items: [ResolvedItem]
    /// The schema and calendar, from the policy or the nearest base that names them.
    public let schemaID: String?
    public let calendarID: String?
    public let brokenNames: Set<String>
}

/// One declaration of a resolved policy. An `eliminate` block is split into
/// one item per condition, so that a county can override a single condition.
public struct ResolvedItem: Sendable {
    public let declaration: Declaration
    public let file: SourceFile
    /// The file whose item this one replaced, when it is an override.
    public let replaces: SourceFile?
    /// The policy id of the file.
    public let policyID: String
    /// The declaration it replaced, when it is an override.
    public var replaced: Declaration? = nil
}

/// Resolves inheritance (`extends`, `override`, `remove`).
struct Resolver {
    /// What reading the base policy of an id gave.
    enum Loaded {
        case file(PolicyFile, path: String)
        case notFound
        /// Found, but refused: the reason is the diagnostic.
        case refused(DiagnosticKind)
    }

    /// Reads and parses the policy of an id, seen from the file at `near`.
    let load: (_ id: String, _ near: String) -> Loaded

    func resolve(_ file: PolicyFile, path: String) -> (policy: ResolvedPolicy, diagnostics: [Diagnostic]) {
        resolve(file, path: path, visiting: [])
    }

    private func resolve(_ file: PolicyFile, path: String, visiting: [String]) -> (policy: ResolvedPolicy, diagnostics: [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        func report(_ kind: DiagnosticKind, _ range: SourceRange?) {
            diagnostics.append(Diagnostic(kind, file: file.source, range: range))
        }
        let header = file.header
        let id = header?.id.description ?? path
        var items: [ResolvedItem] = []
        var chain: [PolicyFile] = []
        var schemaID = header?.schema?.description
        var calendarID = header?.calendar?.description
        var brokenNames = file.brokenNames
        var baseID: String?

        if let base = header?.base {
            baseID = base.description
            if visiting.contains(base.description) || base.description == id {
                report(.extendsCycle(visiting + [id, base.description]), base.range)
            } else if case .refused(let reason) = load(base.description, path) {
                report(reason, base.range)
            } else if case .file(let baseFile, let basePath) = load(base.description, path) {
                let (resolvedBase, baseDiagnostics) = resolve(baseFile, path: basePath, visiting: visiting + [id])
                diagnostics += baseDiagnostics
                items = resolvedBase.items
                chain = resolvedBase.chain
                brokenNames.formUnion(resolvedBase.brokenNames)
                if let own = schemaID, let inherited = resolvedBase.schemaID, own != inherited {
                    report(.schemaDiffersFromBase(schema: own, base: inherited), header?.schema?.range)
                }
                schemaID = schemaID ?? resolvedBase.schemaID
                calendarID = calendarID ?? resolvedBase.calendarID
            } else {
                report(.noBasePolicy(id: base.description), base.range)
            }
        }
        chain.append(file)

        func place(_ item: ResolvedItem) -> String {
            let location = item.file.location(of: item.declaration.range.start)
            return "\(item.file.path):\(location.line)"
        }

        for declaration in file.declarations {
            switch declaration {
            case .header, .enumeration, .record, .calendarDay, .test:
                // Tests belong to their file: a county's are not its province's.
                continue
            case .override(let inner, let keyword):
                guard let baseID else {
                    report(.overrideWithoutBase("override"), keyword)
                    continue
                }
                for piece in Resolver.pieces(of: inner) {
                    let key = Resolver.key(of: piece)
                    guard let index = items.firstIndex(where: { Resolver.key(of: $0.declaration) == key }) else {
                        report(.nothingToOverride(what: Resolver.describe(key), base: baseID), piece.range)
                        continue
                    }
                    items[index] = ResolvedItem(declaration: piece, file: file.source, replaces: items[index].file, policyID: id,
                                                replaced: items[index].declaration)
                }
            case .remove(let removal):
                guard let baseID else {
                    report(.overrideWithoutBase("remove"), removal.range)
                    continue
                }
                let matches = Resolver.removalMatches(removal)
                let before = items.count
                items.removeAll { matches(Resolver.key(of: $0.declaration)) }
                if items.count == before {
                    report(.nothingToOverride(what: "\(removal.kind.text) `\(removal.name.text)`", base: baseID), removal.range)
                }
            default:
                for piece in Resolver.pieces(of: declaration) {
                    let key = Resolver.key(of: piece)
                    if let inherited = items.first(where: { Resolver.key(of: $0.declaration) == key && $0.file.path != file.source.path }) {
                        report(.alreadyInBase(what: Resolver.describe(key), base: inherited.policyID, place: place(inherited)),
                               Resolver.nameRange(of: piece))
                        continue
                    }
                    items.append(ResolvedItem(declaration: piece, file: file.source, replaces: nil, policyID: id))
                }
            }
        }
        let resolved = ResolvedPolicy(leaf: file, chain: chain, items: items, schemaID: schemaID, calendarID: calendarID,
                                      brokenNames: brokenNames)
        return (resolved, diagnostics)
    }

    /// An `eliminate` block as one declaration per condition; anything else as itself.
    static func pieces(of declaration: Declaration) -> [Declaration] {
        guard case .eliminate(let block) = declaration else { return [declaration] }
        return block.conditions.map { condition in
            .eliminate(EliminationDeclaration(label: block.label, conditions: [condition], provenance: block.provenance, range: condition.range))
        }
    }

    /// What identifies an item across policies: its kind and name.
    static func key(of declaration: Declaration) -> String {
        switch declaration {
        case .value(let node): return "\(node.kind.rawValue) \(node.name.text)"
        case .rule(let node):
            // A policy has one `monitored` and one `exception`, whatever their names.
            return node.kind == .monitored || node.kind == .exception ? node.kind.rawValue : "\(node.kind.rawValue) \(node.name.text)"
        case .eliminate(let node): return "condition \(node.conditions.first?.name.text ?? "")"
        case .alert(let node): return "alert \(node.name.text)"
        case .procedure(let node): return "procedure \(node.name.text)"
        default: return ""
        }
    }

    static func describe(_ key: String) -> String {
        let parts = key.split(separator: " ", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return "`\(key)`" }
        let kind = parts[0] == "condition" ? "elimination condition" : parts[0]
        return "\(kind) `\(parts[1])`"
    }

    static func removalMatches(_ removal: RemoveDeclaration) -> (String) -> Bool {
        let name = removal.name.text
        switch removal.kind.text {
        case "require", "forbid": return { $0 == "condition \(name)" }
        case "monitored", "exception": return { $0 == removal.kind.text }
        case "eliminate": return { $0.hasPrefix("condition ") }
        default:
            let key = "\(removal.kind.text) \(name)"
            return { $0 == key }
        }
    }

    static func nameRange(of declaration: Declaration) -> SourceRange {
        switch declaration {
        case .value(let node): return node.name.range
        case .rule(let node): return node.name.range
        case .eliminate(let node): return node.conditions.first?.name.range ?? node.range
        case .alert(let node): return node.name.range
        case .procedure(let node): return node.name.range
        default: return declaration.range
        }
    }
}
