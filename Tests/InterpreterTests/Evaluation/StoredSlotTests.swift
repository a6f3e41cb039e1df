import Foundation
import Testing
@testable import Interpreter

/// A household's slots keep each value in eight bytes (`StoredSlot`):
/// every value written is read back exactly, numbers that do not fit are
/// kept apart in two items, and what nothing keeps is refused.
@Suite struct StoredSlotTests {
    /// Writes `value` into a slot (numbers kept apart go into `items`) and reads it back.
    static func roundTrip(_ value: SlotValue, _ items: inout SlotBuffer) -> SlotValue? {
        guard let stored = StoredSlot.keeping(value, items: &items) else { return nil }
        return stored.value(UnsafeBufferPointer(items.buffer))
    }

    static func same(_ a: SlotValue?, _ b: SlotValue) -> Bool {
        switch (a, b) {
        case (.unknown?, .unknown): return true
        case (.bool(let x)?, .bool(let y)): return x == y
        case (.number(let x)?, .number(let y)): return x == y && x.numerator == y.numerator && x.denominator == y.denominator
        case (.date(let x)?, .date(let y)): return x == y
        case (.duration(let x)?, .duration(let y)): return x == y
        case (.enumeration(let x)?, .enumeration(let y)): return x == y
        case (.text(let x)?, .text(let y)): return (x.start, x.count, x.isConstant) == (y.start, y.count, y.isConstant)
        case (.record(let x)?, .record(let y)): return x == y
        case (.list(let x)?, .list(let y)): return (x.start, x.count, x.isConstant) == (y.start, y.count, y.isConstant)
        default: return false
        }
    }

    @Test func numbersOfEveryShapeAreReadBackExactly() throws {
        var items = SlotBuffer(capacity: 4)
        defer { items.free() }
        let limit = Int64(1) << 55
        let numerators: [Int64] = [0, 1, -1, 7, -30310, 1_229_650, limit - 1, -limit, limit, -limit - 1, Int64.max, Int64.min + 1]
        // Every divisor of 1,000 is kept in the slot; others (3, 7, 8 · 125 · 2, 1,024) apart.
        let denominators: [Int64] = [1, 2, 4, 5, 8, 10, 20, 25, 40, 50, 100, 125, 200, 250, 500, 1000, 3, 7, 16, 2000, 1024, 999_999_937]
        var inline = 0, apart = 0
        for numerator in numerators {
            for denominator in denominators {
                guard let number = Rational(numerator: numerator, denominator: denominator) else { continue }
                let before = items.count
                let back = Self.roundTrip(.number(number), &items)
                #expect(Self.same(back, .number(number)), "\(numerator)/\(denominator) read back as \(String(describing: back))")
                if items.count == before { inline += 1 } else { apart += 1 }
                let fits = number.denominator <= 1000 && 1000 % number.denominator == 0 && number.numerator >= -limit && number.numerator < limit
                #expect((items.count == before) == fits, "\(number) kept \(items.count == before ? "in the slot" : "apart")")
            }
        }
        #expect(inline > 50 && apart > 50)
    }

    @Test func otherValuesAreReadBackExactly() throws {
        var items = SlotBuffer(capacity: 4)
        defer { items.free() }
        let dates = [CivilDate.earliest, .latest, .epoch, try #require(CivilDate(year: 1969, month: 12, day: 31)),
                     try #require(CivilDate(year: 2021, month: 9, day: 30))]
        var values: [SlotValue] = [.unknown, .bool(true), .bool(false), .record(0), .record(123_456), .record(Int32.max)]
        values += dates.map { .date($0) }
        values += [0, 1, -1, 365, -(Int64(1) << 55), (Int64(1) << 55) - 1].map { .duration($0) }
        values += [0, 1, 63, 64, 1_000_000].map { .enumeration($0) }
        for constant in [false, true] {
            for (start, count) in [(0, 0), (12, 5), (Int32.max, 1), (7, (1 << 24) - 1)] as [(Int32, Int32)] {
                values.append(.text(TextRef(start: start, count: count, isConstant: constant)))
                values.append(.list(ListRef(start: start, count: count, isConstant: constant)))
            }
        }
        for value in values {
            let back = Self.roundTrip(value, &items)
            #expect(Self.same(back, value), "\(value) read back as \(String(describing: back))")
        }
        #expect(items.count == 0, "nothing but numbers is kept apart")
    }

    @Test func whatNoSlotKeepsIsRefused() {
        var items = SlotBuffer(capacity: 4)
        defer { items.free() }
        let refused: [SlotValue] = [
            .duration(Int64(1) << 55), .duration(Int64.min), .enumeration(Int(Int64(1) << 60)),
            .text(TextRef(start: 0, count: 1 << 24, isConstant: false)), .list(ListRef(start: 0, count: 1 << 24, isConstant: false)),
            .text(TextRef(start: -1, count: 1, isConstant: false)),
        ]
        for value in refused {
            #expect(StoredSlot.keeping(value, items: &items) == nil, "\(value) is refused")
        }
        #expect(StoredSlot.inline(.number(Rational(numerator: 1, denominator: 3)!)) == nil, "a third needs items")
    }

    @Test func memoryOfZerosIsUnknown() {
        var items = SlotBuffer(capacity: 4)
        defer { items.free() }
        let start = items.appendUnknown(3)
        #expect((start..<start + 3).allSatisfy { items[$0].isUnknown && items[$0] == StoredSlot(raw: 0) })
        #expect(!StoredSlot.bool(false).isUnknown)
    }
}
