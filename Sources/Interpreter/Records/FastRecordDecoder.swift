import Foundation
/// Reads a line of JSON straight into a record of the schema, without a JSON
/// tree, for the common case: well-formed JSON, keys the schema knows, each
/// once, values of the right type, required fields given. On anything else
/// it gives nil, and the general path (`JSONParser` then `RecordDecoder`)
/// reads the line and says what is wrong, so results never depend on which
/// path read a record.
struct FastRecordDecoder: Sendable {
    let schema: Schema
    /// The schema as flat tables: reading a field touches no reference count.
    let tables: Tables
    /// Anything beyond these is left to the general reader, which says what is wrong.
    let limits: JSONLimits

    init(schema: Schema, limits: JSONLimits = .default, tables: Tables? = nil) {
        self.schema = schema
        self.tables = tables ?? Tables(schema)
        self.limits = limits
    }

    /// What a field holds, without references: a kind and the index it needs.
    /// Twelve bytes: read for every field of every record.
    struct FieldTable: Sendable {
        enum Kind: UInt8, Sendable { case text, bool, date, number, enumeration, record, unsupported }
        let kind: Kind
        /// For a list, the kind of its elements.
        let isList: Bool
        let isMoney: Bool
        let isInteger: Bool
        let nonEmpty: Bool
        /// The enumeration or record type, for those kinds.
        let index: Int32
        /// Where the field's bounds are in `Tables.bounds` (-1: none).
        let boundsIndex: Int32

        init(kind: Kind, isList: Bool, index: Int, isMoney: Bool, isInteger: Bool, nonEmpty: Bool, boundsIndex: Int32 = -1) {
            self.kind = kind
            self.isList = isList
            self.isMoney = isMoney
            self.isInteger = isInteger
            self.nonEmpty = nonEmpty
            self.index = Int32(index)
            self.boundsIndex = boundsIndex
        }
    }

    /// A record type's fields: their tables and names, and the required ones.
    /// Plain pointers into `Tables`' memory: copying one touches no reference count.
    struct RecordTable: @unchecked Sendable {
        /// The names of the fields, by slot, as bytes: a key is matched in the
        /// line itself, with no `String` made.
        let names: ByteNames
        let fields: UnsafeBufferPointer<FieldTable>
        let required: UnsafeBufferPointer<Int>
    }

    /// Names to match against bytes: the index of the name equal to them,
    /// found through a small open-addressed table of the names' lengths and
    /// end bytes, then checked byte for byte. Plain pointers into `Tables`' memory.
    struct ByteNames: @unchecked Sendable {
        let bytes: UnsafeBufferPointer<UInt8>
        /// Where each name begins in `bytes` (one more entry: the end).
        let offsets: UnsafeBufferPointer<Int32>
        /// Index of a name plus one by hash; 0 is empty.
        let buckets: UnsafeBufferPointer<Int32>
        /// Each name followed by `":`, as two words to compare with the line
        /// (for names of up to 14 bytes; longer ones have none).
        let keys: UnsafeBufferPointer<KeyPattern>

        /// The bytes `name":` as the line holds them after a key's opening
        /// quote: the first sixteen in two words, with masks for those that count.
        struct KeyPattern {
            var first: UInt64 = 0
            var second: UInt64 = 0
            var firstMask: UInt64 = 0
            var secondMask: UInt64 = 0
            /// How many bytes: the name's and two (0: the name is too long for a pattern).
            var length = 0

            init(_ name: [UInt8]) {
                let bytes = name + [0x22, 0x3A]
                guard bytes.count <= 16 else { return }
                length = bytes.count
                for (index, byte) in bytes.enumerated() {
                    let shift = UInt64(8 * (index % 8))
                    if index < 8 {
                        first |= UInt64(byte) << shift
                        firstMask |= 0xFF << shift
                    } else {
                        second |= UInt64(byte) << shift
                        secondMask |= 0xFF << shift
                    }
                }
            }
        }

        var count: Int { offsets.count - 1 }

        /// A hash of the length and of the first, middle and last bytes.
        @inline(__always)
        static func hash(_ bytes: UnsafeBufferPointer<UInt8>, _ mask: Int) -> Int {
            guard let first = bytes.first, let last = bytes.last else { return 0 }
            let middle = bytes[bytes.count / 2]
            let mixed = (UInt32(bytes.count) << 24 | UInt32(first) << 16 | UInt32(middle) << 8 | UInt32(last)) &* 0x9E37_79B1
            return Int(mixed >> 16) & mask
        }

