import Testing
@testable import Interpreter

/// One row as the tests compare it: its start line and its cells or error.
private enum Outcome: Equatable, Sendable, CustomStringConvertible {
    case row(Int, [String])
    case error(Int, CSVError)

    var description: String {
        switch self {
        case .row(let line, let cells): return "row(\(line), \(cells))"
        case .error(let line, let error): return "error(\(line), \(error))"
        }
    }
}

/// Chunk sizes that put a boundary inside every CR LF, `""` and multi-byte
/// character of the inputs below, plus the default one chunk.
private let chunkSizes = [1, 2, 3, 7, 1 << 20]

private func readAll(_ bytes: [UInt8], chunkSize: Int, maxRowBytes: Int = 16 << 20,
                     skipBlankLines: Bool = true) -> [Outcome] {
    var reader = CSVReader(source: MemoryByteSource(bytes, chunkSize: chunkSize), maxRowBytes: maxRowBytes,
                           chunkSize: chunkSize, skipBlankLines: skipBlankLines)
    var outcomes: [Outcome] = []
    // A bound well above any test's row count, so that a bug cannot hang the suite.
    for _ in 0..<1000 {
        guard let (line, result) = reader.next() else { break }
        switch result {
        case .success(let cells): outcomes.append(.row(line, cells))
        case .failure(let error): outcomes.append(.error(line, error))
        }
    }
    return outcomes
}

private func readAll(_ text: String, chunkSize: Int) -> [Outcome] {
    readAll(Array(text.utf8), chunkSize: chunkSize)
}

private struct ReaderCase: Sendable, CustomTestStringConvertible {
    let name: String
    let input: [UInt8]
    let expected: [Outcome]

    init(_ name: String, _ text: String, _ expected: [Outcome]) {
        self.init(name, Array(text.utf8), expected)
    }

    init(_ name: String, _ input: [UInt8], _ expected: [Outcome]) {
        self.name = name
        self.input = input
        self.expected = expected
    }

    var testDescription: String { name }
}

private let wellFormedCases: [ReaderCase] = [
    ReaderCase("LF rows", "a,b\nc,d\n", [.row(1, ["a", "b"]), .row(2, ["c", "d"])]),
    ReaderCase("last row without newline", "a,b\nc,d", [.row(1, ["a", "b"]), .row(2, ["c", "d"])]),
    ReaderCase("CRLF rows", "a,b\r\nc,d\r\n", [.row(1, ["a", "b"]), .row(2, ["c", "d"])]),
    ReaderCase("lone CR rows", "a,b\rc,d\r", [.row(1, ["a", "b"]), .row(2, ["c", "d"])]),
    ReaderCase("mixed line ends", "a\r\nb\nc\rd", [.row(1, ["a"]), .row(2, ["b"]), .row(3, ["c"]), .row(4, ["d"])]),
    ReaderCase("byte-order mark skipped", "\u{FEFF}户编码,姓名\n1,张三\n",
               [.row(1, ["户编码", "姓名"]), .row(2, ["1", "张三"])]),
    ReaderCase("byte-order mark only", "\u{FEFF}", []),
    ReaderCase("byte-order mark and short row", "\u{FEFF}a", [.row(1, ["a"])]),
    ReaderCase("bytes like a mark but not one", [0xEF, 0xBB, 0x41], [.error(1, CSVError(.invalidByte(0xEF, encoding: .utf8), line: 1, column: 1))]),
    ReaderCase("empty file", "", []),
    ReaderCase("only a newline", "\n", []),
    ReaderCase("header only", "户编码,姓名\r\n", [.row(1, ["户编码", "姓名"])]),
    ReaderCase("quoted comma", "\"a,b\",c\n", [.row(1, ["a,b", "c"])]),
    ReaderCase("escaped quotes", "\"say \"\"hi\"\"\",x\n", [.row(1, ["say \"hi\"", "x"])]),
    ReaderCase("only an escaped quote", "\"\"\"\"", [.row(1, ["\""])]),
    ReaderCase("empty quoted fields", "\"\",\"\"\n", [.row(1, ["", ""])]),
    ReaderCase("quoted LF moves later rows", "\"line1\nline2\",x\nnext,y\n",
               [.row(1, ["line1\nline2", "x"]), .row(3, ["next", "y"])]),
    ReaderCase("quoted CRLF kept and counted once", "\"a\r\nb\r\nc\",d\r\ne,f\r\n",
               [.row(1, ["a\r\nb\r\nc", "d"]), .row(4, ["e", "f"])]),
    ReaderCase("quoted lone CR", "\"a\rb\",c\rd\r", [.row(1, ["a\rb", "c"]), .row(3, ["d"])]),
    ReaderCase("quoted field at end without newline", "a,\"b\"", [.row(1, ["a", "b"])]),
    ReaderCase("empty fields", ",\n,,\n", [.row(1, ["", ""]), .row(2, ["", "", ""])]),
    ReaderCase("trailing comma", "a,\n", [.row(1, ["a", ""])]),
    ReaderCase("blank lines skipped, numbers kept", "a\n\nb\r\n\r\n\rc\n\n",
               [.row(1, ["a"]), .row(3, ["b"]), .row(6, ["c"])]),
    ReaderCase("quote inside unquoted field kept", "ab\"c,d\"\n", [.row(1, ["ab\"c", "d\""])]),
    ReaderCase("spaces kept, late quote literal", " a , \"b\" \n", [.row(1, [" a ", " \"b\" "])]),
    ReaderCase("Chinese cells", "户编码,姓名,人口\n3301,张三,4\n", [.row(1, ["户编码", "姓名", "人口"]), .row(2, ["3301", "张三", "4"])]),
    ReaderCase("four-byte characters", "𠀀,😀\n", [.row(1, ["𠀀", "😀"])]),
    ReaderCase("quoted multi-line Chinese", "\"第一行\n第二行\",备注\n下一户,x",
               [.row(1, ["第一行\n第二行", "备注"]), .row(3, ["下一户", "x"])]),
]

