/// A value as a household's slots keep it: eight bytes, a third of a
/// `SlotValue`, so that the fields the rules read take fewer cache lines
/// (a household's fields, some 115 of them, take about 0.9 KB instead of
/// 2.8). Reading one gives the `SlotValue` back, exactly.
///
/// The low four bits are the kind; the other bits hold the value:
///
/// | kind | bits |
/// | --- | --- |
/// | 0 unknown | none (so memory of zeros is unknown) |
/// | 1 truth value | bit 8 |
/// | 2 number | numerator in bits 8–63; denominator 2^a·5^b in bits 4–7 (a, b ≤ 3: any divisor of 1,000, so any amount of up to three decimals) |
/// | 3 date | days since 1970-01-01 in bits 32–63 |
/// | 4 duration | amount in bits 8–63 |
/// | 5 enumeration member | index in bits 8–63 |
/// | 6 text | start in bits 32–63, length in bits 8–31, bit 4 for the plan's text pool |
/// | 7 record | index of its first field in bits 32–63 |
/// | 8 list | start in bits 32–63, count in bits 8–31, bit 4 for the plan's elements |
/// | 9 number kept apart | its numerator and denominator in the household's items, from the index in bits 32–63 |
///
/// A number that does not fit (a denominator with other factors, a
/// numerator beyond 56 bits) is kept apart, in two items. A value nothing
/// can keep (a text or list longer than 2^24, or a duration beyond 56
/// bits, which no reader gives for a field) is refused: the general path
/// decides the household.
struct StoredSlot: Sendable, Equatable {
    let raw: UInt64

    static let unknown = StoredSlot(raw: 0)

    private enum Kind {
        static let unknown: UInt64 = 0
        static let bool: UInt64 = 1
        static let number: UInt64 = 2
        static let date: UInt64 = 3
        static let duration: UInt64 = 4
        static let enumeration: UInt64 = 5
        static let text: UInt64 = 6
        static let record: UInt64 = 7
        static let list: UInt64 = 8
        static let numberApart: UInt64 = 9
    }

    init(raw: UInt64) { self.raw = raw }

    @inline(__always)
    var isUnknown: Bool { raw & 0xF == Kind.unknown }

    /// The kind, for reading a slot without a `SlotValue` between: 0 unknown,
    /// 1 truth value, 2 number, 3 date, 5 enumeration member, 8 list, 9
    /// number kept apart (the table above).
    @inline(__always)
    var kind: UInt64 { raw & 0xF }

    /// The truth value of a slot of kind 1.
    @inline(__always)
    var truth: Bool { raw & 0x100 != 0 }

    /// The member of a slot of kind 5.
    @inline(__always)
    var member: Int { Int(Int64(bitPattern: raw) >> 8) }

    // MARK: - Writing

    static func bool(_ truth: Bool) -> StoredSlot { StoredSlot(raw: (truth ? 0x100 : 0) | Kind.bool) }

    static func date(_ date: CivilDate) -> StoredSlot {
        StoredSlot(raw: UInt64(UInt32(bitPattern: date.daysSinceEpoch)) << 32 | Kind.date)
    }

    static func record(_ base: Int32) -> StoredSlot { StoredSlot(raw: UInt64(UInt32(bitPattern: base)) << 32 | Kind.record) }

    /// A whole number in 56 bits, shifted into place; nil when it does not fit.
    @inline(__always)
    private static func wide(_ value: Int64, _ kind: UInt64, extra: UInt64 = 0) -> StoredSlot? {
        let shifted = value &<< 8
        guard shifted >> 8 == value else { return nil }
        return StoredSlot(raw: UInt64(bitPattern: shifted) | extra | kind)
    }

    static func enumeration(_ member: Int) -> StoredSlot? { wide(Int64(member), Kind.enumeration) }

    static func duration(_ amount: Int64) -> StoredSlot? { wide(amount, Kind.duration) }

    /// A number in eight bytes, when its denominator divides 1,000 and its numerator fits in 56 bits.
    @inline(__always)
    static func inlineNumber(_ number: Rational) -> StoredSlot? {
        let denominator = number.denominator
        let twos = denominator.trailingZeroBitCount
        guard twos <= 3 else { return nil }
        let fives: UInt64
        switch denominator >> twos {
        case 1: fives = 0
        case 5: fives = 1
        case 25: fives = 2
        case 125: fives = 3
        default: return nil
        }
        return wide(number.numerator, Kind.number, extra: (UInt64(twos) << 2 | fives) << 4)
    }

    /// A text or list: start and count, when the count fits in 24 bits.
    private static func span(_ start: Int32, _ count: Int32, constant: Bool, _ kind: UInt64) -> StoredSlot? {
        guard start >= 0, count >= 0, count < 1 << 24 else { return nil }
        return StoredSlot(raw: UInt64(UInt32(bitPattern: start)) << 32 | UInt64(count) << 8 | (constant ? 0x10 : 0) | kind)
    }

