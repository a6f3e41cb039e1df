/// A strict JSON parser (RFC 8259) working on bytes. It validates UTF-8 as it
/// goes, keeps numbers as text, keeps duplicate keys, limits nesting, and
/// reports the first error with its position.
public struct JSONParser {
    private let bytes: UnsafeRawBufferPointer
    private let limits: JSONLimits
    private var index = 0
    private var depth = 0
    /// The top-level object's `id`, kept to name a record that fails to parse.
    private var topLevelID: String?

    struct Failure: Error {
        let message: String
        let offset: Int
    }

    /// Parses one JSON text. `line` and `column` of an error count from the
    /// start of `bytes`, offset by `firstLine` (for a line of a larger file).
    public static func parse(_ bytes: [UInt8], limits: JSONLimits = .default, firstLine: Int = 1, firstColumn: Int = 1) -> Result<JSONValue, JSONSyntaxError> {
        bytes.withUnsafeBytes { parse($0, limits: limits, firstLine: firstLine, firstColumn: firstColumn) }
    }

    public static func parse(_ buffer: UnsafeRawBufferPointer, limits: JSONLimits = .default,
                             firstLine: Int = 1, firstColumn: Int = 1) -> Result<JSONValue, JSONSyntaxError> {
        var parser = JSONParser(bytes: buffer, limits: limits)
        do throws(Failure) {
            parser.skipWhitespace()
            let value = try parser.parseValue()
            parser.skipWhitespace()
            if parser.index < buffer.count {
                throw Failure(message: "unexpected \(parser.describeByte(at: parser.index)) after the value", offset: parser.index)
            }
            return .success(value)
        } catch {
            var located = JSONParser.locate(error.message, at: error.offset, in: buffer, firstLine: firstLine, firstColumn: firstColumn)
            located.recordID = parser.topLevelID
            return .failure(located)
        }
    }

    /// The line and column (in characters) of a byte offset.
    static func locate(_ message: String, at offset: Int, in buffer: UnsafeRawBufferPointer,
                       firstLine: Int, firstColumn: Int = 1) -> JSONSyntaxError {
        var line = firstLine
        var column = firstColumn
        var position = 0
        let end = min(offset, buffer.count)
        while position < end {
            let byte = buffer[position]
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
            position += 1
        }
        return JSONSyntaxError(message: message, byteOffset: offset, line: line, column: column)
    }

    private init(bytes: UnsafeRawBufferPointer, limits: JSONLimits) {
        self.bytes = bytes
        self.limits = limits
    }

    // MARK: - Values

    private mutating func parseValue() throws(Failure) -> JSONValue {
        guard index < bytes.count else { throw Failure(message: "unexpected end of input", offset: index) }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectWord("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectWord("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw Failure(message: "expected a value, found \(describeByte(at: index))", offset: index)
        }
    }

    private mutating func enter() throws(Failure) {
        depth += 1
        if depth > limits.maxDepth {
            throw Failure(message: "nesting deeper than \(limits.maxDepth) levels", offset: index)
        }
    }