private func invalid(_ byte: UInt8, line: Int, column: Int) -> CSVError {
    CSVError(.invalidByte(byte, encoding: .utf8), line: line, column: column)
}

private let dirtyCases: [ReaderCase] = [
    ReaderCase("character after closing quote, then resync", "\"ab\"c,d\nok,1\n",
               [.error(1, CSVError(.unexpectedCharacterAfterQuote, line: 1, column: 5)), .row(2, ["ok", "1"])]),
    ReaderCase("resync ignores quotes on the bad line", "\"a\"x\"y,z\r\nok\r\n",
               [.error(1, CSVError(.unexpectedCharacterAfterQuote, line: 1, column: 4)), .row(2, ["ok"])]),
    ReaderCase("column counts characters, not bytes", "户,\"张三\"x\n下一户\n",
               [.error(1, CSVError(.unexpectedCharacterAfterQuote, line: 1, column: 7)), .row(2, ["下一户"])]),
    ReaderCase("space after closing quote", "\"a\" ,b\n", [.error(1, CSVError(.unexpectedCharacterAfterQuote, line: 1, column: 4))]),
    ReaderCase("error on a later line of a multi-line row", "\"a\nb\"c\nd\n",
               [.error(1, CSVError(.unexpectedCharacterAfterQuote, line: 2, column: 3)), .row(3, ["d"])]),
    ReaderCase("unterminated quote at end", "a,b\n\"abc,d\ne\n",
               [.row(1, ["a", "b"]), .error(2, CSVError(.unterminatedQuote, line: 2, column: 1))]),
    ReaderCase("unterminated quote after a comma", "x,\"abc", [.error(1, CSVError(.unterminatedQuote, line: 1, column: 3))]),
    ReaderCase("invalid byte among good rows", Array("a,b\nc,".utf8) + [0xFF] + Array("d\ne,f\n".utf8),
               [.row(1, ["a", "b"]), .error(2, invalid(0xFF, line: 2, column: 3)), .row(3, ["e", "f"])]),
    ReaderCase("truncated sequence names its lead byte", Array("张,".utf8) + [0xE5, 0x8F] + Array(",y\nz\n".utf8),
               [.error(1, invalid(0xE5, line: 1, column: 3)), .row(2, ["z"])]),
    ReaderCase("overlong encoding", [0xC0, 0xAF, 0x0A, 0x61], [.error(1, invalid(0xC0, line: 1, column: 1)), .row(2, ["a"])]),
    ReaderCase("encoded surrogate", [0xED, 0xA0, 0x80, 0x0A], [.error(1, invalid(0xED, line: 1, column: 1))]),
    ReaderCase("lone continuation byte", [0x61, 0x80, 0x62], [.error(1, invalid(0x80, line: 1, column: 2))]),
    ReaderCase("sequence cut by a line end", [0x61, 0xE5, 0x0A, 0x62, 0x0A], [.error(1, invalid(0xE5, line: 1, column: 2)), .row(2, ["b"])]),
    ReaderCase("sequence cut by the end of input", [0x61, 0x2C, 0xE5, 0x8F], [.error(1, invalid(0xE5, line: 1, column: 3))]),
    ReaderCase("invalid byte in a quoted multi-line cell", Array("\"a\nb".utf8) + [0xFE] + Array("\",c\nd".utf8),
               [.error(1, invalid(0xFE, line: 2, column: 2)), .row(3, ["d"])]),
    ReaderCase("first error of a row wins", Array("\"a\"x".utf8) + [0xFF] + Array("\nb".utf8),
               [.error(1, CSVError(.unexpectedCharacterAfterQuote, line: 1, column: 4)), .row(2, ["b"])]),
]