        /// Whether name `index` is these bytes.
        @inline(__always)
        func matches(_ index: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
            let start = Int(offsets[index])
            guard Int(offsets[index + 1]) - start == key.count else { return false }
            guard var left = key.baseAddress, var right = bytes.baseAddress.map({ $0 + start }) else { return true }
            var remaining = key.count
            while remaining >= 8 {
                if UnsafeRawPointer(left).loadUnaligned(as: UInt64.self) != UnsafeRawPointer(right).loadUnaligned(as: UInt64.self) { return false }
                left += 8
                right += 8
                remaining -= 8
            }
            while remaining > 0 {
                if left.pointee != right.pointee { return false }
                left += 1
                right += 1
                remaining -= 1
            }
            return true
        }

        /// The length of name `index` when `line` holds it at `start`, followed by a quote.
        @inline(__always)
        func matches(_ index: Int, in line: UnsafeBufferPointer<UInt8>, at start: Int) -> Int? {
            let nameStart = Int(offsets[index])
            let length = Int(offsets[index + 1]) - nameStart
            guard start + length < line.count, line[start + length] == 0x22 else { return nil }
            // Eight bytes at a time; the names are followed by eight bytes of
            // padding, and the line is read past the name only where it goes on.
            guard start + length + 8 <= line.count, let lineBase = line.baseAddress, let nameBase = bytes.baseAddress else {
                return matches(index, UnsafeBufferPointer(rebasing: line[start..<(start + length)])) ? length : nil
            }
            let left = UnsafeRawPointer(lineBase + start), right = UnsafeRawPointer(nameBase + nameStart)
            var offset = 0
            while offset + 8 <= length {
                if left.loadUnaligned(fromByteOffset: offset, as: UInt64.self) != right.loadUnaligned(fromByteOffset: offset, as: UInt64.self) {
                    return nil
                }
                offset += 8
            }
            let rest = length - offset
            if rest > 0 {
                let mask = UInt64.max >> (64 - 8 * rest)
                let difference = left.loadUnaligned(fromByteOffset: offset, as: UInt64.self) ^ right.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                if difference & mask != 0 { return nil }
            }
            return length
        }

        /// How many bytes `name":` takes when `line` holds it at `start`, for
        /// name `index` (nil: it does not, or the pattern cannot say, and
        /// the key is read the longer way). Two words compared, whatever the name.
        @inline(__always)
        func keyAndColon(_ index: Int, in line: UnsafeBufferPointer<UInt8>, at start: Int) -> Int? {
            let key = keys[index]
            guard key.length > 0, start + 16 <= line.count, let base = line.baseAddress else { return nil }
            let raw = UnsafeRawPointer(base + start)
            let first = raw.loadUnaligned(as: UInt64.self), second = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            guard (first ^ key.first) & key.firstMask == 0, (second ^ key.second) & key.secondMask == 0 else { return nil }
            return key.length
        }

        /// `index(of:)` for the `length` bytes of `line` from `start`, followed
        /// by a quote: the names are compared eight bytes at a time in the line.
        @inline(__always)
        func index(in line: UnsafeBufferPointer<UInt8>, at start: Int, length: Int) -> Int? {
            find(UnsafeBufferPointer(rebasing: line[start..<(start + length)])) { matches($0, in: line, at: start) == length }
        }

        func index(of key: UnsafeBufferPointer<UInt8>) -> Int? {
            find(key) { matches($0, key) }
        }

        /// The name that `isKey` accepts among those of the key's hash, probed in turn.
        @inline(__always)
        private func find(_ key: UnsafeBufferPointer<UInt8>, _ isKey: (Int) -> Bool) -> Int? {
            let mask = buckets.count - 1
            var bucket = ByteNames.hash(key, mask)
            while true {
                let entry = Int(buckets[bucket])
                if entry == 0 { return nil }
                if isKey(entry - 1) { return entry - 1 }
                bucket = (bucket + 1) & mask
            }
        }
    }

