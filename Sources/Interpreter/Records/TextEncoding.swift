/// The text encodings a record file may come in. Excel and WPS on Chinese
/// Windows save "CSV" in the ANSI code page (GBK, which GB18030 contains)
/// unless told to use UTF-8, so both must be read; anything else is refused.
public enum TextEncoding: String, Sendable, CaseIterable {
    case utf8
    case gb18030

    /// The encoding a user named on the command line, in any case; GBK, GB2312
    /// and code page 936 are read as GB18030, of which they are subsets.
    public init?(name: String) {
        let key = String(name.lowercased().filter { $0 != "-" && $0 != "_" && $0 != " " })
        switch key {
        case "utf8": self = .utf8
        case "gb18030", "gbk", "gb2312", "cp936", "windows936", "ms936": self = .gb18030
        default: return nil
        }
    }

    /// The conventional spelling, for messages.
    public var displayName: String {
        switch self {
        case .utf8: return "UTF-8"
        case .gb18030: return "GB18030"
        }
    }

    /// The name `iconv_open` knows the encoding by.
    var iconvName: String {
        switch self {
        case .utf8: return "UTF-8"
        case .gb18030: return "GB18030"
        }
    }

    /// A converter from this encoding to UTF-8, or nil for UTF-8 itself.
    func makeConverter() throws(ConversionError) -> IconvConverter? {
        guard self != .utf8 else { return nil }
        guard let converter = IconvConverter(from: iconvName, to: "UTF-8") else {
            throw .converterUnavailable(self)
        }
        return converter
    }

    // MARK: Decoding

    /// Decodes a whole buffer (a small file, one row's bytes) to a string,
    /// refusing invalid bytes instead of replacing them: a replaced character
    /// in a household record would be a silent change of data.
    public func decode(_ bytes: [UInt8]) throws(ConversionError) -> String {
        switch self {
        case .utf8:
            if let text = String(validating: bytes, as: UTF8.self) { return text }
            let offset = TextEncoding.firstInvalidUTF8Offset(in: bytes) ?? 0
            throw .invalidByte(byteAt(offset, in: bytes), offset: offset, encoding: self)
        case .gb18030:
            guard let converter = try makeConverter() else { return String(decoding: bytes, as: UTF8.self) }
            var output: [UInt8] = []
            output.reserveCapacity(bytes.count + bytes.count / 2)
            let (consumed, stop) = bytes.withUnsafeBufferPointer { converter.convert($0, appendingTo: &output) }
            guard stop == .finished else {
                throw .invalidByte(byteAt(consumed, in: bytes), offset: consumed, encoding: self)
            }
            return String(decoding: output, as: UTF8.self)
        }
    }

    /// Why text could not be decoded.
    public enum ConversionError: Error, Equatable, Sendable, CustomStringConvertible {
        /// `offset` is 0-based, in bytes from the start of the buffer.
        case invalidByte(UInt8, offset: Int, encoding: TextEncoding)
        /// The C library cannot convert this encoding (glibc without its gconv modules).
        case converterUnavailable(TextEncoding)

        public var description: String {
            switch self {
            case .invalidByte(let byte, let offset, let encoding):
                let hex = String(byte, radix: 16, uppercase: true)
                return "byte 0x\(byte < 0x10 ? "0" : "")\(hex) at offset \(offset) is not valid \(encoding.displayName)"
            case .converterUnavailable(let encoding):
                return "this system cannot convert \(encoding.displayName) text (iconv has no \(encoding.iconvName) converter)"
            }
        }
    }

    // MARK: Detection

    /// What the first bytes of a file look like, so that the command line can
    /// say "this file looks like GB18030; run again with --encoding gb18030"
    /// instead of reporting a bad byte in every row.
    public enum Detection: Equatable, Sendable {
        /// Valid UTF-8 (plain ASCII included).
        case utf8
        /// Not UTF-8, but every byte fits GB18030's lead/trail structure.
        case gb18030
        /// A UTF-16 byte-order mark: Excel's "Unicode text" export, which is
        /// not CSV at all (tab-separated UTF-16).
        case utf16
        /// Control bytes no text file has: not a spreadsheet export.
        case binary
        /// Text in neither encoding (for example Latin-1).
        case unknown
    }

    /// Classifies the first bytes of a file. A multi-byte sequence cut off at
    /// the end of `prefix` is accepted unless `isWholeFile` says nothing follows.
    public static func detect(_ prefix: [UInt8], isWholeFile: Bool = false) -> Detection {
        if prefix.count >= 2, (prefix[0] == 0xFF && prefix[1] == 0xFE) || (prefix[0] == 0xFE && prefix[1] == 0xFF) {
            return .utf16
        }
        if looksBinary(prefix) { return .binary }
        if let offset = firstInvalidUTF8Offset(in: prefix) {
            // Only a sequence cut by the end of the prefix is forgiven.
            let cutAtEnd = !isWholeFile && isTruncatedUTF8Tail(prefix, from: offset)
            if !cutAtEnd { return isPlausibleGB18030(prefix, isWholeFile: isWholeFile) ? .gb18030 : .unknown }
        }
        return .utf8
    }