private let oversizedCases: [ReaderCase] = [
    ReaderCase("long unquoted row skipped", "short\n0123456789abcdef\nok\n",
               [.row(1, ["short"]), .error(2, CSVError(.rowTooLong(limit: 10), line: 2, column: 11)), .row(3, ["ok"])]),
    ReaderCase("long quoted row skipped to its real end", "\"aaaaaaa\nbbbbbbb\nccc\",x\nok",
               [.error(1, CSVError(.rowTooLong(limit: 10), line: 2, column: 2)), .row(4, ["ok"])]),
    ReaderCase("row of exactly the limit", "0123456789\nok", [.row(1, ["0123456789"]), .row(2, ["ok"])]),
]

/// A source that hands out its bytes, then fails.
private struct FailingSource: ByteSource {
    struct Failure: Error, CustomStringConvertible {
        var description: String { "cannot read `x.csv`: input/output error" }
    }

    var bytes: [UInt8]

    mutating func read(into buffer: inout [UInt8], maxCount: Int) throws -> Int {
        guard !bytes.isEmpty else { throw Failure() }
        buffer.append(contentsOf: bytes)
        defer { bytes = [] }
        return bytes.count
    }
}

/// A small deterministic generator (SplitMix64), so that a failing input can be reproduced.
private struct SplitMix: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}

/// Random inputs made of the bytes that matter to the reader: separators,
/// quotes, line ends, the pieces of 张 (E5 BC A0) and bytes never valid in UTF-8.
private func randomInputs(count: Int, seed: UInt64) -> [[UInt8]] {
    let alphabet: [UInt8] = [0x61, 0x2C, 0x22, 0x22, 0x0D, 0x0A, 0xE5, 0xBC, 0xA0, 0xFF, 0x20, 0xEF, 0xBB, 0xBF]
    var generator = SplitMix(state: seed)
    return (0..<count).map { _ in
        let length = Int.random(in: 0...40, using: &generator)
        return (0..<length).map { _ in alphabet.randomElement(using: &generator) ?? 0x61 }
    }
}

@Suite struct CSVReaderTests {
    @Test func resultsDoNotDependOnChunkSize() {
        for input in randomInputs(count: 2000, seed: 20_240_601) {
            let whole = readAll(input, chunkSize: 1 << 20)
            for chunkSize in [1, 2, 3] {
                #expect(readAll(input, chunkSize: chunkSize) == whole, "input \(input)")
            }
            let lines = whole.map { outcome -> Int in
                switch outcome {
                case .row(let line, _), .error(let line, _): return line
                }
            }
            #expect(lines == lines.sorted() && Set(lines).count == lines.count, "input \(input)")
            // A row over the limit is still one row: the limit never merges or splits rows.
            let maxRowBytesOutcome = readAll(input, chunkSize: 5, maxRowBytes: 4)
            #expect(maxRowBytesOutcome.count == whole.count, "input \(input)")
        }
    }

