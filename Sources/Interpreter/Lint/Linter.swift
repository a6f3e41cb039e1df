import Foundation
import Lexer

/// What the linter reads of one policy file: the file, the policy it resolves
/// to, and (when it checks clean) its plan and tests.
struct LintInput {
    let path: String
    let file: PolicyFile
    let resolved: ResolvedPolicy
    let plan: Plan?
    let tests: [CheckedTest]
}

/// Warnings about policies that check clean but are likely wrong or hard to
/// keep: unused values, numbers without sources, untested rules, names that
/// look alike. Each has a stable code (W08xx) and can be silenced for one
/// line with a comment naming it: `# lint: allow W0803`.
enum Linter {
    static func lint(_ input: LintInput) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        let leaf = input.file.source
        func report(_ kind: DiagnosticKind, _ range: SourceRange?) {
            diagnostics.append(Diagnostic(kind, file: leaf, range: range))
        }
        let own = input.resolved.items.filter { $0.file.path == leaf.path }

        // W0801: values nothing reads.
        var used: Set<String> = []
        for item in input.resolved.items {
            for expr in expressions(in: item.declaration) {
                names(in: expr, into: &used)
            }
        }
        for item in own {
            guard case .value(let value) = item.declaration else { continue }
            if !used.contains(value.name.text) {
                report(.unusedValue(kind: value.kind.rawValue, name: value.name.text), value.name.range)
            }
        }

        // W0802: parameters with neither a source nor an assumption.
        for item in own {
            guard case .value(let value) = item.declaration, value.kind == .param, value.provenance.citations.isEmpty,
                  value.provenance.assumptions.isEmpty else { continue }
            report(.parameterWithoutSource(value.name.text), value.name.range)
        }

        // W0803: amounts and durations written inside rules.
        for item in own {
            guard isRule(item.declaration) else { continue }
            for expr in expressions(in: item.declaration) {
                literals(in: expr) { text, range in report(.literalInRule(text), range) }
            }
        }

        // W0804: a category after one that always holds, or after one with the same condition.
        var earlier: [(name: String, condition: String)] = []
        for item in input.resolved.items {
            guard case .rule(let rule) = item.declaration, rule.kind == .category, let condition = rule.condition else { continue }
            let text = normalized(item.file.text(condition.range.start..<condition.range.end))
            if let always = earlier.first(where: { $0.condition == "true" || $0.condition == text }), item.file.path == leaf.path {
                report(.categoryNeverMatches(name: rule.name.text, earlier: always.name), rule.name.range)
            }
            earlier.append((rule.name.text, text))
        }

        // W0805: overrides that repeat the base.
        for item in own {
            guard let replaced = item.replaced, let base = item.replaces else { continue }
            let mine = normalized(leaf.text(item.declaration.range.start..<item.declaration.range.end))
            let theirs = normalized(base.text(replaced.range.start..<replaced.range.end))
            if mine == theirs { report(.overrideSameAsBase(Resolver.describe(Resolver.key(of: item.declaration))), Resolver.nameRange(of: item.declaration)) }
        }

        // W0806: id and year against the path.
        if let header = input.file.header {
            let id = header.id.description
            if let expected = idFromPath(input.path, id: id), expected != id {
                report(.metadataDisagreesWithPath(what: "the id", written: id, expected: expected, from: "the file's path"), header.id.range)
            }
            if let last = id.split(separator: "/").last, let idYear = Int(last), let written = header.year, Int(written.value) != idYear {
                report(.metadataDisagreesWithPath(what: "the year", written: written.value, expected: String(idYear), from: "the id"), written.range)
            }
        }

        // W0807 and W0808: what the tests leave out.
        if let plan = input.plan, input.file.header?.kind == .policy {
            if input.tests.isEmpty {
                report(.noTests(input.file.header?.id.description ?? input.path), input.file.header?.id.range)
            } else {
                let untested = Set(PolicyTestRunner.untested(plan, PolicyTestRunner.run(plan, input.tests)))
                for item in own {
                    let key = Resolver.key(of: item.declaration)
                    guard untested.contains(key) else { continue }
                    report(.untested(Resolver.describe(key)), Resolver.nameRange(of: item.declaration))
                }
            }
        }
        for declaration in input.file.declarations {
            guard case .test(let test) = declaration, test.expectations.isEmpty else { continue }
            report(.testAssertsNothing(test.name.text), test.name.range)
        }

