import Foundation
import Lexer

/// Checks that every quoted sentence stands, word for word, in the source
/// document it cites. Whitespace is ignored and `…` stands for omitted text,
/// so a quote may leave out part of a sentence but never change one.
enum ProvenanceCheck {
    /// `document(name)` returns the text of a source document, or nil if it is
    /// not available (then quotes from it are not verified, and a warning says so).
    static func check(_ file: PolicyFile, document: (String) -> String?) -> [Diagnostic] {
        check(file, normalizedDocument: { document($0).map { Array(normalize($0).utf8) } })
    }

    /// The same, given the documents already normalized (as `normalize` makes them, in UTF-8).
    static func check(_ file: PolicyFile, normalizedDocument document: (String) -> [UInt8]?) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var missingDocuments: Set<String> = []
        let defaultDocument = file.header?.document?.value
        var texts: [String: [UInt8]] = [:]
        for citation in citations(in: file) {
            guard let name = citation.document?.value ?? defaultDocument else {
                // Said once per file, at the first such quote.
                if missingDocuments.insert("").inserted {
                    diagnostics.append(Diagnostic(.quoteWithoutDocument, file: file.source, range: citation.quote.range))
                }
                continue
            }
            let text: [UInt8]
            if let cached = texts[name] {
                text = cached
            } else if let loaded = document(name) {
                text = loaded
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
        contains(Array(text.utf8), quote: quote)
    }

    static func contains(_ text: [UInt8], quote: String) -> Bool {
        let pieces = normalize(quote)
            .replacingOccurrences(of: "……", with: "…")
            .replacingOccurrences(of: "...", with: "…")
            .split(separator: "…", omittingEmptySubsequences: true)
        // Compared as UTF-8 bytes: a piece of valid UTF-8 found in valid UTF-8
        // starts and ends on character boundaries.
        var bytes = text[...]
        for piece in pieces {
            guard let end = find(Array(piece.utf8), in: bytes) else { return false }
            bytes = bytes[end...]
        }
        return true
    }

    /// The index just after the first occurrence of `needle` in `haystack`.
    static func find(_ needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
        guard let first = needle.first else { return haystack.startIndex }
        guard needle.count <= haystack.count else { return nil }
        var index = haystack.startIndex
        let last = haystack.endIndex - needle.count
        while index <= last {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) { return index + needle.count }
            index += 1
        }
        return nil
    }
}