    static func text(_ text: TextRef) -> StoredSlot? { span(text.start, text.count, constant: text.isConstant, Kind.text) }

    static func list(_ list: ListRef) -> StoredSlot? { span(list.start, list.count, constant: list.isConstant, Kind.list) }

    /// `value` as slots keep it; a number that does not fit in eight bytes
    /// is written at the end of `items`. Nil for a value nothing keeps.
    static func keeping(_ value: SlotValue, items: inout SlotBuffer) -> StoredSlot? {
        if case .number(let number) = value { return keeping(number, items: &items) }
        return inline(value)
    }

    /// A number as slots keep it: in the slot when it fits, else its
    /// numerator and denominator at the end of `items`.
    @inline(__always)
    static func keeping(_ number: Rational, items: inout SlotBuffer) -> StoredSlot? {
        inlineNumber(number) ?? keepingApart(number, items: &items)
    }

    /// The rare case of `keeping`, out of the reader's way.
    @inline(never)
    private static func keepingApart(_ number: Rational, items: inout SlotBuffer) -> StoredSlot? {
        guard items.count <= Int(Int32.max) - 2 else { return nil }
        let index = items.count
        items.append(StoredSlot(raw: UInt64(bitPattern: number.numerator)))
        items.append(StoredSlot(raw: UInt64(bitPattern: number.denominator)))
        return StoredSlot(raw: UInt64(index) << 32 | Kind.numberApart)
    }

    /// `value` in eight bytes, with nothing kept apart; nil when it needs more.
    static func inline(_ value: SlotValue) -> StoredSlot? {
        switch value {
        case .unknown: return .unknown
        case .bool(let truth): return .bool(truth)
        case .number(let number): return inlineNumber(number)
        case .date(let date): return .date(date)
        case .duration(let amount): return .duration(amount)
        case .enumeration(let member): return .enumeration(member)
        case .text(let text): return .text(text)
        case .record(let base): return .record(base)
        case .list(let list): return .list(list)
        }
    }

    // MARK: - Reading

    /// The value, as it was written (`items`: the household's, where numbers kept apart are).
    @inline(__always)
    func value(_ items: UnsafeBufferPointer<StoredSlot>) -> SlotValue {
        let raw = self.raw
        // Literal kinds (those of `Kind`), so that the switch is a jump table.
        switch raw & 0xF {
        case 0: return .unknown
        case 1: return .bool(raw & 0x100 != 0)
        case 2: return .number(inlineNumber)
        case 3: return .date(date)
        case 4: return .duration(Int64(bitPattern: raw) >> 8)
        case 5: return .enumeration(Int(Int64(bitPattern: raw) >> 8))
        case 6: return .text(TextRef(start: high, count: spanCount, isConstant: raw & 0x10 != 0))
        case 7: return .record(high)
        case 8: return .list(ListRef(start: high, count: spanCount, isConstant: raw & 0x10 != 0))
        default: return .number(apart(items))
        }
    }

    /// Bits 32–63, as a signed 32-bit index or day count.
    @inline(__always)
    private var high: Int32 { Int32(truncatingIfNeeded: raw >> 32) }

    /// Bits 8–31: a text's length or a list's count (kinds 6 and 8).
    @inline(__always)
    var spanCount: Int32 { Int32(truncatingIfNeeded: raw >> 8 & 0xFF_FFFF) }

    /// The date of a slot of kind 3.
    @inline(__always)
    var date: CivilDate { CivilDate(unchecked: Int(high)) }

    /// The number of a slot of kind 2 (`Kind.number`).
    @inline(__always)
    private var inlineNumber: Rational {
        let code = raw >> 4 & 0xF
        // 5^b for b in 0...3 (1, 5, 25, 125), one byte each of a constant.
        let fives = Int64(0x7D19_0501 >> ((code & 3) * 8) & 0xFF)
        return Rational(uncheckedNumerator: Int64(bitPattern: raw) >> 8, denominator: fives << Int64(code >> 2))
    }

    /// The number of a slot of kind 9 (`Kind.numberApart`).
    private func apart(_ items: UnsafeBufferPointer<StoredSlot>) -> Rational {
        let index = Int(raw >> 32)
        return Rational(uncheckedNumerator: Int64(bitPattern: items[index].raw), denominator: Int64(bitPattern: items[index + 1].raw))
    }

    /// The number, when the slot holds one: for reading numbers without a `SlotValue` between.
    @inline(__always)
    func number(_ items: UnsafeBufferPointer<StoredSlot>) -> Rational? {
        switch raw & 0xF {
        case 2: return inlineNumber
        case 9: return apart(items)
        default: return nil
        }
    }

    /// The record's first field, when the slot holds a record.
    @inline(__always)
    var record: Int32? { raw & 0xF == Kind.record ? high : nil }
}
