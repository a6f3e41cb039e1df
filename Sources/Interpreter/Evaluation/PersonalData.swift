/// Masking of personal data in what `policy` writes. Resident ID numbers are
/// always masked in messages, warnings and traces (`500236********1234`);
/// with `--mask`, names and every other free text of a record are masked
/// too (`张**`), and a household id that is an ID number.
public enum PersonalData {
    /// The text with every resident ID number in it (18 characters, the last
    /// a digit or `X`; or the older 15 digits) masked but for its first six
    /// and last four characters: `500236********1234`.
    public static func maskingIDNumbers(_ text: String) -> String {
        // Most texts hold fewer than 15 digits: nothing to look for.
        var digits = 0
        for byte in text.utf8 where byte &- 0x30 < 10 { digits += 1 }
        guard digits >= 15 else { return text }
        var bytes = Array(text.utf8)
        var start = 0
        var changed = false
        while start < bytes.count {
            guard isDigit(bytes[start]) else { start += 1; continue }
            var end = start
            while end < bytes.count, isDigit(bytes[end]) { end += 1 }
            // An 18th character may be the check letter X.
            if end - start == 17, end < bytes.count, bytes[end] == UInt8(ascii: "X") || bytes[end] == UInt8(ascii: "x") { end += 1 }
            let length = end - start
            let followedByLetter = end < bytes.count && isASCIILetter(bytes[end])
            let precededByLetter = start > 0 && isASCIILetter(bytes[start - 1])
            if length == 18 || length == 15, !followedByLetter, !precededByLetter {
                for index in (start + 6)..<(end - 4) { bytes[index] = UInt8(ascii: "*") }
                changed = true
            }
            start = end
        }
        return changed ? String(decoding: bytes, as: UTF8.self) : text
    }

    /// A name or other free text masked but for its first character: `张三丰` → `张**`.
    /// An ID number keeps its first six and last four characters.
    public static func maskingText(_ text: String) -> String {
        let idMasked = maskingIDNumbers(text)
        if idMasked != text { return idMasked }
        guard let first = text.first else { return text }
        return String(first) + String(repeating: "*", count: text.count - 1)
    }

    /// A value as a trace shows it, with each quoted text in it masked:
    /// `{name: "张三", age: 40}` → `{name: "张*", age: 40}`.
    static func maskingQuotedTexts(_ shown: String) -> String {
        guard shown.contains("\"") else { return shown }
        var out = ""
        var inside = false
        var quoted = ""
        var escaped = false
        for character in shown {
            if inside {
                if escaped {
                    quoted.append(character)
                    escaped = false
                } else if character == "\\" {
                    quoted.append(character)
                    escaped = true
                } else if character == "\"" {
                    out += maskingText(quoted) + "\""
                    quoted = ""
                    inside = false
                } else {
                    quoted.append(character)
                }
            } else {
                out.append(character)
                if character == "\"" { inside = true }
            }
        }
        // An unclosed quote: what follows it is masked as well.
        return inside ? out + maskingText(quoted) : out
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }
    private static func isASCIILetter(_ byte: UInt8) -> Bool { (byte | 0x20) &- 0x61 < 26 }
}

extension HouseholdResult {
    /// The result with resident ID numbers masked in its messages, warnings
    /// and trace; with `everything`, also every text value of the trace and
    /// an id that is an ID number (`--mask`).
    public func maskingPersonalData(everything: Bool = false) -> HouseholdResult {
        if !everything, messages.isEmpty, warnings.isEmpty, trace.isEmpty { return self }
        var masked = self
        masked.messages = messages.map(PersonalData.maskingIDNumbers)
        masked.warnings = warnings.map(PersonalData.maskingIDNumbers)
        masked.missing = missing.map(PersonalData.maskingIDNumbers)
        masked.trace = trace.map { entry in
            let inputs = entry.inputs.map { input in
                let value = everything ? PersonalData.maskingQuotedTexts(input.value) : PersonalData.maskingIDNumbers(input.value)
                return TraceEntry.Input(name: input.name, value: value)
            }
            return TraceEntry(kind: entry.kind, rule: entry.rule, label: entry.label, outcome: entry.outcome, inputs: inputs, missing: entry.missing)
        }
        if everything { masked.id = id.map(PersonalData.maskingIDNumbers) }
        return masked
    }
}
