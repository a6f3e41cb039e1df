import Foundation

/// Turns one record as read (a `JSONValue` from JSON, JSON Lines or a CSV
/// household) into a `RecordValue` of the schema's root type, checking every
/// field against its declared type. Problems are collected, not thrown: a
/// record with errors gets `decision: error` naming each field; unknown keys
/// are warnings and are otherwise ignored.
public struct RecordDecoder: Sendable {
    public let schema: Schema
    /// Spreadsheet cells are text: read `"6,000.50"` as a number, `是`/`否` as
    /// booleans, and an empty cell as absent.
    public let lenient: Bool

    public init(schema: Schema, lenient: Bool = false) {
        self.schema = schema
        self.lenient = lenient
    }

    public struct Decoded: Sendable {
        public var record: RecordValue?
        /// The household's `id`, when it could be read, for messages.
        public var id: String?
        public var errors: [Diagnostic] = []
        public var warnings: [Diagnostic] = []
    }

    public func decode(_ json: JSONValue) -> Decoded {
        var decoded = Decoded()
        if case .object(let object) = json, let idSlot = schema.rootRecord.slot(of: "id"), schema.rootRecord.fields[idSlot].type == .text {
            switch object["id"] {
            case .string(let text)?: decoded.id = text
            case .number(let text)?: decoded.id = text
            default: break
            }
        }
        var problems = Problems()
        let value = decodeRecord(json, type: schema.root, path: { "" }, &problems)
        decoded.errors = problems.errors
        decoded.warnings = problems.warnings
        if problems.errors.isEmpty, case .record(let record) = value { decoded.record = record }
        return decoded
    }

    struct Problems {
        var errors: [Diagnostic] = []
        var warnings: [Diagnostic] = []

        mutating func error(_ kind: DiagnosticKind) { errors.append(Diagnostic(kind)) }
        mutating func warning(_ kind: DiagnosticKind) { warnings.append(Diagnostic(kind)) }
    }

    static func join(_ path: String, _ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }

    func describe(_ json: JSONValue) -> String {
        switch json {
        case .null: return "null"
        case .bool(let value): return value ? "true" : "false"
        case .number(let text): return "number \(text)"
        case .string(let text): return "text \"\(text.count > 40 ? String(text.prefix(40)) + "…" : text)\""
        case .array: return "a list"
        case .object: return "an object"
        }
    }

    func decodeRecord(_ json: JSONValue, type: Int, path: () -> String, _ problems: inout Problems) -> Value {
        let recordType = schema.records[type]
        if lenient, case .array(let parts) = json {
            // A record written in one spreadsheet cell, fields in declared order: `luxury_car:300000`.
            let members = zip(recordType.fields, parts).map { JSONObject.Member(key: $0.name, value: $1) }
            return decodeRecord(.object(JSONObject(members: members)), type: type, path: path, &problems)
        }
        guard case .object(let object) = json else {
            let written = path()
            problems.error(.notAnObject(path: written.isEmpty ? "record" : written, found: describe(json)))
            return .absent
        }
        var fields = [Value](repeating: .absent, count: recordType.fields.count)
        var seen = [Bool](repeating: false, count: recordType.fields.count)
        // Paths are written only for a problem: most records have none.
        for member in object.members {
            guard let slot = recordType.slot(of: member.key) else {
                problems.warning(.unknownKey(path: RecordDecoder.join(path(), member.key)))
                continue
            }
            if seen[slot] {
                problems.error(.duplicateKey(path: RecordDecoder.join(path(), member.key)))
                continue
            }
            seen[slot] = true
            fields[slot] = decodeValue(member.value, field: recordType.fields[slot], type: recordType.fields[slot].type,
                                       path: { RecordDecoder.join(path(), member.key) }, &problems)
        }
        for field in recordType.fields where field.required && fields[field.slot].isUnknown && !hasError(at: RecordDecoder.join(path(), field.name), problems) {
            problems.error(.missingRequiredField(path: RecordDecoder.join(path(), field.name)))
        }
        return .record(RecordValue(fields: fields))
    }

    private func hasError(at path: String, _ problems: Problems) -> Bool {
        problems.errors.contains { diagnostic in
            switch diagnostic.kind {
            case .wrongFieldType(let p, _, _), .unknownEnumValue(let p, _, _), .tooManyDecimals(let p, _), .invalidDate(let p, _),
                 .valueOutOfRange(let p, _, _), .emptyList(let p), .notAnObject(let p, _), .numberOutOfRange(let p, _):
                return p == path || p.hasPrefix(path + ".") || p.hasPrefix(path + "[")
            default: return false
            }
        }
    }