    @Test(arguments: wellFormedCases, chunkSizes)
    private func readsWellFormedInput(_ testCase: ReaderCase, chunkSize: Int) {
        #expect(readAll(testCase.input, chunkSize: chunkSize) == testCase.expected)
    }

    @Test(arguments: dirtyCases, chunkSizes)
    private func reportsBadRowsAndReadsTheOthers(_ testCase: ReaderCase, chunkSize: Int) {
        #expect(readAll(testCase.input, chunkSize: chunkSize) == testCase.expected)
    }

    @Test(arguments: oversizedCases, chunkSizes)
    private func skipsRowsOverTheLimit(_ testCase: ReaderCase, chunkSize: Int) {
        #expect(readAll(testCase.input, chunkSize: chunkSize, maxRowBytes: 10) == testCase.expected)
    }

    @Test(arguments: chunkSizes)
    func keepsBlankLinesWhenAsked(chunkSize: Int) {
        let outcomes = readAll(Array("a\n\r\nb\n".utf8), chunkSize: chunkSize, skipBlankLines: false)
        #expect(outcomes == [.row(1, ["a"]), .row(2, [""]), .row(3, ["b"])])
    }

    @Test func trailingNewlineMakesNoExtraRow() {
        #expect(readAll("a,b\n", chunkSize: 1 << 20) == readAll("a,b", chunkSize: 1 << 20))
        #expect(readAll("a,b\r\n", chunkSize: 1 << 20) == [.row(1, ["a", "b"])])
    }

    @Test func reportsAReadFailureOnceAndStops() {
        var reader = CSVReader(source: FailingSource(bytes: Array("a,b\nc,d\ne".utf8)))
        #expect(reader.next()?.result == .success(["a", "b"]))
        #expect(reader.next()?.result == .success(["c", "d"]))
        let failure = reader.next()
        #expect(failure?.line == 3)
        #expect(failure?.result == .failure(CSVError(.readFailed(reason: "cannot read `x.csv`: input/output error"), line: 3)))
        #expect(reader.next() == nil)
        #expect(reader.next() == nil)
    }

    @Test func staysFinishedAfterTheLastRow() {
        var reader = CSVReader(source: MemoryByteSource("a"))
        #expect(reader.next()?.result == .success(["a"]))
        #expect(reader.next() == nil)
        #expect(reader.next() == nil)
    }

    @Test func isASequence() {
        let lines = CSVReader(source: MemoryByteSource("a\n\"b\nc\"\nd\n")).map(\.line)
        #expect(lines == [1, 2, 4])
    }

    @Test func readsALargeInputInChunks() {
        // 20,000 rows with a quoted multi-line cell in every tenth one.
        var text = ""
        var expectedLines: [Int] = []
        var line = 1
        for index in 0..<20_000 {
            expectedLines.append(line)
            if index % 10 == 0 {
                text += "\(index),\"多行\r\n备注\",张三\r\n"
                line += 2
            } else {
                text += "\(index),备注,张三\r\n"
                line += 1
            }
        }
        var reader = CSVReader(source: MemoryByteSource(text, chunkSize: 4093), chunkSize: 4093)
        var lines: [Int] = []
        var allThreeCells = true
        while let (line, result) = reader.next() {
            lines.append(line)
            if case .success(let cells) = result, cells.count == 3 { continue }
            allThreeCells = false
        }
        #expect(lines == expectedLines)
        #expect(allThreeCells)
    }

    @Test func errorDescriptionsNamePlaceAndByte() {
        #expect(invalid(0xD5, line: 3, column: 7).description == "line 3, column 7: byte 0xD5 is not valid UTF-8")
        #expect(CSVError(.invalidByte(0x0A, encoding: .gb18030), line: 1, column: 1).message == "byte 0x0A is not valid GB18030")
        #expect(CSVError(.unexpectedCharacterAfterQuote, line: 2, column: 5).description
            == "line 2, column 5: unexpected character after closing quote")
        #expect(CSVError(.rowTooLong(limit: 16), line: 1, column: 17).message == "row is longer than 16 bytes")
    }
}
