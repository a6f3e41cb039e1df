import Foundation
import Testing
@testable import Interpreter

// GB18030 bytes written out by hand, so that the tests do not depend on the
// converter they test.
private let zhangSan: [UInt8] = [0xD5, 0xC5, 0xC8, 0xFD] // 张三
private let huBianMa: [UInt8] = [0xBB, 0xA7, 0xB1, 0xE0, 0xC2, 0xEB] // 户编码
private let u80: [UInt8] = [0x81, 0x30, 0x81, 0x30] // U+0080, four bytes
private let u20000: [UInt8] = [0x95, 0x32, 0x82, 0x36] // U+20000 𠀀, four bytes
private let gbByteOrderMark: [UInt8] = [0x84, 0x31, 0x95, 0x33] // U+FEFF

private func gb(_ text: String) -> [UInt8] { Array(text.utf8) }

/// Foundation's own GB18030 encoder (ICU), an independent check of iconv.
private func foundationGB18030(_ text: String) -> [UInt8]? {
    let encoding = String.Encoding(rawValue: 0x8000_0632) // kCFStringEncodingGB_18030_2000
    return text.data(using: encoding).map { Array($0) }
}

private func rows(gb18030 bytes: [UInt8], chunkSize: Int) throws -> [String] {
    let reader = try CSVReader(source: MemoryByteSource(bytes, chunkSize: chunkSize), encoding: .gb18030,
                               chunkSize: chunkSize)
    return reader.map { row in
        switch row.result {
        case .success(let cells): return "\(row.line): \(cells.joined(separator: "|"))"
        case .failure(let error): return "\(row.line): \(error)"
        }
    }
}

private struct DecodeCase: Sendable, CustomTestStringConvertible {
    let bytes: [UInt8]
    let text: String
    var testDescription: String { text.debugDescription }
}

private struct DetectCase: Sendable, CustomTestStringConvertible {
    let name: String
    let bytes: [UInt8]
    let isWholeFile: Bool
    let expected: TextEncoding.Detection
    var testDescription: String { name }
}

private let decodeCases: [DecodeCase] = [
    DecodeCase(bytes: zhangSan, text: "张三"),
    DecodeCase(bytes: huBianMa, text: "户编码"),
    DecodeCase(bytes: u80, text: "\u{80}"),
    DecodeCase(bytes: u20000, text: "𠀀"),
    DecodeCase(bytes: gb("a,b\r\n") + zhangSan, text: "a,b\r\n张三"),
    DecodeCase(bytes: [0xA2, 0xE3], text: "€"),
    DecodeCase(bytes: [], text: ""),
]

private let detectCases: [DetectCase] = [
    DetectCase(name: "ASCII", bytes: gb("a,b\r\n1,2\r\n"), isWholeFile: true, expected: .utf8),
    DetectCase(name: "UTF-8 Chinese", bytes: Array("户编码,姓名\n".utf8), isWholeFile: true, expected: .utf8),
    DetectCase(name: "UTF-8 cut mid-character", bytes: Array(Array("户编码".utf8).dropLast()), isWholeFile: false, expected: .utf8),
    DetectCase(name: "GB18030 header", bytes: huBianMa + gb(",") + zhangSan + gb("\r\n"), isWholeFile: true, expected: .gb18030),
    DetectCase(name: "GB18030 four-byte", bytes: gb("x,") + u20000 + u80, isWholeFile: true, expected: .gb18030),
    DetectCase(name: "GB18030 cut mid-character", bytes: huBianMa + [0xD5], isWholeFile: false, expected: .gb18030),
    DetectCase(name: "GB18030 cut, whole file", bytes: huBianMa + [0xD5], isWholeFile: true, expected: .unknown),
    DetectCase(name: "GB18030 cut in four-byte", bytes: huBianMa + [0x95, 0x32, 0x82], isWholeFile: false, expected: .gb18030),
    DetectCase(name: "binary junk", bytes: [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0xD5, 0xC5], isWholeFile: false, expected: .binary),
    DetectCase(name: "high bytes without GB18030 structure", bytes: [0xD5, 0x20, 0xFF, 0x80], isWholeFile: false, expected: .unknown),
    DetectCase(name: "Latin-1", bytes: [0x63, 0x61, 0x66, 0xE9, 0x0A], isWholeFile: true, expected: .unknown),
    DetectCase(name: "four-byte GB18030 in an unassigned range", bytes: [0xE4, 0x30, 0x81, 0x30], isWholeFile: true, expected: .unknown),
    DetectCase(name: "UTF-16 LE", bytes: [0xFF, 0xFE, 0x37, 0x62], isWholeFile: true, expected: .utf16),
    DetectCase(name: "UTF-16 BE", bytes: [0xFE, 0xFF, 0x62, 0x37], isWholeFile: true, expected: .utf16),
    DetectCase(name: "empty", bytes: [], isWholeFile: true, expected: .utf8),
]