    /// The schema as flat tables, allocated once and kept for the decoder's life.
    final class Tables: @unchecked Sendable {
        let records: UnsafeBufferPointer<RecordTable>
        /// Member names of each enumeration (labels and aliases are left to the general path).
        let members: UnsafeBufferPointer<ByteNames>
        let root: Int
        let idSlot: Int?
        /// Where each record type's guesses begin in a reader's `predictions`
        /// (one per field and one for the record's start), and how many there are.
        let predictionBase: UnsafeBufferPointer<Int>
        let predictionCount: Int
        /// The bounds of number fields that have them.
        let bounds: UnsafeBufferPointer<ClosedRange<Rational>>
        private let frozen: FrozenArrays

        init(_ schema: Schema) {
            var bounds: [ClosedRange<Rational>] = []
            func table(_ field: Field, _ type: ValueType, isList: Bool) -> FieldTable {
                switch type {
                case .text: return FieldTable(kind: .text, isList: isList, index: 0, isMoney: false, isInteger: false, nonEmpty: field.nonEmpty)
                case .bool: return FieldTable(kind: .bool, isList: isList, index: 0, isMoney: false, isInteger: false, nonEmpty: field.nonEmpty)
                case .date: return FieldTable(kind: .date, isList: isList, index: 0, isMoney: false, isInteger: false, nonEmpty: field.nonEmpty)
                case .number(let unit):
                    var boundsIndex: Int32 = -1
                    if let range = field.bounds {
                        boundsIndex = Int32(bounds.count)
                        bounds.append(range)
                    }
                    return FieldTable(kind: .number, isList: isList, index: 0, isMoney: unit.isMoney, isInteger: field.isInteger,
                                      nonEmpty: field.nonEmpty, boundsIndex: boundsIndex)
                case .enumeration(let index):
                    return FieldTable(kind: .enumeration, isList: isList, index: index, isMoney: false, isInteger: false, nonEmpty: field.nonEmpty)
                case .record(let index):
                    return FieldTable(kind: .record, isList: isList, index: index, isMoney: false, isInteger: false, nonEmpty: field.nonEmpty)
                case .list(let element) where !isList:
                    return table(field, element, isList: true)
                case .list, .duration, .error:
                    return FieldTable(kind: .unsupported, isList: isList, index: 0, isMoney: false, isInteger: false, nonEmpty: false)
                }
            }
            var frozen = FrozenArrays()
            func keep<T>(_ array: [T]) -> UnsafeBufferPointer<T> { frozen.keep(array) }
            func names(_ list: [String]) -> ByteNames {
                var bytes: [UInt8] = []
                var offsets: [Int32] = [0]
                for name in list {
                    bytes.append(contentsOf: name.utf8)
                    offsets.append(Int32(bytes.count))
                }
                // Room to read eight bytes from the start of any name.
                bytes.append(contentsOf: [UInt8](repeating: 0, count: 8))
                var size = 8
                while size < list.count * 4 { size *= 2 }
                var buckets = [Int32](repeating: 0, count: size)
                for (index, name) in list.enumerated() {
                    let utf8 = Array(name.utf8)
                    var bucket = utf8.withUnsafeBufferPointer { ByteNames.hash($0, size - 1) }
                    while buckets[bucket] != 0 { bucket = (bucket + 1) & (size - 1) }
                    buckets[bucket] = Int32(index + 1)
                }
                return ByteNames(bytes: keep(bytes), offsets: keep(offsets), buckets: keep(buckets),
                                 keys: keep(list.map { ByteNames.KeyPattern(Array($0.utf8)) }))
            }
            // Slots are the positions of the fields (`Schema` numbers them so).
            records = keep(schema.records.map { record in
                RecordTable(names: names(record.fields.map(\.name)), fields: keep(record.fields.map { table($0, $0.type, isList: false) }),
                            required: keep(record.fields.filter(\.required).map(\.slot)))
            })
            members = keep(schema.enumerations.map { names($0.members.map(\.name)) })
            var bases: [Int] = []
            var predictions = 0
            for record in schema.records {
                bases.append(predictions)
                predictions += record.fields.count + 1
            }
            predictionBase = keep(bases)
            self.bounds = keep(bounds)
            predictionCount = predictions
            root = schema.root
            idSlot = schema.rootRecord.fields.first { $0.name == "id" && $0.type == .text }?.slot
            self.frozen = frozen
        }

