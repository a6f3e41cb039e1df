import Testing
@testable import Interpreter

// Check characters worked by hand. Weights for positions 1–17:
//   7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
// and the remainder of the weighted sum mod 11 picks from "10X98765432"
// (remainder 0 → 1, 1 → 0, 2 → X, 3 → 9, …, 10 → 2).
//
// 11010519491231002X  digits 1 1 0 1 0 5 1 9 4 9 1 2 3 1 0 0 2
//   7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167 = 15·11 + 2 → X
// 110105194912310011  same but sequence 001: 167 − 2 = 165 = 15·11 + 0 → 1
// 110105194912310070  sequence 007: 165 + 6·2 = 177 = 16·11 + 1 → 0
// 440308199901010012  digits 4 4 0 3 0 8 1 9 9 9 0 1 0 1 0 0 1
//   28+36+0+15+0+32+2+9+54+27+0+9+0+5+0+0+2 = 219 = 19·11 + 10 → 2
// 110101200002290018  digits 1 1 0 1 0 1 2 0 0 0 0 2 2 9 0 0 1 (born 2000-02-29)
//   7+9+0+5+0+4+4+0+0+0+0+18+20+45+0+0+2 = 114 = 10·11 + 4 → 8
// 110101202102290014  as above with year 2021: 114 + 2·6 + 1·3 = 129 = 11·11 + 8 → 4,
//   a correct check character on a date that does not exist (2021-02-29)
// 11010520211301001X  digits 1 1 0 1 0 5 2 0 2 1 1 3 0 1 0 0 1 (month 13)
//   7+9+0+5+0+20+4+0+12+3+7+27+0+5+0+0+2 = 101 = 9·11 + 2 → X

@Suite struct ResidentIDTests {
    @Test(arguments: [
        ("11010519491231002X", "1949-12-31"),
        ("11010519491231002x", "1949-12-31"),
        ("110105194912310011", "1949-12-31"),
        ("110105194912310070", "1949-12-31"),
        ("440308199901010012", "1999-01-01"),
        ("110101200002290018", "2000-02-29"),
    ])
    func valid(id: String, birth: String) {
        #expect(ResidentID.isValid(id))
        #expect(ResidentID.birthDate(id) == CivilDate.parse(birth))
        #expect(ResidentID.birthDate(id) != nil)
    }

    @Test(arguments: [
        // Wrong check character.
        "110105194912310021", "440308199901010013", "11010519491231002Y", "11010519491231002y",
        "110105194912310010", "110101200002290019",
        // Check character right, birth date impossible.
        "110101202102290014", "11010520211301001X",
        // Length.
        "", "11010519491231002", "11010519491231002X0", "1101051949123100X",
        // X only in the last place; no spaces, no other characters.
        "X1010519491231002X", "11010519491231A02X", " 11010519491231002X", "11010519491231002X ",
        "１１010519491231002X", "110105-1949123102X", "11010519491231002Ｘ",
    ])
    func invalid(id: String) {
        #expect(!ResidentID.isValid(id))
        #expect(ResidentID.birthDate(id) == nil)
    }

    @Test func substring() {
        let line = "id: 11010519491231002X;"
        #expect(ResidentID.isValid(line.dropFirst(4).dropLast()))
    }

    /// Generated numbers, with the check character from ISO 7064's recursive
    /// form (independent of the weight table): every one is valid, and each of
    /// the ten other check characters makes it invalid.
    @Test func generatedNumbers() throws {
        var seed: UInt64 = 11_643
        func next(_ bound: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(bound))
        }
        let checkCharacters = Array("0123456789X")
        for _ in 0..<2_000 {
            let birth = try #require(CivilDate(daysSinceEpoch: -25_000 + next(45_000)))
            let region = String(100_000 + next(900_000))
            let sequence = String(1_000 + next(1_000)).dropFirst()
            let body = region + birth.description.filter { $0 != "-" } + sequence
            var p = 0
            for character in body {
                let digit = try #require(character.wholeNumberValue)
                p = (p + digit) * 2 % 11
            }
            let check = checkCharacters[(12 - p) % 11]
            #expect(ResidentID.isValid(body + String(check)))
            #expect(ResidentID.birthDate(body + String(check)) == birth)
            for other in checkCharacters where other != check {
                #expect(!ResidentID.isValid(body + String(other)))
            }
        }
    }
}
