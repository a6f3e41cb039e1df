import Testing
@testable import Interpreter

/// `ByteBuffer` copies short pieces with overlapping words and long ones
/// with `memcpy`: every length, at every offset, across growth, must give
/// the bytes an array gives.
@Suite struct ByteBufferTests {
    @Test func appendingGivesTheBytesAnArrayGives() {
        var random = SplitMix64(seed: 9)
        let buffer = ByteBuffer(capacity: 16)
        var expected: [UInt8] = []
        for round in 0..<2000 {
            let length = round < 64 ? round : Int(random.next() % 70)
            let piece = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            if length == 1, round % 2 == 0 {
                buffer.append(piece[0])
            } else {
                piece.withUnsafeBufferPointer { buffer.append($0) }
            }
            expected.append(contentsOf: piece)
        }
        #expect(buffer.count == expected.count)
        #expect(buffer.array == expected)
        #expect(Array(buffer.slice(100..<200)) == Array(expected[100..<200]))
        buffer.removeAll()
        buffer.append("设 ok")
        #expect(buffer.array == Array("设 ok".utf8))
    }
}