        deinit { frozen.free() }
    }

    /// The record and its `id`, or nil to let the general path read the line.
    func decode(_ bytes: [UInt8]) -> (record: RecordValue, id: String?)? {
        let tables = self.tables
        return bytes.withUnsafeBufferPointer { buffer -> (record: RecordValue, id: String?)? in
            var reader = Reader(bytes: buffer, tables: tables, limits: limits)
            reader.skipSpace()
            guard case .record(let record)? = reader.record(tables.root) else { return nil }
            reader.skipSpace()
            guard reader.position == buffer.count else { return nil }
            var id: String?
            if let slot = tables.idSlot, case .text(let text) = record[slot] { id = text }
            return (record, id)
        }
    }

    struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        /// The decoder holds the tables for longer than any reader.
        unowned(unsafe) let tables: Tables
        let limits: JSONLimits
        var position = 0
        /// The key that followed each key last time (-1: none yet), by
        /// `Tables.predictionBase`: records of one export list their keys in
        /// one order, so the guess is nearly always right and a key is
        /// matched by one comparison. Nil: no guessing.
        var predictions: UnsafeMutablePointer<Int32>? = nil
        /// Which fields each record keeps, when reading into slots (`SlotDecoder.swift`).
        var layout: SlotLayout? = nil

        var current: UInt8? { position < bytes.count ? bytes[position] : nil }

        @inline(__always)
        mutating func skipSpace() {
            // Most tokens follow the last with no space at all.
            guard position < bytes.count, bytes[position] <= 0x20 else { return }
            while position < bytes.count, bytes[position] == 0x20 || bytes[position] == 0x09 || bytes[position] == 0x0D || bytes[position] == 0x0A {
                position += 1
            }
        }

        /// Where, from `start`, the first quote, backslash or control character is
        /// (or the end), and whether a byte before it is beyond ASCII. Eight bytes
        /// at a time.
        @inline(__always)
        func stringEnd(from start: Int) -> (end: Int, ascii: Bool) {
            var index = start
            var high: UInt64 = 0
            let base = UnsafeRawPointer(bytes.baseAddress!)
            while index + 8 <= bytes.count {
                let word = base.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
                let quote = word ^ (ones &* 0x22), backslash = word ^ (ones &* 0x5C)
                // A byte is flagged when it is zero after the xor (quote, backslash) or below 0x20.
                let special = ((quote &- ones) & ~quote | (backslash &- ones) & ~backslash | (word &- ones &* 0x20) & ~word) & highs
                if special != 0 {
                    let offset = special.trailingZeroBitCount / 8
                    // Bytes beyond ASCII before the special one.
                    let before = offset == 0 ? 0 : word & (UInt64.max >> (64 - 8 * offset))
                    high |= before & highs
                    return (index + offset, high == 0)
                }
                high |= word & highs
                index += 8
            }
            while index < bytes.count {
                let byte = bytes[index]
                if byte == 0x22 || byte == 0x5C || byte < 0x20 { break }
                if byte >= 0x80 { high = 1 }
                index += 1
            }
            return (index, high == 0)
        }

        @inline(__always)
        mutating func consume(_ byte: UInt8) -> Bool {
            skipSpace()
            guard current == byte else { return false }
            position += 1
            return true
        }

        /// The bytes of a string without escapes or control characters, not
        /// checked as UTF-8 (for matching against known names, which are).
        mutating func rawString() -> UnsafeBufferPointer<UInt8>? {
            guard consume(0x22) else { return nil }
            let start = position
            let (end, _) = stringEnd(from: start)
            guard end < bytes.count, bytes[end] == 0x22, end - start < limits.maxStringBytes else { return nil }
            position = end + 1
            return UnsafeBufferPointer(rebasing: bytes[start..<end])
        }

        /// A string without escapes or control characters, as valid UTF-8.
        mutating func string() -> String? {
            guard consume(0x22) else { return nil }
            let start = position
            var ascii = true
            while position < bytes.count {
                let byte = bytes[position]
                if byte == 0x22 {
                    let slice = UnsafeBufferPointer(rebasing: bytes[start..<position])
                    position += 1
                    if ascii { return String(decoding: slice, as: UTF8.self) }
                    return String(validating: slice, as: UTF8.self)
                }
                // Escapes, control characters and strings the JSON reader would refuse as too long.
                if byte == 0x5C || byte < 0x20 || position - start >= limits.maxStringBytes { return nil }
                if byte >= 0x80 { ascii = false }
                position += 1
            }
            return nil
        }

