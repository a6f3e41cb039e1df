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

    init(schema: Schema, limits: JSONLimits = .default) {
        self.schema = schema
        self.tables = Tables(schema)
        self.limits = limits
    }

    /// What a field holds, without references: a kind and the index it needs.
    struct FieldTable: Sendable {
        enum Kind: UInt8, Sendable { case text, bool, date, number, enumeration, record, unsupported }
        let kind: Kind
        /// For a list, the kind of its elements.
        let isList: Bool
        /// The enumeration or record type, for those kinds.
        let index: Int
        let isMoney: Bool
        let isInteger: Bool
        let nonEmpty: Bool
        let bounds: ClosedRange<Rational>?
    }

    final class RecordTable: Sendable {
        /// The names of the fields, by slot, as bytes: a key is matched in the
        /// line itself, with no `String` made and no hashing.
        let names: ByteNames
        let fields: [FieldTable]
        let required: [Int]

        init(names: [String], fields: [FieldTable], required: [Int]) {
            self.names = ByteNames(names)
            self.fields = fields
            self.required = required
        }
    }

    /// Names to match against bytes: the index of the first name equal to
    /// them. A table holds a few dozen names at most, so a scan that
    /// compares lengths first is quicker than making a string to hash.
    struct ByteNames: Sendable {
        let names: [[UInt8]]

        init(_ names: [String]) { self.names = names.map { Array($0.utf8) } }

        func index(of bytes: UnsafeBufferPointer<UInt8>) -> Int? {
            for (index, name) in names.enumerated() where name.count == bytes.count {
                let equal = name.withUnsafeBufferPointer { candidate in
                    candidate.isEmpty || memcmp(candidate.baseAddress!, bytes.baseAddress!, candidate.count) == 0
                }
                if equal { return index }
            }
            return nil
        }
    }

    final class Tables: Sendable {
        let records: [RecordTable]
        /// Member names of each enumeration (labels and aliases are left to the general path).
        let members: [ByteNames]
        let root: Int
        let idSlot: Int?

        init(_ schema: Schema) {
            func table(_ field: Field, _ type: ValueType, isList: Bool) -> FieldTable {
                switch type {
                case .text: return FieldTable(kind: .text, isList: isList, index: 0, isMoney: false, isInteger: false, nonEmpty: field.nonEmpty, bounds: nil)
                case .bool: return FieldTable(kind: .bool, isList: isList, index: 0, isMoney: false, isInteger: false, nonEmpty: field.nonEmpty, bounds: nil)
                case .date: return FieldTable(kind: .date, isList: isList, index: 0, isMoney: false, isInteger: false, nonEmpty: field.nonEmpty, bounds: nil)
                case .number(let unit):
                    return FieldTable(kind: .number, isList: isList, index: 0, isMoney: unit.isMoney, isInteger: field.isInteger,
                                      nonEmpty: field.nonEmpty, bounds: field.bounds)
                case .enumeration(let index):
                    return FieldTable(kind: .enumeration, isList: isList, index: index, isMoney: false, isInteger: false, nonEmpty: field.nonEmpty, bounds: nil)
                case .record(let index):
                    return FieldTable(kind: .record, isList: isList, index: index, isMoney: false, isInteger: false, nonEmpty: field.nonEmpty, bounds: nil)
                case .list(let element) where !isList:
                    return table(field, element, isList: true)
                case .list, .duration, .error:
                    return FieldTable(kind: .unsupported, isList: isList, index: 0, isMoney: false, isInteger: false, nonEmpty: false, bounds: nil)
                }
            }
            records = schema.records.map { record in
                // Slots are the positions of the fields (`Schema` numbers them so).
                RecordTable(names: record.fields.map(\.name), fields: record.fields.map { table($0, $0.type, isList: false) },
                            required: record.fields.filter(\.required).map(\.slot))
            }
            members = schema.enumerations.map { ByteNames($0.members.map(\.name)) }
            root = schema.root
            idSlot = schema.rootRecord.fields.first { $0.name == "id" && $0.type == .text }?.slot
        }
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
        let tables: Tables
        let limits: JSONLimits
        var position = 0

        var current: UInt8? { position < bytes.count ? bytes[position] : nil }

        mutating func skipSpace() {
            while position < bytes.count, bytes[position] == 0x20 || bytes[position] == 0x09 || bytes[position] == 0x0D || bytes[position] == 0x0A {
                position += 1
            }
        }

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
            while position < bytes.count {
                let byte = bytes[position]
                if byte == 0x22 {
                    position += 1
                    return UnsafeBufferPointer(rebasing: bytes[start..<(position - 1)])
                }
                if byte == 0x5C || byte < 0x20 || position - start >= limits.maxStringBytes { return nil }
                position += 1
            }
            return nil
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

        mutating func literal(_ word: StaticString) -> Bool {
            skipSpace()
            let count = word.utf8CodeUnitCount
            guard position + count <= bytes.count else { return false }
            for index in 0..<count where bytes[position + index] != word.utf8Start[index] { return false }
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
            case .record: return record(field.index)
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
            case .bool:
                if literal("true") { return .bool(true) }
                if literal("false") { return .bool(false) }
                return nil
            case .date:
                guard let text = rawString(), let date = CivilDate.parse(utf8: text) else { return nil }
                return .date(date)
            case .number:
                // Read from the bytes; a number too long for that is left to the general path.
                guard let text = numberBytes(), let parsed = Rational.parsePlainDecimal(utf8: text) else { return nil }
                if field.isMoney, parsed.decimalPlaces > 2 { return nil }
                if field.isInteger, !parsed.value.isInteger { return nil }
                if let bounds = field.bounds, !bounds.contains(parsed.value) { return nil }
                return .number(parsed.value)
            case .enumeration:
                guard let text = rawString(), let member = tables.members[field.index].index(of: text) else { return nil }
                return .enumeration(member)
            case .text, .record, .unsupported:
                return nil
            }
        }
    }
}