@Suite struct TextEncodingTests {
    @Test(arguments: decodeCases)
    private func decodesGB18030(_ testCase: DecodeCase) throws {
        #expect(try TextEncoding.gb18030.decode(testCase.bytes) == testCase.text)
    }

    @Test(arguments: ["张三", "户编码", "\u{80}", "𠀀", "監測線（一）€😀", "a,\"b\"\r\n"])
    func matchesFoundationsEncoder(_ text: String) throws {
        let bytes = try #require(foundationGB18030(text))
        #expect(try TextEncoding.gb18030.decode(bytes) == text)
    }

    @Test func refusesInvalidGB18030() {
        #expect(throws: TextEncoding.ConversionError.invalidByte(0xD5, offset: 1, encoding: .gb18030)) {
            try TextEncoding.gb18030.decode([0x41, 0xD5, 0x2C])
        }
        #expect(throws: TextEncoding.ConversionError.invalidByte(0x80, offset: 0, encoding: .gb18030)) {
            try TextEncoding.gb18030.decode([0x80])
        }
        #expect(throws: TextEncoding.ConversionError.invalidByte(0x95, offset: 2, encoding: .gb18030)) {
            try TextEncoding.gb18030.decode(zhangSan.prefix(2) + [0x95, 0x32])
        }
    }

    @Test func decodesAndRefusesUTF8() throws {
        #expect(try TextEncoding.utf8.decode(Array("户编码".utf8)) == "户编码")
        #expect(throws: TextEncoding.ConversionError.invalidByte(0xD5, offset: 2, encoding: .utf8)) {
            try TextEncoding.utf8.decode(gb("ab") + zhangSan)
        }
        #expect(TextEncoding.ConversionError.invalidByte(0x0D, offset: 2, encoding: .utf8).description
            == "byte 0x0D at offset 2 is not valid UTF-8")
    }

    @Test(arguments: [("utf8", TextEncoding.utf8), ("UTF-8", .utf8), ("GB18030", .gb18030), ("gbk", .gb18030),
                      ("GB2312", .gb18030), ("cp936", .gb18030)])
    func parsesEncodingNames(_ name: String, _ expected: TextEncoding) {
        #expect(TextEncoding(name: name) == expected)
    }

    @Test func refusesUnknownEncodingNames() {
        #expect(TextEncoding(name: "latin1") == nil)
        #expect(TextEncoding(name: "") == nil)
    }

    @Test(arguments: detectCases)
    private func detectsEncodings(_ testCase: DetectCase) {
        #expect(TextEncoding.detect(testCase.bytes, isWholeFile: testCase.isWholeFile) == testCase.expected)
    }

    @Test func detectsRealGB18030Export() throws {
        let export = try #require(foundationGB18030("户编码,户主姓名,家庭人口,监测类型\r\n3301001,张三,4,脱贫不稳定户\r\n"))
        #expect(TextEncoding.detect(export, isWholeFile: true) == .gb18030)
        #expect(TextEncoding.detect(Array(export.prefix(9))) == .gb18030)
    }

    // MARK: Streaming

    @Test(arguments: [1, 2, 3, 5, 1 << 20])
    func readsGB18030CSVInChunks(chunkSize: Int) throws {
        let text = "户编码,姓名,备注\r\n3301,张三,\"多行\r\n备注,含逗号\"\r\n3302,𠀀,\u{80}\r\n"
        let bytes = try #require(foundationGB18030(text))
        #expect(try rows(gb18030: bytes, chunkSize: chunkSize) == [
            "1: 户编码|姓名|备注",
            "2: 3301|张三|多行\r\n备注,含逗号",
            "4: 3302|𠀀|\u{80}",
        ])
    }

    @Test(arguments: [1, 2, 3, 1 << 20])
    func skipsAGB18030ByteOrderMark(chunkSize: Int) throws {
        #expect(try rows(gb18030: gbByteOrderMark + huBianMa + gb("\n1\n"), chunkSize: chunkSize) == ["1: 户编码", "2: 1"])
    }

    @Test(arguments: [1, 2, 3, 1 << 20])
    func reportsInvalidGB18030InItsRowOnly(chunkSize: Int) throws {
        let bytes = huBianMa + gb(",x\n01,") + [0xD5] + gb(",2\n") + zhangSan + gb(",") + [0x80] + gb("\n")
            + gb("03,") + [0xFF] + zhangSan + gb("\n") + zhangSan + gb(",ok\n") + [0xC8]
        #expect(try rows(gb18030: bytes, chunkSize: chunkSize) == [
            "1: 户编码|x",
            "2: line 2, column 4: byte 0xD5 is not valid GB18030",
            "3: line 3, column 4: byte 0x80 is not valid GB18030",
            "4: line 4, column 4: byte 0xFF is not valid GB18030",
            "5: 张三|ok",
            "6: line 6, column 1: byte 0xC8 is not valid GB18030",
        ])
    }

    @Test(arguments: [1, 2, 3, 1 << 20])
    func reportsUnassignedFourByteSequences(chunkSize: Int) throws {
        // Well-formed but past U+10FFFF: the converter refuses the lead byte.
        let bytes = gb("a,") + [0xE4, 0x30, 0x81, 0x30] + gb("\nb\n")
        let result = try rows(gb18030: bytes, chunkSize: chunkSize)
        #expect(result.count == 2)
        #expect(result.first?.hasPrefix("1: line 1, column 3: byte 0xE4 is not valid GB18030") == true)
        #expect(result.last == "2: b")
    }

    @Test(arguments: [1, 4, 1 << 20])
    func transcodesToUTF8(chunkSize: Int) throws {
        let bytes = huBianMa + gb(",") + zhangSan + u20000 + u80
        var source = try TranscodingByteSource(MemoryByteSource(bytes, chunkSize: chunkSize), from: .gb18030, chunkSize: chunkSize)
        var output: [UInt8] = []
        for _ in 0..<1000 {
            let count = try source.read(into: &output, maxCount: 2)
            #expect(count <= 2)
            if count == 0 { break }
        }
        #expect(String(decoding: output, as: UTF8.self) == "户编码,张三𠀀\u{80}")
    }

    @Test func gb18030ResultsDoNotDependOnChunkSize() throws {
        // Bytes that matter to the converter: leads, trails, four-byte digits,
        // the never-valid 0x80 and 0xFF, and CSV structure.
        let alphabet: [UInt8] = [0xD5, 0xC5, 0x81, 0x30, 0x95, 0x32, 0x82, 0x36, 0x80, 0xFF, 0x2C, 0x22, 0x0A, 0x61]
        var state: UInt64 = 7
        for _ in 0..<500 {
            var input: [UInt8] = []
            for _ in 0..<24 {
                // A linear congruential step is enough to vary the inputs.
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                input.append(alphabet[Int(state >> 33) % alphabet.count])
            }
            let whole = try rows(gb18030: input, chunkSize: 1 << 20)
            for chunkSize in [1, 2, 3] {
                #expect(try rows(gb18030: input, chunkSize: chunkSize) == whole, "input \(input)")
            }
        }
    }

    @Test func passesUTF8Through() throws {
        var source = try TranscodingByteSource(MemoryByteSource([0x61, 0xFF]), from: .utf8)
        var output: [UInt8] = []
        while try source.read(into: &output, maxCount: 10) > 0 {}
        #expect(output == [0x61, 0xFF])
    }
}
