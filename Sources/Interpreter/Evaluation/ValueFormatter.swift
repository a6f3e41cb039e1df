/// Shows values to people: numbers exactly, dates as `YYYY-MM-DD`, enumeration
/// members by name, unknowns as `unknown`.
public struct ValueFormatter: Sendable {
    let schema: Schema

    public init(schema: Schema) { self.schema = schema }

    public func text(_ value: Value, _ type: ValueType) -> String {
        switch value {
        case .unknown: return "unknown"
        case .bool(let truth): return truth ? "true" : "false"
        case .number(let number):
            if case .number(let unit) = type, !unit.isNone { return "\(number) \(unit)" }
            return number.description
        case .text(let text): return "\"\(text)\""
        case .date(let date): return date.description
        case .duration(let amount):
            if case .duration(let unit) = type { return "\(amount) \(unit.rawValue)" }
            return "\(amount)"
        case .enumeration(let index):
            if case .enumeration(let enumeration) = type, let member = schema.enumerations[safe: enumeration]?.members[safe: index] {
                return member.name
            }
            return "#\(index)"
        case .record(let record):
            guard case .record(let index) = type, let recordType = schema.records[safe: index] else { return "{…}" }
            let parts = recordType.fields.compactMap { field -> String? in
                let fieldValue = record[field.slot]
                if fieldValue.isUnknown { return nil }
                return "\(field.name): \(text(fieldValue, field.type))"
            }
            return "{ " + parts.joined(separator: ", ") + " }"
        case .list(let items):
            let element = type.elementType ?? .error
            return "[" + items.map { text($0, element) }.joined(separator: ", ") + "]"
        }
    }
}
