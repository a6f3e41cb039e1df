import Testing
@testable import Lexer

private struct WidthCase: Sendable, CustomTestStringConvertible {
    let text: String
    let width: Int
    var testDescription: String { text.unicodeScalars.map { "U+" + String($0.value, radix: 16, uppercase: true) }.joined(separator: " ") }
}

private let stringCases: [WidthCase] = [
    WidthCase(text: "监测线", width: 6),
    WidthCase(text: "abc", width: 3),
    WidthCase(text: "（一）", width: 6),
    WidthCase(text: "a\u{301}", width: 1),
    WidthCase(text: "", width: 0),
    WidthCase(text: "户编码: 3301", width: 12),
    WidthCase(text: "张\u{200B}三", width: 4),
    WidthCase(text: "\u{FEFF}姓名", width: 4),
    WidthCase(text: "ｈｅｌｌｏ", width: 10),
    WidthCase(text: "ﾊﾝｶｸ", width: 4),
    WidthCase(text: "、。「」", width: 8),
    WidthCase(text: "ひらがなカタカナ", width: 16),
    WidthCase(text: "한국어", width: 6),
    WidthCase(text: "𠀀𪚥", width: 4),
    WidthCase(text: "😀🤔", width: 4),
    WidthCase(text: "e\u{301}\u{302}x", width: 2),
    WidthCase(text: "a\tb\n", width: 2),
    WidthCase(text: "€£¥", width: 3),
    WidthCase(text: "￥１２３", width: 8),
]

private let scalarCases: [(Unicode.Scalar, Int)] = [
    ("a", 1), (" ", 1), ("~", 1), ("\u{0}", 0), ("\u{7F}", 0), ("\u{85}", 0), ("\u{AD}", 1),
    ("\u{300}", 0), ("\u{20DD}", 0), ("\u{200B}", 0), ("\u{200D}", 0), ("\u{200F}", 0), ("\u{2060}", 0),
    ("\u{FEFF}", 0), ("\u{1160}", 0), ("\u{3099}", 0),
    ("\u{1100}", 2), ("\u{2E80}", 2), ("\u{3000}", 2), ("\u{303E}", 2), ("\u{3041}", 2), ("\u{30FF}", 2),
    ("\u{3400}", 2), ("\u{4E00}", 2), ("\u{9FFF}", 2), ("\u{AC00}", 2), ("\u{D7A3}", 2), ("\u{F900}", 2),
    ("\u{FE30}", 2), ("\u{FF01}", 2), ("\u{FF60}", 2), ("\u{FF61}", 1), ("\u{FFE0}", 2), ("\u{FFE6}", 2),
    ("\u{FFE8}", 1), ("\u{1F300}", 2), ("\u{1F64F}", 2), ("\u{1F680}", 2), ("\u{1F900}", 2), ("\u{1F9FF}", 2),
    ("\u{20000}", 2), ("\u{2FFFD}", 2), ("\u{30000}", 2), ("\u{E000}", 1), ("\u{10FFFF}", 1), ("\u{2026}", 1),
    ("\u{D7B0}", 0), ("\u{10FFFD}", 1),
]

@Suite struct DisplayWidthTests {
    @Test(arguments: stringCases)
    private func measuresStrings(_ testCase: WidthCase) {
        #expect(DisplayWidth.of(testCase.text) == testCase.width)
    }

    @Test(arguments: scalarCases)
    func measuresScalars(_ scalar: Unicode.Scalar, _ width: Int) {
        #expect(DisplayWidth.of(scalar) == width)
    }

    @Test func measuresSubstrings() {
        let text = "户编码,姓名"
        let name = text.split(separator: ",")[1]
        #expect(DisplayWidth.of(name) == 4)
    }

    @Test(arguments: [
        ("姓名", 6, DisplayWidth.Alignment.left, "姓名  "),
        ("姓名", 6, .right, "  姓名"),
        ("ab", 4, .left, "ab  "),
        ("12", 4, .right, "  12"),
        ("监测线", 4, .left, "监测线"),
        ("监测线", 6, .right, "监测线"),
        ("", 2, .left, "  "),
        ("a\u{301}", 3, .left, "a\u{301}  "),
    ])
    func padsToAWidth(_ text: String, _ width: Int, _ alignment: DisplayWidth.Alignment, _ expected: String) {
        let padded = DisplayWidth.padding(text, toWidth: width, alignment: alignment)
        #expect(padded == expected)
        #expect(DisplayWidth.of(padded) == max(width, DisplayWidth.of(text)))
    }

    @Test func padsLeftByDefault() {
        #expect(DisplayWidth.padding("户", toWidth: 3) == "户 ")
        #expect(DisplayWidth.padding("x", toWidth: -1) == "x")
    }

    @Test func alignsAColumnOfMixedText() {
        let names = ["张三", "Li Si", "欧阳娜娜", "a\u{301}b"]
        let width = names.map { DisplayWidth.of($0) }.max() ?? 0
        let column = names.map { DisplayWidth.padding($0, toWidth: width) + "|" }
        #expect(column.allSatisfy { DisplayWidth.of($0) == width + 1 })
    }
}