        // W0809: names mixing scripts, and names that look alike.
        var declared: [Name] = []
        for declaration in input.file.declarations { declared += declaredNames(declaration) }
        var skeletons: [String: Name] = [:]
        for name in declared {
            let scripts = Identifiers.scripts(of: name.text)
            if scripts.count > 1 { report(.mixedScripts(name: name.text, scripts: scripts.joined(separator: ", ")), name.range) }
            let skeleton = Identifiers.skeleton(name.text)
            if let other = skeletons[skeleton], other.text != name.text {
                report(.confusableNames(name.text, other.text), name.range)
            } else if skeletons[skeleton] == nil {
                skeletons[skeleton] = name
            }
        }
        return diagnostics
    }

    /// W0810: for each region, the years between two of its policies that none covers.
    static func yearGaps(_ inputs: [LintInput]) -> [Diagnostic] {
        var byRegion: [[String]: [(year: Int, input: LintInput)]] = [:]
        for input in inputs {
            guard let header = input.file.header, header.kind == .policy, !header.region.isEmpty,
                  let written = header.year, let year = Int(written.value) else { continue }
            byRegion[header.region.map(\.value), default: []].append((year, input))
        }
        var diagnostics: [Diagnostic] = []
        for (region, policies) in byRegion {
            let sorted = policies.sorted { $0.year < $1.year }
            for (before, after) in zip(sorted, sorted.dropFirst()) where after.year - before.year > 1 {
                let missing = (before.year + 1..<after.year).map(String.init).joined(separator: ", ")
                diagnostics.append(Diagnostic(.yearGap(region: region.joined(separator: " "), missing: missing, before: before.year, after: after.year),
                                              file: after.input.file.source, range: after.input.file.header?.year?.range))
            }
        }
        return diagnostics
    }

    /// Drops the warnings a comment on their line, or on the line above, allows:
    /// `# lint: allow W0803` (several codes may follow, separated by spaces or commas).
    static func silence(_ diagnostics: [Diagnostic], comments: [String: [Comment]]) -> [Diagnostic] {
        diagnostics.filter { diagnostic in
            guard diagnostic.severity == .warning, let file = diagnostic.file, let range = diagnostic.range else { return true }
            let line = file.location(of: range.start).line
            for comment in comments[file.path] ?? [] {
                let commentLine = file.location(of: comment.range.start).line
                guard commentLine == line || (commentLine == line - 1 && !comment.trailing) else { continue }
                if allowed(in: comment.text).contains(diagnostic.code.rawValue) { return false }
            }
            return true
        }
    }

    static func allowed(in comment: String) -> [String] {
        guard let marker = comment.range(of: "lint: allow") else { return [] }
        return comment[marker.upperBound...].split { $0 == " " || $0 == "," }.map(String.init)
    }

    // MARK: - Helpers

    /// The id a path gives: what follows a folder named `policies`, or else the path itself.
    static func idFromPath(_ path: String, id: String) -> String? {
        let standardized = URL(fileURLWithPath: path).standardizedFileURL.path
        guard standardized.hasSuffix(".policy") else { return nil }
        let withoutExtension = String(standardized.dropLast(".policy".count))
        if withoutExtension.hasSuffix("/" + id) { return id }
        guard let range = withoutExtension.range(of: "/policies/", options: .backwards) else { return nil }
        return String(withoutExtension[range.upperBound...])
    }

    static func isRule(_ declaration: Declaration) -> Bool {
        switch declaration {
        case .rule, .eliminate, .alert, .procedure: return true
        default: return false
        }
    }

    static func normalized(_ text: String) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }).joined(separator: " ")
    }

    /// The expressions of a declaration, for finding the names it reads.
    static func expressions(in declaration: Declaration) -> [Expr] {
        switch declaration {
        case .value(let node): return [node.value]
        case .rule(let node): return [node.condition, node.categoryExpression].compactMap { $0 }
        case .eliminate(let node): return node.conditions.map(\.condition)
        case .alert(let node):
            return [node.trigger?.list, node.trigger?.filter, node.condition].compactMap { $0 } + node.schedules.compactMap(\.guardCondition)
        case .procedure(let node): return [node.start, node.greenChannel].compactMap { $0 } + node.steps.compactMap(\.skipWhen)
        case .override(let inner, _): return expressions(in: inner)
        default: return []
        }
    }

    static func names(in expr: Expr, into names: inout Set<String>) {
        switch expr.kind {
        case .name(let name): names.insert(name.text)
        case .member(let base, _): self.names(in: base, into: &names)
        case .unary(_, let operand): self.names(in: operand, into: &names)
        case .binary(_, let left, let right), .otherwise(let left, let right):
            self.names(in: left, into: &names)
            self.names(in: right, into: &names)
        case .conditional(let condition, let then, let otherwise):
            for part in [condition, then, otherwise] { self.names(in: part, into: &names) }
        case .call(_, let arguments), .list(let arguments):
            for argument in arguments { self.names(in: argument, into: &names) }
        case .quantifier(_, _, let list, let filter, let body):
            for part in [list, filter, body].compactMap({ $0 }) { self.names(in: part, into: &names) }
        case .number, .percent, .string, .date, .bool, .invalid: break
        }
    }

    /// Amounts of money and durations other than zero.
    static func literals(in expr: Expr, _ found: (String, SourceRange) -> Void) {
        switch expr.kind {
        case .number(let text, let unit?):
            let words = unit.words.map(\.text)
            let first = words.first.flatMap(UnitWord.lookup)
            let isMoney = first == .yuan
            let isDuration = words.count == 1 && [UnitWord.day, .month, .week, .year, .workingDay].contains(first)
                || words.first == UnitWord.workingPrefix
            let isZero = text.allSatisfy { $0 == "0" || $0 == "." }
            if (isMoney || isDuration) && !isZero { found("\(text) \(words.joined(separator: "/"))", expr.range) }
        case .member(let base, _): literals(in: base, found)
        case .unary(_, let operand): literals(in: operand, found)
        case .binary(_, let left, let right), .otherwise(let left, let right):
            literals(in: left, found)
            literals(in: right, found)
        case .conditional(let condition, let then, let otherwise):
            for part in [condition, then, otherwise] { literals(in: part, found) }
        case .call(_, let arguments), .list(let arguments):
            for argument in arguments { literals(in: argument, found) }
        case .quantifier(_, _, let list, let filter, let body):
            for part in [list, filter, body].compactMap({ $0 }) { literals(in: part, found) }
        case .number, .percent, .string, .date, .bool, .name, .invalid: break
        }
    }

    /// The names a declaration introduces.
    static func declaredNames(_ declaration: Declaration) -> [Name] {
        switch declaration {
        case .value(let node): return [node.name]
        case .rule(let node): return node.kind == .monitored ? [] : [node.name]
        case .eliminate(let node): return node.conditions.map(\.name)
        case .alert(let node): return [node.name]
        case .procedure(let node): return [node.name] + node.steps.map(\.name)
        case .test(let node): return [node.name]
        case .override(let inner, _): return declaredNames(inner)
        default: return []
        }
    }
}