    func decodeValue(_ json: JSONValue, field: Field, type: ValueType, path: () -> String, _ problems: inout Problems) -> Value {
        if case .null = json { return .absent }
        if lenient, case .string(let text) = json, text.allSatisfy({ $0.isWhitespace }), type != .text { return .absent }
        switch type {
        case .text:
            switch json {
            case .string(let text): return .text(text)
            case .number(let text): return .text(text)
            default:
                problems.error(.wrongFieldType(path: path(), expected: "text", found: describe(json)))
                return .absent
            }
        case .bool:
            switch json {
            case .bool(let truth): return .bool(truth)
            case .string(let text) where lenient:
                if let truth = RecordDecoder.spreadsheetBool(text) { return .bool(truth) }
            default: break
            }
            problems.error(.wrongFieldType(path: path(), expected: "true or false", found: describe(json)))
            return .absent
        case .date:
            guard case .string(let text) = json else {
                problems.error(.wrongFieldType(path: path(), expected: "a date `YYYY-MM-DD`", found: describe(json)))
                return .absent
            }
            let written = lenient ? RecordDecoder.spreadsheetDate(text) : text
            guard let date = CivilDate.parse(written) else {
                problems.error(.invalidDate(path: path(), value: text))
                return .absent
            }
            return .date(date)
        case .number(let unit):
            return decodeNumber(json, field: field, money: unit.isMoney, path: path, &problems)
        case .duration:
            let number = decodeNumber(json, field: field, money: false, path: path, &problems)
            guard case .number(let value) = number else { return number }
            guard let whole = value.integerValue else {
                problems.error(.wrongFieldType(path: path(), expected: "a whole number", found: describe(json)))
                return .absent
            }
            return .duration(whole)
        case .enumeration(let index):
            let enumeration = schema.enumerations[index]
            guard case .string(let raw) = json else {
                problems.error(.wrongFieldType(path: path(), expected: "one of \(enumeration.members.map(\.name).joined(separator: ", "))",
                                               found: describe(json)))
                return .absent
            }
            let text = lenient ? raw.trimmingSpaces() : raw
            guard let member = enumeration.index(reading: text) else {
                problems.error(.unknownEnumValue(path: path(), value: text, allowed: enumeration.members.map(\.name)))
                return .absent
            }
            return .enumeration(member)
        case .record(let index):
            return decodeRecord(json, type: index, path: path, &problems)
        case .list(let element):
            guard case .array(let items) = json else {
                problems.error(.wrongFieldType(path: path(), expected: "a list", found: describe(json)))
                return .absent
            }
            if field.nonEmpty, items.isEmpty {
                problems.error(.emptyList(path: path()))
                return .absent
            }
            var values: [Value] = []
            values.reserveCapacity(items.count)
            for (position, item) in items.enumerated() {
                values.append(decodeValue(item, field: field, type: element, path: { "\(path())[\(position)]" }, &problems))
            }
            return .list(values)
        case .error:
            return .absent
        }
    }

    func decodeNumber(_ json: JSONValue, field: Field, money: Bool, path: () -> String, _ problems: inout Problems) -> Value {
        let text: String
        switch json {
        case .number(let written): text = written
        case .string(let written) where money || lenient: text = written
        default:
            problems.error(.wrongFieldType(path: path(), expected: money ? "an amount in yuan" : "a number", found: describe(json)))
            return .absent
        }
        let fromText: Bool
        if case .string = json { fromText = true } else { fromText = false }
        let number: Rational
        switch Rational.parseDecimal(text, lenient: lenient || fromText) {
        case .success(let parsed):
            if money, parsed.decimalPlaces > 2 {
                problems.error(.tooManyDecimals(path: path(), value: text))
                return .absent
            }
            number = parsed.value
        case .failure(.outOfRange):
            problems.error(.numberOutOfRange(path: path(), value: text))
            return .absent
        case .failure:
            problems.error(.wrongFieldType(path: path(), expected: money ? "an amount in yuan" : "a number", found: describe(json)))
            return .absent
        }
        if field.isInteger, !number.isInteger {
            problems.error(.wrongFieldType(path: path(), expected: "a whole number", found: describe(json)))
            return .absent
        }
        if let bounds = field.bounds, !bounds.contains(number) {
            problems.error(.valueOutOfRange(path: path(), value: text, bounds: "\(bounds.lowerBound)…\(bounds.upperBound)"))
            return .absent
        }
        return .number(number)
    }

    /// Spreadsheet spellings of yes and no.
    static func spreadsheetBool(_ text: String) -> Bool? {
        switch text.trimmingSpaces().lowercased() {
        case "true", "1", "yes", "y", "是", "有", "√": return true
        case "false", "0", "no", "n", "否", "无", "×": return false
        default: return nil
        }
    }

    /// Spreadsheets write `2021/6/30` or `2021.6.30`; read those as `2021-06-30`.
    static func spreadsheetDate(_ text: String) -> String {
        let trimmed = text.trimmingSpaces()
        let parts = trimmed.split(whereSeparator: { $0 == "-" || $0 == "/" || $0 == "." }).map(String.init)
        guard parts.count == 3, parts[0].count == 4, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && Int($0) != nil }),
              parts[1].count <= 2, parts[2].count <= 2 else { return trimmed }
        func pad(_ part: String) -> String { part.count == 1 ? "0" + part : part }
        return "\(parts[0])-\(pad(parts[1]))-\(pad(parts[2]))"
    }
}