    private mutating func parseObject() throws(Failure) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        index += 1
        var members: [JSONObject.Member] = []
        skipWhitespace()
        if peek == UInt8(ascii: "}") {
            index += 1
            return .object(JSONObject(members: members))
        }
        while true {
            skipWhitespace()
            guard peek == UInt8(ascii: "\"") else {
                if peek == UInt8(ascii: "}") { throw Failure(message: "trailing comma", offset: index) }
                throw Failure(message: "expected a key in double quotes, found \(describeByte(at: index))", offset: index)
            }
            let key = try parseString()
            skipWhitespace()
            guard peek == UInt8(ascii: ":") else {
                throw Failure(message: "expected `:` after object key, found \(describeByte(at: index))", offset: index)
            }
            index += 1
            skipWhitespace()
            let value = try parseValue()
            if depth == 1, key == "id" {
                switch value {
                case .string(let text), .number(let text): topLevelID = text
                default: break
                }
            }
            members.append(JSONObject.Member(key: key, value: value))
            skipWhitespace()
            switch peek {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"):
                index += 1
                return .object(JSONObject(members: members))
            default:
                throw Failure(message: "expected `,` or `}` in object, found \(describeByte(at: index))", offset: index)
            }
        }
    }

    private mutating func parseArray() throws(Failure) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if peek == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            if peek == UInt8(ascii: "]") { throw Failure(message: "trailing comma", offset: index) }
            if elements.count == limits.maxListItems {
                throw Failure(message: "a list of more than \(limits.maxListItems) items", offset: index)
            }
            elements.append(try parseValue())
            skipWhitespace()
            switch peek {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"):
                index += 1
                return .array(elements)
            default:
                throw Failure(message: "expected `,` or `]` in array, found \(describeByte(at: index))", offset: index)
            }
        }
    }

    private mutating func expectWord(_ word: StaticString) throws(Failure) {
        let start = index
        let length = word.utf8CodeUnitCount
        let matches = word.withUTF8Buffer { expected -> Bool in
            guard start + length <= bytes.count else { return false }
            for offset in 0..<length where bytes[start + offset] != expected[offset] { return false }
            return true
        }
        guard matches else { throw Failure(message: "expected a value, found \(describeByte(at: start))", offset: start) }
        index += length
    }

    /// number = "-"? ("0" | [1-9][0-9]*) ("." [0-9]+)? ([eE] [+-]? [0-9]+)?
    private mutating func parseNumber() throws(Failure) -> String {
        let start = index
        if peek == UInt8(ascii: "-") { index += 1 }
        guard let first = peek, isDigit(first) else {
            throw Failure(message: "expected a digit, found \(describeByte(at: index))", offset: index)
        }
        if first == UInt8(ascii: "0") {
            index += 1
            if let next = peek, isDigit(next) { throw Failure(message: "number has leading zero", offset: start) }
        } else {
            skipDigits()
        }
        if peek == UInt8(ascii: ".") {
            index += 1
            guard let next = peek, isDigit(next) else { throw Failure(message: "expected a digit after `.`", offset: index) }
            skipDigits()
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            index += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
            guard let next = peek, isDigit(next) else { throw Failure(message: "expected a digit in the exponent", offset: index) }
            skipDigits()
        }
        if index - start > 400 { throw Failure(message: "number longer than 400 characters", offset: start) }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    }

    private mutating func skipDigits() {
        while let byte = peek, isDigit(byte) { index += 1 }
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    // MARK: - Strings

    /// Reads a string; the fast path copies a run of plain bytes in one go.
    private mutating func parseString() throws(Failure) -> String {
        let open = index
        index += 1
        let runStart = index
        // Fast path: no escapes.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                try checkLength(index - runStart, open)
                let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[runStart..<index]), as: UTF8.self)
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw Failure(message: "control character in string", offset: index) }
            if byte < 0x80 { index += 1 } else { try skipUTF8Sequence() }
        }
        guard index < bytes.count else { throw Failure(message: "unterminated string", offset: open) }
        // Slow path: decode escapes into a buffer.
        var decoded = [UInt8](UnsafeRawBufferPointer(rebasing: bytes[runStart..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                try checkLength(decoded.count, open)
                index += 1
                return String(decoding: decoded, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try decodeEscape(into: &decoded)
            case 0..<0x20:
                throw Failure(message: "control character in string", offset: index)
            case 0..<0x80:
                decoded.append(byte)
                index += 1
            default:
                let start = index
                try skipUTF8Sequence()
                decoded.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
            }
            if decoded.count > limits.maxStringBytes { try checkLength(decoded.count, open) }
        }
        throw Failure(message: "unterminated string", offset: open)
    }

    private func checkLength(_ count: Int, _ open: Int) throws(Failure) {
        if count > limits.maxStringBytes {
            throw Failure(message: "string longer than \(limits.maxStringBytes) bytes", offset: open)
        }
    }

    private mutating func decodeEscape(into decoded: inout [UInt8]) throws(Failure) {
        let start = index
        index += 1
        guard let byte = peek else { throw Failure(message: "unterminated string", offset: start) }
        index += 1
        switch byte {
        case UInt8(ascii: "\""): decoded.append(0x22)
        case UInt8(ascii: "\\"): decoded.append(0x5C)
        case UInt8(ascii: "/"): decoded.append(0x2F)
        case UInt8(ascii: "b"): decoded.append(0x08)
        case UInt8(ascii: "f"): decoded.append(0x0C)
        case UInt8(ascii: "n"): decoded.append(0x0A)
        case UInt8(ascii: "r"): decoded.append(0x0D)
        case UInt8(ascii: "t"): decoded.append(0x09)
        case UInt8(ascii: "u"):
            var code = try readHex(start)
            if (0xD800...0xDBFF).contains(code) {
                guard peek == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u") else {
                    throw Failure(message: "lone surrogate `\\u\(hex(code))` in string", offset: start)
                }
                index += 2
                let low = try readHex(start)
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw Failure(message: "lone surrogate `\\u\(hex(code))` in string", offset: start)
                }
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(code) {
                throw Failure(message: "lone surrogate `\\u\(hex(code))` in string", offset: start)
            }
            guard let scalar = Unicode.Scalar(code) else { throw Failure(message: "invalid escape in string", offset: start) }
            decoded.append(contentsOf: String(scalar).utf8)
        default:
            let shown = byte >= 0x20 && byte < 0x7F ? String(UnicodeScalar(byte)) : "0x" + hexByte(byte)
            throw Failure(message: "invalid escape `\\\(shown)`", offset: start)
        }
    }

    private mutating func readHex(_ escapeStart: Int) throws(Failure) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = peek else { throw Failure(message: "unterminated string", offset: escapeStart) }
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - 0x30)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - 0x61 + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - 0x41 + 10)
            default: throw Failure(message: "invalid `\\u` escape: expected four hex digits", offset: escapeStart)
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    /// Validates one multi-byte UTF-8 sequence at `index` (no overlong forms,
    /// no surrogates, nothing above U+10FFFF) and steps over it.
    private mutating func skipUTF8Sequence() throws(Failure) {
        let lead = bytes[index]
        let length: Int
        var lower: UInt8 = 0x80, upper: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; lower = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; upper = 0x9F
        case 0xF0: length = 4; lower = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; upper = 0x8F
        default: throw Failure(message: "invalid UTF-8 byte 0x\(hexByte(lead)) in string", offset: index)
        }
        guard index + length <= bytes.count else {
            throw Failure(message: "invalid UTF-8 byte 0x\(hexByte(lead)) in string", offset: index)
        }
        let second = bytes[index + 1]
        guard second >= lower && second <= upper else {
            throw Failure(message: "invalid UTF-8 byte 0x\(hexByte(second)) in string", offset: index + 1)
        }
        var offset = 2
        while offset < length {
            let next = bytes[index + offset]
            guard next & 0xC0 == 0x80 else {
                throw Failure(message: "invalid UTF-8 byte 0x\(hexByte(next)) in string", offset: index + offset)
            }
            offset += 1
        }
        index += length
    }

    // MARK: - Helpers

    private var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private func describeByte(at position: Int) -> String {
        guard position < bytes.count else { return "the end of the input" }
        let byte = bytes[position]
        switch byte {
        case 0: return "a NUL byte"
        case 0x21...0x7E: return "`\(String(UnicodeScalar(byte)))`"
        case 0x80...0xFF:
            // Show the character if the bytes there are valid UTF-8.
            var copy = self
            copy.index = position
            if (try? copy.skipUTF8Sequence()) != nil {
                let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[position..<copy.index]), as: UTF8.self)
                return "`\(text)`"
            }
            return "byte 0x\(hexByte(byte))"
        default: return "byte 0x\(hexByte(byte))"
        }
    }

    private func hexByte(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return digits.count == 1 ? "0" + digits : digits
    }

    private func hex(_ code: UInt32) -> String {
        let digits = String(code, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
