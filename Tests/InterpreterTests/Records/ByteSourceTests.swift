import Foundation
import Testing
@testable import Interpreter

private func readEverything(_ source: inout some ByteSource, maxCount: Int) throws -> [UInt8] {
    var bytes: [UInt8] = []
    for _ in 0..<100_000 {
        let before = bytes.count
        let count = try source.read(into: &bytes, maxCount: maxCount)
        #expect(bytes.count - before == count)
        #expect(count <= maxCount)
        if count == 0 { break }
    }
    return bytes
}

/// Everything `source` gives through `read(into:)` with room for `room` bytes at a time.
private func readIntoMemory(_ source: inout some ByteSource, room: Int) throws -> [UInt8] {
    var bytes: [UInt8] = []
    var target = [UInt8](repeating: 0xEE, count: room + 4)
    for _ in 0..<100_000 {
        let count = try target.withUnsafeMutableBytes { try source.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[..<room])) }
        #expect(count <= room)
        // Nothing is written beyond the room given.
        #expect(target[room...].allSatisfy { $0 == 0xEE })
        if count == 0 { break }
        bytes += target[..<count]
    }
    return bytes
}

@Suite struct ByteSourceTests {
    @Test(arguments: [1, 3, 4096])
    func everySourceReadsIntoMemoryAsIntoAnArray(room: Int) throws {
        let text = "户编码,姓名\n500230-0,陈欣怡\n" + String(repeating: "a", count: 5000)
        let bytes = Array(text.utf8)
        var memory = MemoryByteSource(bytes, chunkSize: 7)
        #expect(try readIntoMemory(&memory, room: room) == bytes)
        var peeked = try PeekedByteSource(MemoryByteSource(bytes, chunkSize: 5), peeking: 11)
        #expect(try readIntoMemory(&peeked, room: room) == bytes)
        var utf8 = try TranscodingByteSource(MemoryByteSource(bytes, chunkSize: 5), from: .utf8)
        #expect(try readIntoMemory(&utf8, room: room) == bytes)
        let gb18030: [UInt8] = [0xBB, 0xA7, 0xB1, 0xE0, 0xC2, 0xEB, 0x0A, 0xD5, 0xC5, 0xC8, 0xFD, 0x0A] // 户编码 张三
        var converted = try TranscodingByteSource(MemoryByteSource(gb18030, chunkSize: 5), from: .gb18030)
        #expect(try readIntoMemory(&converted, room: room) == Array("户编码\n张三\n".utf8))
        let path = NSTemporaryDirectory() + "bytesource-\(UUID().uuidString).jsonl"
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var file = try FileByteSource(path: path)
        #expect(try readIntoMemory(&file, room: room) == bytes)
    }

    @Test(arguments: [1, 2, 5, 1 << 20])
    func memorySourceHandsOutChunks(chunkSize: Int) throws {
        let bytes = Array("户编码,姓名\n".utf8)
        var source = MemoryByteSource(bytes, chunkSize: chunkSize)
        #expect(try readEverything(&source, maxCount: 4) == bytes)
        var empty = [UInt8]()
        #expect(try source.read(into: &empty, maxCount: 4) == 0)
    }

    @Test func memorySourceAppendsAfterExistingBytes() throws {
        var source = MemoryByteSource([3, 4])
        var buffer: [UInt8] = [1, 2]
        #expect(try source.read(into: &buffer, maxCount: 10) == 2)
        #expect(buffer == [1, 2, 3, 4])
    }

    @Test func fileSourceReadsAFile() throws {
        let path = NSTemporaryDirectory() + "bytesource-\(UUID().uuidString).csv"
        let bytes = [UInt8](repeating: 0x61, count: 3000) + Array("\n户编码".utf8)
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var source = try FileByteSource(path: path)
        #expect(try readEverything(&source, maxCount: 1024) == bytes)
        // Copies share the descriptor, which is closed once, when the last goes.
        let copy = source
        _ = copy
    }

    @Test func fileSourceReportsAMissingFile() {
        #expect(throws: ByteSourceError.fileNotFound(path: "/nonexistent/户.csv")) {
            try FileByteSource(path: "/nonexistent/户.csv")
        }
        #expect(ByteSourceError.fileNotFound(path: "a.csv").description == "cannot read `a.csv`: no such file")
    }

    @Test func fileSourceReportsADirectory() {
        let path = NSTemporaryDirectory()
        #expect(throws: ByteSourceError.isDirectory(path: path)) { try FileByteSource(path: path) }
        #expect(ByteSourceError.isDirectory(path: "d").description == "cannot read `d`: it is a directory, not a file")
    }

    @Test func dashIsStandardInput() throws {
        let source = try FileByteSource(path: "-")
        #expect(source.path == "-")
    }

    @Test(arguments: [0, 1, 3, 4, 100])
    func peekedSourceHandsOutTheWholeInput(count: Int) throws {
        let bytes = Array("户编码\n1\n".utf8)
        var source = try PeekedByteSource(MemoryByteSource(bytes, chunkSize: 2), peeking: count)
        #expect(source.prefix == Array(bytes.prefix(count)))
        #expect(source.prefixIsWholeInput == (count > bytes.count))
        #expect(try readEverything(&source, maxCount: 3) == bytes)
    }

    @Test func peekThenDetectThenRead() throws {
        // What the command line does: look at the start, pick the reader, read from the start.
        let gb18030: [UInt8] = [0xBB, 0xA7, 0xB1, 0xE0, 0xC2, 0xEB, 0x0A, 0xD5, 0xC5, 0xC8, 0xFD, 0x0A] // 户编码 张三
        let peeked = try PeekedByteSource(MemoryByteSource(gb18030, chunkSize: 5), peeking: 8)
        #expect(TextEncoding.detect(peeked.prefix, isWholeFile: peeked.prefixIsWholeInput) == .gb18030)
        let cells = try CSVReader(source: peeked, encoding: .gb18030).map { try $0.result.get() }
        #expect(cells == [["户编码"], ["张三"]])
    }

    @Test func readerReadsAFile() throws {
        let path = NSTemporaryDirectory() + "bytesource-\(UUID().uuidString).csv"
        #expect(FileManager.default.createFile(atPath: path, contents: Data("\u{FEFF}a,b\r\n\"1\r\n2\",3\r\n".utf8)))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let rows = CSVReader(source: try FileByteSource(path: path), chunkSize: 3).map { ($0.line, try? $0.result.get()) }
        #expect(rows.map(\.0) == [1, 2])
        #expect(rows.map(\.1) == [["a", "b"], ["1\r\n2", "3"]])
    }
}
