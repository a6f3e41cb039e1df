import Testing
@testable import Lexer

/// The kinds of tokens of a text, without the final end of file.
private func kinds(_ text: String) -> [TokenKind] {
    Array(Lexer.tokenize(SourceFile(path: "t", text: text)).tokens.dropLast().map(\.kind))
}

@Suite struct LexerTests {
    @Test(arguments: [
        ("param", [TokenKind.identifier("param")]),
        ("monitoring_line", [.identifier("monitoring_line")]),
        ("监测线", [.identifier("监测线")]),
        ("and or not in", [.keyword(.and), .keyword(.or), .keyword(.not), .keyword(.in)]),
        ("if then else otherwise where", [.keyword(.if), .keyword(.then), .keyword(.else), .keyword(.otherwise), .keyword(.where)]),
        ("true false", [.keyword(.true), .keyword(.false)]),
        ("6000", [.number("6000")]),
        ("5999.99", [.number("5999.99")]),
        ("6000元", [.number("6000"), .identifier("元")]),
        ("6个月", [.number("6"), .identifier("个月")]),
        ("1..4", [.number("1"), .punctuation(.dotDot), .number("4")]),
        ("50%", [.number("50"), .punctuation(.percent)]),
        ("2021-06-30", [.date("2021-06-30")]),
        ("2021-6-30", [.number("2021"), .punctuation(.minus), .number("6"), .punctuation(.minus), .number("30")]),
        ("\"丰都县\"", [.string("丰都县")]),
        ("\"a\\\"b\\\\c\\n\\u{4E2D}\"", [.string("a\"b\\c\n中")]),
        ("{ } ( ) [ ] , : . = == != < <= > >= + - * /", [
            .punctuation(.leftBrace), .punctuation(.rightBrace), .punctuation(.leftParen), .punctuation(.rightParen),
            .punctuation(.leftBracket), .punctuation(.rightBracket), .punctuation(.comma), .punctuation(.colon),
            .punctuation(.dot), .punctuation(.assign), .punctuation(.equal), .punctuation(.notEqual), .punctuation(.less),
            .punctuation(.lessEqual), .punctuation(.greater), .punctuation(.greaterEqual), .punctuation(.plus),
            .punctuation(.minus), .punctuation(.star), .punctuation(.slash),
        ]),
        ("income.wage", [.identifier("income"), .punctuation(.dot), .identifier("wage")]),
        ("a　b", [.identifier("a"), .identifier("b")]),
    ])
    func tokens(text: String, expected: [TokenKind]) {
        #expect(kinds(text) == expected)
    }

    @Test func contextualWordsAreNamesNotKeywords() {
        #expect(kinds("category source when") == [.identifier("category"), .identifier("source"), .identifier("when")])
        let token = Lexer.tokenize(SourceFile(path: "t", text: "category")).tokens[0]
        #expect(token.isWord(.category))
    }

    @Test(arguments: [
        ("“边缘易致贫户”", [TokenKind.error(.typographicQuote("“"))]),
        ("「边缘」", [.error(.typographicQuote("「"))]),
        ("a\u{200B}b", [.identifier("a"), .error(.invisibleCharacter("\u{200B}")), .identifier("b")]),
        ("x\u{202E}", [.identifier("x"), .error(.invisibleCharacter("\u{202E}"))]),
        ("（", [.error(.unexpectedCharacter("（"))]),
        ("@", [.error(.unexpectedCharacter("@"))]),
        ("\"open", [.error(.unterminatedString)]),
        ("\"a\\qb\"", [.error(.invalidEscape("\\q"))]),
        ("\"\\u{D800}\"", [.error(.invalidEscape("\\u{D800}"))]),
        (String(repeating: "9", count: 41), [.error(.numberTooLong)]),
    ])
    func unreadableTextBecomesOneErrorToken(text: String, expected: [TokenKind]) {
        #expect(kinds(text) == expected)
    }

    @Test func invisibleCharactersAreFineInStringsAndComments() {
        #expect(kinds("\"a\u{200B}b\" # x\u{202E}y") == [.string("a\u{200B}b")])
    }

    @Test func commentsAreKeptWithWhetherCodePrecedesThem() {
        let output = Lexer.tokenize(SourceFile(path: "t", text: "# 监测线\nparam x = 1 # 元\n"))
        #expect(output.comments.map(\.text) == [" 监测线", " 元"])
        #expect(output.comments.map(\.trailing) == [false, true])
    }

    @Test func columnsCountCharactersNotBytes() {
        let source = SourceFile(path: "t", text: "let 监测线 = 6000 元\n  when x")
        let tokens = Lexer.tokenize(source).tokens
        let locations = tokens.map { source.location(of: $0.range.start) }
        // `=` follows "let 监测线 " : 8 characters, 14 bytes.
        #expect(locations[2] == SourceLocation(line: 1, column: 9, offset: 8))
        #expect(locations[3].column == 11)
        #expect(locations[4].column == 16)
        #expect(locations[5].line == 2 && locations[5].column == 3)
    }

    @Test(arguments: ["a\nb\nc", "a\r\nb\r\nc", "a\rb\rc"])
    func everyKindOfLineEndCounts(text: String) {
        let source = SourceFile(path: "t", text: text)
        let lines = Lexer.tokenize(source).tokens.dropLast().map { source.location(of: $0.range.start).line }
        #expect(lines == [1, 2, 3])
        #expect(source.line(2) == "b")
    }

    @Test func aByteOrderMarkIsIgnored() {
        let source = SourceFile(path: "t", text: "\u{FEFF}param")
        #expect(kinds("\u{FEFF}param") == [.identifier("param")])
        #expect(source.location(of: Lexer.tokenize(source).tokens[0].range.start).column == 1)
    }

    @Test func followsNewlineMarksTheFirstTokenOfALine() {
        let tokens = Lexer.tokenize(SourceFile(path: "t", text: "a b\n c # x\n\nd")).tokens
        #expect(tokens.map(\.followsNewline) == [true, false, true, true, false])
    }

    /// Any text at all: the lexer ends, with exactly one end of file, and its
    /// tokens are in order and inside the text.
    @Test func anyTextLexesWithoutTrouble() {
        let alphabet: [Unicode.Scalar] = ["a", "z", "_", "0", "9", ".", "-", "\"", "\\", "{", "}", "(", ")", "[", "]", "#", "\n",
                                          "\r", " ", "\t", "监", "测", "“", "”", "（", "\u{200B}", "\u{0}", "\u{7F}", "=", "!", "<",
                                          "%", "/", "u", "元", "2", "\u{1F600}", ",", ":"]
        var generator = SplitMix(seed: 20211)
        for _ in 0..<2000 {
            let length = Int(generator.next() % 60)
            var view = String.UnicodeScalarView()
            for _ in 0..<length { view.append(alphabet[Int(generator.next() % UInt64(alphabet.count))]) }
            let source = SourceFile(path: "t", text: String(view))
            let tokens = Lexer.tokenize(source).tokens
            #expect(tokens.last?.kind == .endOfFile)
            #expect(tokens.filter { $0.kind == .endOfFile }.count == 1)
            var previousEnd = 0
            for token in tokens {
                #expect(token.range.start >= previousEnd && token.range.end <= source.scalars.count)
                previousEnd = token.range.end
            }
        }
    }
}

/// A small deterministic random number generator for repeatable tests.
struct SplitMix {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
