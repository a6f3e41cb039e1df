import Foundation
import Testing
@testable import Interpreter

private func parse(_ text: String) -> Result<JSONValue, JSONSyntaxError> {
    JSONParser.parse(Array(text.utf8))
}

private func lines(_ text: String, chunk: Int = 1 << 20, maxLineBytes: Int = 16 << 20) -> [(Int, String)] {
    var reader = JSONLinesReader(source: MemoryByteSource(Array(text.utf8), chunkSize: chunk), maxLineBytes: maxLineBytes, chunkSize: chunk)
    var items: [(Int, String)] = []
    while let item = reader.next() {
        switch item.result {
        case .success(let value): items.append((item.line, describe(value)))
        case .failure(let error): items.append((item.line, "error \(error.line):\(error.column) \(error.message)"))
        }
    }
    return items
}

private func describe(_ value: JSONValue) -> String {
    switch value {
    case .null: return "null"
    case .bool(let truth): return "\(truth)"
    case .number(let text): return text
    case .string(let text): return "\"\(text)\""
    case .array(let items): return "[" + items.map(describe).joined(separator: ",") + "]"
    case .object(let object): return "{" + object.members.map { "\($0.key):\(describe($0.value))" }.joined(separator: ",") + "}"
    }
}

@Suite struct JSONParserTests {
    @Test(arguments: [
        ("{\"a\": [1, -0, 6000.50, 1e400, 99999999999999999999.999], \"b\": {\"c\": null}}", "{a:[1,-0,6000.50,1e400,99999999999999999999.999],b:{c:null}}"),
        ("\"\\u4e2d\\u6587 \\ud83d\\ude00 \\\" \\\\ \\/ \\n\"", "\"中文 😀 \" \\ / \n\""),
        ("  true ", "true"),
        ("{\"名字\": \"张三\"}", "{名字:\"张三\"}"),
        ("{\"id\": 1, \"id\": 2}", "{id:1,id:2}"),
    ])
    func valid(text: String, expected: String) throws {
        #expect(describe(try parse(text).get()) == expected)
    }

    @Test(arguments: [
        ("{\"a\": 1,}", "trailing comma", 1, 9),
        ("[1, 2,]", "trailing comma", 1, 7),
        ("{\"a\" 1}", "expected `:` after object key, found `1`", 1, 6),
        ("{\"名字\": x}", "expected a value, found `x`", 1, 8),
        ("\"abc", "unterminated string", 1, 1),
        ("\"a\\qb\"", "invalid escape `\\q`", 1, 3),
        ("\"\\ud800\"", "lone surrogate `\\uD800` in string", 1, 2),
        ("01", "number has leading zero", 1, 1),
        ("1.", "expected a digit after `.`", 1, 3),
        ("[1] 2", "unexpected `2` after the value", 1, 5),
        ("", "unexpected end of input", 1, 1),
        ("{\"a\":\n  tru}", "expected a value, found `t`", 2, 3),
        ("\"a\tb\"", "control character in string", 1, 3),
    ])
    func errorsSayWhatAndWhere(text: String, message: String, line: Int, column: Int) {
        guard case .failure(let error) = parse(text) else {
            Issue.record("\(text) parsed")
            return
        }
        #expect(error.message == message)
        #expect(error.line == line && error.column == column, "\(error.line):\(error.column)")
    }

    @Test func invalidUTF8AndNULBytesAreErrors() {
        guard case .failure(let bad) = JSONParser.parse([0x22, 0x61, 0xC3, 0x28, 0x22]) else { Issue.record(Comment(rawValue: "accepted bad UTF-8")); return }
        #expect(bad.message == "invalid UTF-8 byte 0x28 in string")
        guard case .failure(let nul) = JSONParser.parse([0x7B, 0x00, 0x7D]) else { Issue.record(Comment(rawValue: "accepted NUL")); return }
        #expect(nul.message.contains("NUL"))
        guard case .failure = JSONParser.parse([0x22, 0xED, 0xA0, 0x80, 0x22]) else { Issue.record(Comment(rawValue: "accepted an encoded surrogate")); return }
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let start = Date()
        guard case .failure(let error) = parse(String(repeating: "[", count: 100_000)) else { Issue.record(Comment(rawValue: "accepted")); return }
        #expect(error.message == "nesting deeper than 64 levels")
        #expect(Date().timeIntervalSince(start) < 5)
        #expect((try? parse(String(repeating: "[", count: 64) + String(repeating: "]", count: 64)).get()) != nil)
    }

    @Test func aBrokenRecordStillGivesItsID() {
        guard case .failure(let error) = parse("{\"id\": \"500230-7\", \"members\": [") else { Issue.record(Comment(rawValue: "accepted")); return }
        #expect(error.recordID == "500230-7")
    }

