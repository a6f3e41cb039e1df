/// Reads a line of JSON into a household's slots, for the compiled
/// evaluation: the same checks as `FastRecordDecoder` (well-formed JSON,
/// known keys, each once, values of the right type, required fields given),
/// with the same answer on anything else: false, and the general path reads
/// the line. Text is not copied: it stays in the line, and the slots point
/// at it. Each record keeps the fields `layout` keeps, where it keeps them;
/// the others are read and checked, and not kept.
extension FastRecordDecoder {
    /// Whether the line was read into `slots` (the household is the record at 0).
    func decode(_ line: UnsafeBufferPointer<UInt8>, into slots: inout HouseholdSlots, layout: SlotLayout) -> Bool {
        slots.reset()
        if slots.predictions == nil {
            let predictions = UnsafeMutablePointer<Int32>.allocate(capacity: max(1, tables.predictionCount))
            predictions.initialize(repeating: -1, count: max(1, tables.predictionCount))
            slots.predictions = predictions
        }
        var reader = Reader(bytes: line, tables: tables, limits: limits, predictions: slots.predictions)
        reader.layout = layout
        reader.skipSpace()
        guard reader.slotRecord(tables.root, &slots) == 0 else { return false }
        reader.skipSpace()
        return reader.position == line.count
    }
}

extension FastRecordDecoder.Reader {
    /// Where the record's fields begin in `slots`, or nil.
    mutating func slotRecord(_ type: Int, _ slots: inout HouseholdSlots) -> Int32? {
        let table = tables.records[type]
        guard table.fields.count <= 256, let layout, consume(0x7B) else { return nil }
        let base = slots.allocateRecord(Int(layout.width[type]))
        let kept = layout.positions.baseAddress! + Int(layout.first[type])
        var seen: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        skipSpace()
        if current == 0x7D {
            position += 1
        } else {
            let guesses = predictions.map { $0 + tables.predictionBase[type] }
            var previous = table.fields.count
            while true {
                skipSpace()
                guard position < bytes.count, bytes[position] == 0x22 else { return nil }
                let slot: Int
                var colonRead = false
                if let guesses, guesses[previous] >= 0, let length = table.names.keyAndColon(Int(guesses[previous]), in: bytes, at: position + 1) {
                    // The guessed key, its closing quote and the colon, in two words.
                    slot = Int(guesses[previous])
                    position += length + 1
                    colonRead = true
                } else if let guesses, guesses[previous] >= 0, let length = table.names.matches(Int(guesses[previous]), in: bytes, at: position + 1) {
                    // The guessed key, then its closing quote: no need to look for the end.
                    slot = Int(guesses[previous])
                    position += length + 2
                } else {
                    guard let key = rawString(), let found = table.names.index(of: key) else { return nil }
                    slot = found
                    guesses?[previous] = Int32(found)
                }
                previous = slot
                let bit = UInt64(1) << UInt64(slot & 63)
                let firstTime = withUnsafeMutableBytes(of: &seen) { words -> Bool in
                    let word = words.baseAddress!.assumingMemoryBound(to: UInt64.self) + (slot >> 6)
                    if word.pointee & bit != 0 { return false }
                    word.pointee |= bit
                    return true
                }
                guard firstTime, colonRead || consume(0x3A) else { return nil }
                let field = table.fields[slot]
                guard let value = field.isList ? slotList(field, &slots) : slotValue(field, &slots) else { return nil }
                if kept[slot] >= 0 { slots.fields[Int(base) + Int(kept[slot])] = value }
                if consume(0x2C) { continue }
                guard consume(0x7D) else { return nil }
                break
            }
        }
        // The layout keeps every required field.
        for slot in table.required where slots.fields[Int(base) + Int(kept[slot])].isUnknown { return nil }
        return base
    }

    mutating func slotList(_ field: FastRecordDecoder.FieldTable, _ slots: inout HouseholdSlots) -> StoredSlot? {
        if literal("null") { return .unknown }
        guard consume(0x5B) else { return nil }
        let start = slots.pending.count
        skipSpace()
        if current == 0x5D {
            position += 1
        } else {
            while true {
                guard slots.pending.count - start < limits.maxListItems, let item = slotValue(field, &slots) else { return nil }
                slots.pending.append(item)
                if consume(0x2C) { continue }
                guard consume(0x5D) else { return nil }
                break
            }
        }
        let count = slots.pending.count - start
        if field.nonEmpty, count == 0 { return nil }
        let listStart = Int32(slots.items.count)
        slots.pending.move(from: start, to: &slots.items)
        return .list(ListRef(start: listStart, count: Int32(count), isConstant: false))
    }

    /// One value of a field's kind (an element, for a list).
    @inline(__always)
    mutating func slotValue(_ field: FastRecordDecoder.FieldTable, _ slots: inout HouseholdSlots) -> StoredSlot? {
        if literal("null") { return .unknown }
        switch field.kind {
        case .text: return textRef().flatMap { .text($0) }
        case .record: return slotRecord(Int(field.index), &slots).map { .record($0) }
        // Each kind read and written as it is, with no `SlotValue` between.
        case .bool: return truthValue().map { .bool($0) }
        case .date: return dateValue().map { .date($0) }
        case .number:
            guard let number = numberValue(field) else { return nil }
            return StoredSlot.keeping(number, items: &slots.items)
        case .enumeration: return memberValue(field).flatMap { .enumeration($0) }
        case .unsupported: return nil
        }
    }

    /// A string without escapes or control characters, in valid UTF-8, as
    /// where it is in the line.
    mutating func textRef() -> TextRef? {
        guard consume(0x22) else { return nil }
        let start = position
        let (end, ascii) = stringEnd(from: start)
        guard end < bytes.count, bytes[end] == 0x22, end - start < limits.maxStringBytes, end <= Int(Int32.max) else { return nil }
        if !ascii, !UTF8Validation.isValid(UnsafeBufferPointer(rebasing: bytes[start..<end])) { return nil }
        position = end + 1
        return TextRef(start: Int32(start), count: Int32(end - start), isConstant: false)
    }
}

/// Whether bytes are well-formed UTF-8 (RFC 3629: no overlong forms, no
/// surrogates, nothing above U+10FFFF), as `String(validating:)` decides.
enum UTF8Validation {
    static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        let count = bytes.count
        func continuation(_ offset: Int) -> Bool {
            index + offset < count && bytes[index + offset] & 0xC0 == 0x80
        }
        while index < count {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            // Most text beyond ASCII here is Chinese: three bytes, led by
            // E1–EC (no overlong form or surrogate to rule out), checked at once.
            if lead &- 0xE1 < 0x0C, index + 2 < count, bytes[index + 1] & 0xC0 == 0x80, bytes[index + 2] & 0xC0 == 0x80 {
                index += 3
                continue
            }
            switch lead {
            case 0xC2...0xDF:
                guard continuation(1) else { return false }
                index += 2
            case 0xE0...0xEF:
                guard continuation(1), continuation(2) else { return false }
                let second = bytes[index + 1]
                if lead == 0xE0, second < 0xA0 { return false }
                if lead == 0xED, second > 0x9F { return false }
                index += 3
            case 0xF0...0xF4:
                guard continuation(1), continuation(2), continuation(3) else { return false }
                let second = bytes[index + 1]
                if lead == 0xF0, second < 0x90 { return false }
                if lead == 0xF4, second > 0x8F { return false }
                index += 4
            default:
                return false
            }
        }
        return true
    }
}
