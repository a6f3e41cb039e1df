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
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                // White_Space among ASCII: tab to carriage return, and space.
                if (0x09...0x0D).contains(scalar.value) || scalar.value == 0x20 { continue }
                bytes.append(UInt8(scalar.value))
            } else if !scalar.properties.isWhitespace {
                bytes.append(contentsOf: String(scalar).utf8)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether the pieces of the quote between `…` stand in the text in order.
    static func contains(_ text: String, quote: String) -> Bool {
        contains(Array(text.utf8), quote: quote)
    }

    static func contains(_ text: [UInt8], quote: String) -> Bool {
        // Compared as UTF-8 bytes: a piece of valid UTF-8 found in valid UTF-8
        // starts and ends on character boundaries.
        var bytes = text[...]
        for piece in pieces(of: quote) {
            guard let end = find(piece, in: bytes) else { return false }
            bytes = bytes[end...]
        }
        return true
    }

    /// The pieces of a quote, whitespace removed, as UTF-8: the text between
    /// `…` (`……` too) and `...`, empty pieces left out.
    static func pieces(of quote: String) -> [[UInt8]] {
        let bytes = Array(normalize(quote).utf8)
        var pieces: [[UInt8]] = []
        var piece: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let ellipsis = index + 2 < bytes.count && bytes[index] == 0xE2 && bytes[index + 1] == 0x80 && bytes[index + 2] == 0xA6
            let dots = index + 2 < bytes.count && bytes[index] == 0x2E && bytes[index + 1] == 0x2E && bytes[index + 2] == 0x2E
            if ellipsis || dots {
                if !piece.isEmpty { pieces.append(piece) }
                piece = []
                index += 3
            } else {
                piece.append(bytes[index])
                index += 1
            }
        }
        if !piece.isEmpty { pieces.append(piece) }
        return pieces
    }

    /// The index just after the first occurrence of `needle` in `haystack`.
    static func find(_ needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
        guard !needle.isEmpty else { return haystack.startIndex }
        guard needle.count <= haystack.count else { return nil }
        // Boyer-Moore-Horspool: Chinese text starts most characters with the
        // same few bytes, so a scan that tries each byte is slow; this one
        // skips ahead by what the byte under the needle's end allows.
        var skip = [Int](repeating: needle.count, count: 256)
        for (position, byte) in needle.dropLast().enumerated() { skip[Int(byte)] = needle.count - 1 - position }
        let offset: Int? = haystack.withUnsafeBufferPointer { hay in
            needle.withUnsafeBufferPointer { pin in
                var start = 0
                let lastByte = pin[pin.count - 1]
                while start + pin.count <= hay.count {
                    let end = hay[start + pin.count - 1]
                    if end == lastByte, memcmp(hay.baseAddress! + start, pin.baseAddress!, pin.count - 1) == 0 { return start }
                    start += skip[Int(end)]
                }
                return nil
            }
        }
        return offset.map { haystack.startIndex + $0 + needle.count }
    }
}
