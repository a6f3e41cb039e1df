import Foundation
import Lexer

/// Checks that every quoted sentence stands, word for word, in the source
/// document it cites. Whitespace is ignored and `…` stands for omitted text,
/// so a quote may leave out part of a sentence but never change one.
enum ProvenanceCheck {
    /// `document(name)` returns the text of a source document, or nil if it is
    /// not available (then quotes from it are not verified, and a warning says so).
    static func check(_ file: PolicyFile, document: (String) -> String?) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var missingDocuments: Set<String> = []
        let defaultDocument = file.header?.document?.value
        var texts: [String: String] = [:]
        for citation in citations(in: file) {
            guard let name = citation.document?.value ?? defaultDocument else { continue }
            let text: String
            if let cached = texts[name] {
                text = cached
            } else if let loaded = document(name) {
                text = normalize(loaded)
                texts[name] = text
            } else {
                if missingDocuments.insert(name).inserted {
                    diagnostics.append(Diagnostic(.sourceDocumentNotFound(name), file: file.source,
                                                  range: citation.document?.range ?? file.header?.document?.range ?? citation.range))
                }
                continue
            }
            if !contains(text, quote: citation.quote.value) {
                diagnostics.append(Diagnostic(.quoteNotInSource(document: name), file: file.source, range: citation.quote.range))
            }
        }
        return diagnostics
    }

    static func citations(in file: PolicyFile) -> [Citation] {
        var found: [Citation] = []
        for declaration in file.declarations { found += citations(in: declaration) }
        return found
    }

    static func citations(in declaration: Declaration) -> [Citation] {
        switch declaration {
        case .value(let node): return node.provenance.citations
        case .rule(let node): return node.provenance.citations
        case .eliminate(let node): return node.provenance.citations + node.conditions.flatMap(\.provenance.citations)
        case .alert(let node): return node.provenance.citations
        case .procedure(let node): return node.provenance.citations + node.steps.flatMap(\.provenance.citations)
        case .calendarDay(let node): return node.provenance.citations
        case .override(let inner, _): return citations(in: inner)
        case .test(let node): return node.provenance.citations
        case .header, .enumeration, .record, .remove: return []
        }
    }

    static func normalize(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { !$0.properties.isWhitespace }))
    }

    /// Whether the pieces of the quote between `…` stand in the text in order.
    static func contains(_ text: String, quote: String) -> Bool {
        let pieces = normalize(quote)
            .replacingOccurrences(of: "……", with: "…")
            .replacingOccurrences(of: "...", with: "…")
            .split(separator: "…", omittingEmptySubsequences: true)
        var rest = text[...]
        for piece in pieces {
            guard let found = rest.range(of: piece, options: .literal) else { return false }
            rest = rest[found.upperBound...]
        }
        return true
    }
}
