/// Reads a line of JSON straight into a record of the schema, without a JSON
/// tree, for the common case: well-formed JSON, keys the schema knows, each
/// once, values of the right type, required fields given. On anything else
/// it gives nil, and the general path (`JSONParser` then `RecordDecoder`)
/// reads the line and says what is wrong, so results never depend on which
/// path read a record.
struct FastRecordDecoder: Sendable {
    let schema: Schema

    /// The record and its `id`, or nil to let the general path read the line.
    func decode(_ bytes: [UInt8]) -> (record: RecordValue, id: String?)? {
        bytes.withUnsafeBufferPointer { buffer -> (record: RecordValue, id: String?)? in
            var reader = Reader(bytes: buffer)
            reader.skipSpace()
            guard case .record(let record)? = reader.record(schema.root, schema) else { return nil }
            reader.skipSpace()
            guard reader.position == buffer.count else { return nil }
            var id: String?
            if let slot = schema.rootRecord.slot(of: "id"), case .text(let text) = record[slot] { id = text }
            return (record, id)
        }
    }

    struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
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
                if byte == 0x5C || byte < 0x20 || position - start >= JSONLimits.default.maxStringBytes { return nil }
                if byte >= 0x80 { ascii = false }
                position += 1
            }
            return nil
        }

        /// A number as JSON writes it, without an exponent: `-12.50`.
        mutating func numberText() -> String? {
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
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        }

        mutating func literal(_ word: StaticString) -> Bool {
            skipSpace()
            let count = word.utf8CodeUnitCount
            guard position + count <= bytes.count else { return false }
            for index in 0..<count where bytes[position + index] != word.utf8Start[index] { return false }
            position += count
            return true
        }

        mutating func record(_ type: Int, _ schema: Schema) -> Value? {
            let recordType = schema.records[type]
            guard consume(0x7B) else { return nil }
            var fields = [Value](repeating: .absent, count: recordType.fields.count)
            var seen = [Bool](repeating: false, count: recordType.fields.count)
            skipSpace()
            if current == 0x7D {
                position += 1
            } else {
                while true {
                    guard let key = string(), let slot = recordType.slot(of: key), !seen[slot], consume(0x3A) else { return nil }
                    seen[slot] = true
                    let field = recordType.fields[slot]
                    guard let value = value(field, field.type, schema) else { return nil }
                    fields[slot] = value
                    if consume(0x2C) { continue }
                    guard consume(0x7D) else { return nil }
                    break
                }
            }
            for field in recordType.fields where field.required && fields[field.slot].isUnknown { return nil }
            return .record(RecordValue(fields: fields))
        }

        mutating func value(_ field: Field, _ type: ValueType, _ schema: Schema) -> Value? {
            if literal("null") { return .absent }
            switch type {
            case .text:
                return string().map { .text($0) }
            case .bool:
                if literal("true") { return .bool(true) }
                if literal("false") { return .bool(false) }
                return nil
            case .date:
                guard let text = string(), let date = CivilDate.parse(text) else { return nil }
                return .date(date)
            case .number(let unit):
                guard let text = numberText(), case .success(let parsed) = Rational.parseDecimal(text) else { return nil }
                if unit.isMoney, parsed.decimalPlaces > 2 { return nil }
                if field.isInteger, !parsed.value.isInteger { return nil }
                if let bounds = field.bounds, !bounds.contains(parsed.value) { return nil }
                return .number(parsed.value)
            case .enumeration(let index):
                guard let text = string(), let member = schema.enumerations[index].index(reading: text) else { return nil }
                return .enumeration(member)
            case .record(let index):
                return record(index, schema)
            case .list(let element):
                guard consume(0x5B) else { return nil }
                var items: [Value] = []
                skipSpace()
                if current == 0x5D {
                    position += 1
                } else {
                    while true {
                        guard let item = value(field, element, schema) else { return nil }
                        items.append(item)
                        if consume(0x2C) { continue }
                        guard consume(0x5D) else { return nil }
                        break
                    }
                }
                if field.nonEmpty, items.isEmpty { return nil }
                return .list(items)
            case .duration, .error:
                return nil
            }
        }
    }
}
