import Foundation
import Testing
@testable import Interpreter

/// The quotation check reads quotes and documents as bytes; it must find
/// what the plain string operations find.
@Suite struct ProvenanceCheckTests {
    /// The pieces of a quote as `String` operations cut them.
    static func plainPieces(_ quote: String) -> [[UInt8]] {
        String(String.UnicodeScalarView(quote.unicodeScalars.filter { !$0.properties.isWhitespace }))
            .replacingOccurrences(of: "……", with: "…")
            .replacingOccurrences(of: "...", with: "…")
            .split(separator: "…", omittingEmptySubsequences: true)
            .map { Array($0.utf8) }
    }

    @Test func quotesAreCutAsTheStringOperationsCutThem() {
        var generator = SplitMix64(seed: 12)
        let parts = ["…", "……", ".", "..", "...", "....", "家", "庭", "a", " ", "\u{3000}", "\t", "6000", "“", "”", "\u{2028}"]
        for _ in 0..<3000 {
            let quote = (0..<Int(generator.next() % 12)).map { _ in parts[Int(generator.next() % UInt64(parts.count))] }.joined()
            #expect(ProvenanceCheck.pieces(of: quote) == Self.plainPieces(quote), "\(quote.debugDescription)")
        }
    }

    @Test func quotesAreFoundAsTheStringOperationsFindThem() {
        let document = Array(ProvenanceCheck.normalize("以家庭为单位，监测脱贫不稳定户、边缘易致贫户，以及因病因灾因意外事故等刚性支出较大的家庭。 2021年 6000元").utf8)
        #expect(ProvenanceCheck.contains(document, quote: "监测脱贫不稳定户"))
        #expect(ProvenanceCheck.contains(document, quote: "以家庭为单位……边缘易致贫户"))
        #expect(ProvenanceCheck.contains(document, quote: "以家庭 为单位...刚性支出"))
        #expect(ProvenanceCheck.contains(document, quote: "6000元"))
        #expect(!ProvenanceCheck.contains(document, quote: "边缘易致贫户……以家庭为单位"), "pieces in order")
        #expect(!ProvenanceCheck.contains(document, quote: "监测脱贫稳定户"))
        #expect(ProvenanceCheck.find(Array("元".utf8), in: document[...]) == document.count)
        #expect(ProvenanceCheck.find(Array("x".utf8), in: document[...]) == nil)
        #expect(ProvenanceCheck.find([], in: document[3...]) == 3)
    }
}