    @Test func duplicateKeysAreKeptForTheReaderToReport() throws {
        guard case .object(let object) = try parse("{\"a\": 1, \"b\": 2, \"a\": 3}").get() else { Issue.record("not an object"); return }
        #expect(object.duplicateKeys == ["a"])
        #expect(object["a"] == .number("1"))
    }
}

@Suite struct JSONLinesReaderTests {
    @Test(arguments: [1, 2, 3, 7, 1 << 20])
    func linesSurviveAnyChunkBoundary(chunk: Int) {
        let text = "\u{FEFF}{\"名\":\"张三\"}\r\n\r\n  \n[1]\n{\"b\":\"😀\"}"
        let items = lines(text, chunk: chunk)
        #expect(items.map(\.0) == [1, 4, 5])
        #expect(items.map(\.1) == ["{名:\"张三\"}", "[1]", "{b:\"😀\"}"])
    }

    @Test(arguments: [1, 5, 64])
    func linesFromAFileBehindAPeekAreTheSame(chunk: Int) throws {
        let text = "\u{FEFF}{\"名\":\"张三\"}\r\n\r\n  \n[1]\n{\"b\":\"😀\"}"
        let path = NSTemporaryDirectory() + "jsonlines-\(UUID().uuidString).jsonl"
        #expect(FileManager.default.createFile(atPath: path, contents: Data(text.utf8)))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let source = try PeekedByteSource(FileByteSource(path: path), peeking: 9)
        let items = JSONLinesReader(source: source, chunkSize: chunk).map { item in
            (item.line, (try? item.result.get()).map(describe) ?? "error")
        }
        #expect(items.map(\.0) == [1, 4, 5])
        #expect(items.map(\.1) == lines(text, chunk: chunk).map(\.1))
    }

    @Test func aBadLineDoesNotStopTheOthers() {
        let items = lines("{\"a\":1}\nnot json\n{\"b\":2}\n{\"c\":\n")
        #expect(items.count == 4)
        #expect(items[1].1.hasPrefix("error 2:1"))
        #expect(items[2].1 == "{b:2}")
        #expect(items[3].1.hasPrefix("error 4:6 unexpected end of input"))
    }

    @Test func anOverlongLineIsAnErrorAndTheNextLineIsRead() {
        let long = "{\"x\":\"" + String(repeating: "a", count: 20 << 20) + "\"}"
        let items = lines(long + "\n{\"after\":1}\n", chunk: 1 << 16)
        #expect(items.count == 2)
        #expect(items[0].1.contains("longer than"))
        #expect(items[1].0 == 2 && items[1].1 == "{after:1}")
    }

    @Test func emptyInputHasNoLines() {
        #expect(lines("").isEmpty)
        #expect(lines("\n\n").isEmpty)
        #expect(lines("\u{FEFF}").isEmpty)
    }
}

@Suite struct JSONArrayReaderTests {
    private func read(_ text: String, chunk: Int = 1 << 20) -> (items: [(Int, String)], problem: String?) {
        var reader = JSONArrayReader(source: MemoryByteSource(Array(text.utf8), chunkSize: chunk), chunkSize: chunk)
        var items: [(Int, String)] = []
        while let item = reader.next() {
            switch item.result {
            case .success(let value): items.append((item.line, describe(value)))
            case .failure(let error): items.append((item.line, "error \(error.line):\(error.column) \(error.message)"))
            }
        }
        return (items, reader.structureError?.message)
    }

    @Test(arguments: [1, 3, 1 << 20])
    func elementsComeOneByOneWithTheirLines(chunk: Int) {
        let (items, problem) = read("\u{FEFF}[\n  {\"a\": \"[,]\"},\n  {\"b\": [1, {\"c\": 2}]}\n]\n", chunk: chunk)
        #expect(problem == nil)
        #expect(items.map(\.0) == [2, 3])
        #expect(items.map(\.1) == ["{a:\"[,]\"}", "{b:[1,{c:2}]}"])
    }

    @Test func aBrokenElementDoesNotStopTheOthers() {
        let (items, problem) = read("[\n{\"a\": 1},\n{\"b\": tru},\n{\"c\": 3}\n]")
        #expect(problem == nil)
        #expect(items.count == 3)
        #expect(items[1].1 == "error 3:7 expected a value, found `t`")
        #expect(items[2].1 == "{c:3}")
    }

    @Test(arguments: [
        ("{\"a\": 1}", "the top level must be an array of records `[ {…}, {…} ]`"),
        ("[{\"a\": 1}", "the array is not closed with `]`: the input may be cut short"),
        ("[{\"a\": 1}] x", "unexpected text after the closing `]`"),
    ])
    func problemsOfTheWholeDocumentAreReported(text: String, message: String) {
        #expect(read(text).problem == message)
    }

    @Test func emptyArraysAndEmptyInputsHaveNoElements() {
        #expect(read("[]").items.isEmpty && read("[]").problem == nil)
        #expect(read("").items.isEmpty && read("").problem == nil)
    }
}