/// What a name is written in, and what it looks like.
enum Identifiers {
    /// The scripts of the letters of a name (digits and `_` belong to none).
    static func scripts(of name: String) -> [String] {
        var found: [String] = []
        for scalar in name.unicodeScalars {
            let script: String?
            switch scalar.value {
            case 0x41...0x5A, 0x61...0x7A, 0xC0...0x24F: script = "Latin"
            case 0xFF21...0xFF3A, 0xFF41...0xFF5A: script = "full-width Latin"
            case 0x370...0x3FF: script = "Greek"
            case 0x400...0x4FF: script = "Cyrillic"
            case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x2FA1F: script = "Han"
            default: script = nil
            }
            if let script, !found.contains(script) { found.append(script) }
        }
        return found
    }

    /// A name with full-width forms folded (NFKC), letters that look like
    /// Latin ones replaced by them, and case folded: two names with one
    /// skeleton read alike.
    static func skeleton(_ name: String) -> String {
        let folded = name.precomposedStringWithCompatibilityMapping.lowercased()
        var out = ""
        for scalar in folded.unicodeScalars {
            if let latin = lookalikes[scalar] { out += latin } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }

    static let lookalikes: [Unicode.Scalar: String] = [
        "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t", "у": "y", "х": "x",
        "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "ɡ": "g",
        "α": "a", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x",
    ]
}