        /// A number as JSON writes it, without an exponent: `-12.50`.
        mutating func numberBytes() -> UnsafeBufferPointer<UInt8>? {
            skipSpace()
            let start = position
            if current == 0x2D { position += 1 }
            let digitsStart = position
            while let byte = current, byte >= 0x30, byte <= 0x39 { position += 1 }
            let integerDigits = position - digitsStart
            guard integerDigits > 0, !(integerDigits > 1 && bytes[digitsStart] == 0x30) else { return nil }
            if current == 0x2E {
                position += 1
                let fractionStart = position
                while let byte = current, byte >= 0x30, byte <= 0x39 { position += 1 }
                guard position > fractionStart else { return nil }
            }
            if let byte = current, byte == 0x65 || byte == 0x45 { return nil }
            return UnsafeBufferPointer(rebasing: bytes[start..<position])
        }

        /// A number of at most 15 digits and 2 decimals (`30310`, `-12.5`,
        /// `12296.50`), read and checked in one pass, with the decimals
        /// written; nil (and nothing read) for any other, which
        /// `numberBytes` and `Rational.parsePlainDecimal` read.
        @inline(__always)
        mutating func shortNumber() -> (Rational, places: Int)? {
            skipSpace()
            var index = position
            let negative = index < bytes.count && bytes[index] == 0x2D
            if negative { index += 1 }
            var whole: Int64 = 0
            /// Reads a run of digits into `whole` (wrapping past 18 digits, which are refused after); how many.
            func digitRun() -> Int {
                let start = index
                while index < bytes.count, bytes[index] &- 0x30 < 10 {
                    whole = whole &* 10 &+ Int64(bytes[index] &- 0x30)
                    index += 1
                }
                return index - start
            }
            let digitsStart = index
            let digits = digitRun()
            guard digits > 0, digits <= 15, !(digits > 1 && bytes[digitsStart] == 0x30) else { return nil }
            var places = 0
            if index < bytes.count, bytes[index] == 0x2E {
                index += 1
                places = digitRun()
                guard places >= 1, places <= 2, digits + places <= 15 else { return nil }
            }
            if index < bytes.count, bytes[index] == 0x65 || bytes[index] == 0x45 { return nil }
            position = index
            if negative { whole = -whole }
            switch places {
            case 1: return (Rational(numerator: whole, denominator: 10) ?? .zero, 1)
            case 2: return (Rational(numerator: whole, denominator: 100) ?? .zero, 2)
            default: return (Rational(whole), 0)
            }
        }