    /// A spreadsheet or archive (xlsx, xls, zip, gzip, PDF), or bytes of
    /// which more than one in five are controls no text has (UTF-16 without
    /// a byte-order mark, an image). A stray NUL in a record is not enough:
    /// that record gets an error of its own, and the others are read.
    static func looksBinary(_ prefix: [UInt8]) -> Bool {
        let signatures: [[UInt8]] = [[0x50, 0x4B, 0x03, 0x04], [0xD0, 0xCF, 0x11, 0xE0], [0x25, 0x50, 0x44, 0x46], [0x1F, 0x8B]]
        if signatures.contains(where: { prefix.starts(with: $0) }) { return true }
        let controls = prefix.reduce(0) { $0 + (isBinaryControl($1) ? 1 : 0) }
        return controls >= 4 && controls * 5 >= prefix.count
    }

    /// Whether `bytes` follow GB18030's structure throughout: ASCII, or a lead
    /// byte 0x81–0xFE followed by a trail 0x40–0x7E or 0x80–0xFE, or a
    /// four-byte sequence lead, digit, 0x81–0xFE, digit whose first byte is in
    /// the assigned ranges (0x81–0x84 for the BMP, 0x90–0xE3 beyond it).
    public static func isPlausibleGB18030(_ bytes: [UInt8], isWholeFile: Bool = false) -> Bool {
        var index = 0
        let count = bytes.count
        while index < count {
            let lead = bytes[index]
            if lead < 0x80 { index += 1; continue }
            guard (0x81...0xFE).contains(lead) else { return false }
            guard index + 1 < count else { return !isWholeFile }
            let second = bytes[index + 1]
            if (0x40...0x7E).contains(second) || (0x80...0xFE).contains(second) {
                index += 2
                continue
            }
            guard (0x30...0x39).contains(second), (0x81...0x84).contains(lead) || (0x90...0xE3).contains(lead) else {
                return false
            }
            guard index + 2 < count else { return !isWholeFile }
            guard (0x81...0xFE).contains(bytes[index + 2]) else { return false }
            guard index + 3 < count else { return !isWholeFile }
            guard (0x30...0x39).contains(bytes[index + 3]) else { return false }
            index += 4
        }
        return true
    }

    /// The offset of the first byte that breaks UTF-8 (overlong forms and
    /// surrogates included), or nil for valid UTF-8. A sequence cut off by the
    /// end of `bytes` is reported at its first byte.
    static func firstInvalidUTF8Offset(in bytes: [UInt8]) -> Int? {
        var index = 0
        let count = bytes.count
        while index < count {
            let lead = bytes[index]
            guard let (length, secondRange) = utf8SequenceShape(lead) else { return index }
            if length == 1 { index += 1; continue }
            guard index + length <= count else { return index }
            guard secondRange.contains(bytes[index + 1]) else { return index }
            var next = index + 2
            while next < index + length {
                guard (0x80...0xBF).contains(bytes[next]) else { return index }
                next += 1
            }
            index += length
        }
        return nil
    }

    /// The length of a UTF-8 sequence starting with `lead` and the range its
    /// second byte must be in (narrower after E0, ED, F0, F4, which is how
    /// overlong forms, surrogates and code points past U+10FFFF are excluded);
    /// nil for a byte that cannot start a sequence.
    static func utf8SequenceShape(_ lead: UInt8) -> (length: Int, second: ClosedRange<UInt8>)? {
        switch lead {
        case 0x00...0x7F: return (1, 0x80...0xBF)
        case 0xC2...0xDF: return (2, 0x80...0xBF)
        case 0xE0: return (3, 0xA0...0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: return (3, 0x80...0xBF)
        case 0xED: return (3, 0x80...0x9F)
        case 0xF0: return (4, 0x90...0xBF)
        case 0xF1...0xF3: return (4, 0x80...0xBF)
        case 0xF4: return (4, 0x80...0x8F)
        default: return nil
        }
    }

    /// Whether the invalid sequence at `offset` is only a valid start cut off by
    /// the end of the buffer.
    private static func isTruncatedUTF8Tail(_ bytes: [UInt8], from offset: Int) -> Bool {
        guard offset < bytes.count, let (length, secondRange) = utf8SequenceShape(bytes[offset]),
              length > 1, offset + length > bytes.count else { return false }
        for index in (offset + 1)..<bytes.count {
            let range = index == offset + 1 ? secondRange : 0x80...0xBF
            guard range.contains(bytes[index]) else { return false }
        }
        return true
    }

    /// C0 controls other than tab, line feed, vertical tab, form feed, carriage
    /// return, the DOS end-of-file mark 0x1A and escape: text files hold none.
    private static func isBinaryControl(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1A, 0x1B: return false
        case 0x00...0x1F, 0x7F: return true
        default: return false
        }
    }
}

private func byteAt(_ offset: Int, in bytes: [UInt8]) -> UInt8 {
    bytes.indices.contains(offset) ? bytes[offset] : 0
}