        /// `null`, `true` or `false` (four or five bytes), compared as two words that overlap.
        @inline(__always)
        mutating func literal(_ word: StaticString) -> Bool {
            skipSpace()
            guard position < bytes.count, bytes[position] == word.utf8Start[0] else { return false }
            let count = word.utf8CodeUnitCount
            guard position + count <= bytes.count, let base = bytes.baseAddress else { return false }
            let line = UnsafeRawPointer(base + position), literal = UnsafeRawPointer(word.utf8Start)
            guard line.loadUnaligned(as: UInt32.self) == literal.loadUnaligned(as: UInt32.self),
                  line.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self) == literal.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
            else { return false }
            position += count
            return true
        }

        mutating func record(_ type: Int) -> Value? {
            let table = tables.records[type]
            guard consume(0x7B) else { return nil }
            var fields = [Value](repeating: .absent, count: table.fields.count)
            var seen = [Bool](repeating: false, count: table.fields.count)
            skipSpace()
            if current == 0x7D {
                position += 1
            } else {
                while true {
                    guard let key = rawString(), let slot = table.names.index(of: key), !seen[slot], consume(0x3A) else { return nil }
                    seen[slot] = true
                    let field = table.fields[slot]
                    guard let value = field.isList ? list(field) : value(field) else { return nil }
                    fields[slot] = value
                    if consume(0x2C) { continue }
                    guard consume(0x7D) else { return nil }
                    break
                }
            }
            for slot in table.required where fields[slot].isUnknown { return nil }
            return .record(RecordValue(fields: fields))
        }

        mutating func list(_ field: FieldTable) -> Value? {
            if literal("null") { return .absent }
            guard consume(0x5B) else { return nil }
            var items: [Value] = []
            skipSpace()
            if current == 0x5D {
                position += 1
            } else {
                while true {
                    guard items.count < limits.maxListItems, let item = value(field) else { return nil }
                    items.append(item)
                    if consume(0x2C) { continue }
                    guard consume(0x5D) else { return nil }
                    break
                }
            }
            if field.nonEmpty, items.isEmpty { return nil }
            return .list(items)
        }

        /// One value of a field's kind (an element, for a list).
        mutating func value(_ field: FieldTable) -> Value? {
            if literal("null") { return .absent }
            switch field.kind {
            case .text: return string().map { .text($0) }
            case .record: return record(Int(field.index))
            case .unsupported: return nil
            case .bool, .date, .number, .enumeration:
                switch scalar(field) {
                case .bool(let truth)?: return .bool(truth)
                case .date(let date)?: return .date(date)
                case .number(let number)?: return .number(number)
                case .enumeration(let member)?: return .enumeration(member)
                default: return nil
                }
            }
        }

        /// A value of a field of kind bool, date, number or enumeration.
        mutating func scalar(_ field: FieldTable) -> SlotValue? {
            switch field.kind {
            case .bool: return truthValue().map { .bool($0) }
            case .date: return dateValue().map { .date($0) }
            case .number: return numberValue(field).map { .number($0) }
            case .enumeration: return memberValue(field).map { .enumeration($0) }
            case .text, .record, .unsupported: return nil
            }
        }

        /// `true` or `false`.
        @inline(__always)
        mutating func truthValue() -> Bool? {
            if literal("true") { return true }
            if literal("false") { return false }
            return nil
        }

        /// A date, as a string.
        @inline(__always)
        mutating func dateValue() -> CivilDate? {
            // Nearly always ten bytes between quotes, read where they are;
            // anything else is read as a string first, with the same answer.
            skipSpace()
            if position + 12 <= bytes.count, bytes[position] == 0x22, bytes[position + 11] == 0x22, let base = bytes.baseAddress,
               let date = CivilDate.parse(utf8: UnsafeBufferPointer(start: base + position + 1, count: 10)) {
                position += 12
                return date
            }
            guard let text = rawString(), let date = CivilDate.parse(utf8: text) else { return nil }
            return date
        }

        /// A number the field takes.
        @inline(__always)
        mutating func numberValue(_ field: FieldTable) -> Rational? {
            // A value the field refuses (too many decimals for money, not
            // whole, out of bounds) is left to the general path, which says so.
            func checked(_ value: Rational, places: Int) -> Rational? {
                if field.isMoney, places > 2 { return nil }
                if field.isInteger, !value.isInteger { return nil }
                if field.boundsIndex >= 0, !tables.bounds[Int(field.boundsIndex)].contains(value) { return nil }
                return value
            }
            if let (value, places) = shortNumber() { return checked(value, places: places) }
            // Longer numbers are read from their bytes; one too long for that is left to the general path.
            guard let text = numberBytes(), let parsed = Rational.parsePlainDecimal(utf8: text) else { return nil }
            return checked(parsed.value, places: parsed.decimalPlaces)
        }

        /// A member of the field's enumeration, by its name.
        @inline(__always)
        mutating func memberValue(_ field: FieldTable) -> Int? {
            let members = tables.members[Int(field.index)]
            if members.count <= 8 {
                // Few members: each is tried where the string begins, with no search for its end.
                skipSpace()
                guard position < bytes.count, bytes[position] == 0x22 else { return nil }
                for member in 0..<members.count {
                    if let length = members.matches(member, in: bytes, at: position + 1) {
                        position += length + 2
                        return member
                    }
                }
                return nil
            }
            // More: the string's end is found, then the member by its hash.
            skipSpace()
            guard position < bytes.count, bytes[position] == 0x22 else { return nil }
            let start = position + 1
            let (end, _) = stringEnd(from: start)
            guard end < bytes.count, bytes[end] == 0x22, let member = members.index(in: bytes, at: start, length: end - start) else { return nil }
            position = end + 1
            return member
        }
    }
}
