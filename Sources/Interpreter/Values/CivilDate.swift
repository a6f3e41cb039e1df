/// A calendar date with no time and no time zone, in the proleptic Gregorian
/// calendar, years 1 through 9999. Stored as a day count from 1970-01-01 so that
/// comparing, hashing and subtracting dates is integer work; Foundation's
/// `Calendar`/`Date` would be slower and would bring a time zone into a value
/// that has none.
///
/// Year, month and day come from Howard Hinnant's `days_from_civil` /
/// `civil_from_days` algorithms (https://howardhinnant.github.io/date_algorithms.html).
public struct CivilDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Days since 1970-01-01 (negative before it).
    public let daysSinceEpoch: Int32

    /// 0001-01-01 and 9999-12-31 as day counts.
    private static let firstDay = dayNumber(year: 1, month: 1, day: 1)
    private static let lastDay = dayNumber(year: 9999, month: 12, day: 31)

    public static let earliest = CivilDate(unchecked: firstDay)
    public static let latest = CivilDate(unchecked: lastDay)
    /// 1970-01-01, day 0: a neutral date where one is needed but none is given.
    public static let epoch = CivilDate(unchecked: 0)

    init(unchecked days: Int) {
        // Callers pass days within firstDay...lastDay, well inside Int32.
        daysSinceEpoch = Int32(truncatingIfNeeded: days)
    }

    /// Nil unless year is 1...9999, month 1...12 and day exists in that month
    /// (so 2021-02-29 is nil and 2024-02-29 is not).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= CivilDate.daysInMonth(year: year, month: month)
        else { return nil }
        self.init(unchecked: CivilDate.dayNumber(year: year, month: month, day: day))
    }

    /// Nil when the day count falls outside years 1...9999.
    public init?(daysSinceEpoch days: Int) {
        guard days >= CivilDate.firstDay, days <= CivilDate.lastDay else { return nil }
        self.init(unchecked: days)
    }

    // MARK: - Fields

    public var year: Int { components.year }
    public var month: Int { components.month }
    public var day: Int { components.day }

    /// All three fields from one conversion, for callers that need more than one.
    public var components: (year: Int, month: Int, day: Int) {
        CivilDate.civil(fromDays: Int(daysSinceEpoch))
    }

    /// ISO 8601 weekday: 1 is Monday through 7 Sunday.
    public var weekday: Int {
        // 1970-01-01 was a Thursday (4); the double modulo handles days before it.
        (Int(daysSinceEpoch) % 7 + 7 + 3) % 7 + 1
    }

    public static func isLeapYear(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    /// The number of days in this date's month, 28 through 31.
    public var daysInMonth: Int {
        let (year, month, _) = components
        return CivilDate.daysInMonth(year: year, month: month)
    }

    /// Month must be 1...12.
    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // MARK: - Text

    /// Only `YYYY-MM-DD`: exactly 10 characters, ASCII digits and two hyphens, a
    /// real date in years 0001...9999. No other separators, no missing zeros
    /// (`2021-6-30`), no surrounding spaces, no time part; nil otherwise.
    public static func parse(_ text: some StringProtocol) -> CivilDate? {
        parse(utf8: text.utf8)
    }

    /// `YYYY-MM-DD` from its bytes, as `parse` reads it.
    public static func parse(utf8 bytes: some Sequence<UInt8>) -> CivilDate? {
        var year = 0, month = 0, day = 0, index = 0
        for byte in bytes {
            // Also keeps the accumulators below 10^4: no overflow.
            guard index < 10 else { return nil }
            if index == 4 || index == 7 {
                guard byte == UInt8(ascii: "-") else { return nil }
            } else {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                let digit = Int(byte &- UInt8(ascii: "0"))
                switch index {
                case 0..<4: year = year * 10 + digit
                case 5..<7: month = month * 10 + digit
                default: day = day * 10 + digit
                }
            }
            index += 1
        }
        guard index == 10 else { return nil }
        return CivilDate(year: year, month: month, day: day)
    }

    /// `parse(utf8:)` for bytes in memory, as the readers have them: the ten
    /// bytes are checked and read where they stand, without a loop.
    public static func parse(utf8 bytes: UnsafeBufferPointer<UInt8>) -> CivilDate? {
        guard bytes.count == 10, let base = bytes.baseAddress, base[4] == UInt8(ascii: "-"), base[7] == UInt8(ascii: "-") else { return nil }
        @inline(__always) func digit(_ index: Int) -> Int { Int(base[index]) &- Int(UInt8(ascii: "0")) }
        let digits = (digit(0), digit(1), digit(2), digit(3), digit(5), digit(6), digit(8), digit(9))
        // A byte that is not a digit gives a value outside 0...9: or-ing the
        // values, any such one shows as a bit beyond the four low ones.
        let all = digits.0 | digits.1 | digits.2 | digits.3 | digits.4 | digits.5 | digits.6 | digits.7
        guard all & ~0xF == 0, digits.0 <= 9, digits.1 <= 9, digits.2 <= 9, digits.3 <= 9, digits.4 <= 9, digits.5 <= 9,
              digits.6 <= 9, digits.7 <= 9 else { return nil }
        return CivilDate(year: digits.0 * 1000 + digits.1 * 100 + digits.2 * 10 + digits.3, month: digits.4 * 10 + digits.5,
                         day: digits.6 * 10 + digits.7)
    }

    /// `YYYY-MM-DD`, the form `parse` reads.
    public var description: String {
        let (year, month, day) = components
        var bytes = [UInt8](repeating: UInt8(ascii: "-"), count: 10)
        CivilDate.writeDigits(year, width: 4, into: &bytes, at: 0)
        CivilDate.writeDigits(month, width: 2, into: &bytes, at: 5)
        CivilDate.writeDigits(day, width: 2, into: &bytes, at: 8)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Zero-padded digits of a value known to fit `width`.
    private static func writeDigits(_ value: Int, width: Int, into bytes: inout [UInt8], at start: Int) {
        var rest = value
        for index in stride(from: start + width - 1, through: start, by: -1) {
            bytes[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
            rest /= 10
        }
    }

    // MARK: - Calendar arithmetic

    /// The date `days` later (earlier when negative); nil outside years 1...9999.
    public func adding(days: Int) -> CivilDate? {
        let (sum, overflow) = Int(daysSinceEpoch).addingReportingOverflow(days)
        return overflow ? nil : CivilDate(daysSinceEpoch: sum)
    }

    /// The same day `months` later (earlier when negative), clamped to the last
    /// day of the target month: 2021-01-31 + 1 month = 2021-02-28, 2024-01-31 +
    /// 1 month = 2024-02-29, 2021-03-31 − 1 month = 2021-02-28. Clamping means
    /// adding months one at a time can differ from adding them at once
    /// (2021-01-31 + 1 + 1 = 2021-03-28, but + 2 = 2021-03-31). Nil outside
    /// years 1...9999.
    public func adding(months: Int) -> CivilDate? {
        let (year, month, day) = components
        // Counting months from year 0 keeps floor division simple: the index is
        // never negative for a valid date.
        let (index, overflow) = (year * 12 + month - 1).addingReportingOverflow(months)
        guard !overflow, index >= 12, index < 10_000 * 12 else { return nil }
        let targetYear = index / 12, targetMonth = index % 12 + 1
        return CivilDate(
            year: targetYear, month: targetMonth,
            day: min(day, CivilDate.daysInMonth(year: targetYear, month: targetMonth)))
    }

    /// `adding(months: years * 12)`: 2024-02-29 + 1 year = 2025-02-28.
    public func adding(years: Int) -> CivilDate? {
        let (months, overflow) = years.multipliedReportingOverflow(by: 12)
        return overflow ? nil : adding(months: months)
    }

    /// `b − a` in days: positive when `b` is later.
    public static func daysBetween(_ a: CivilDate, _ b: CivilDate) -> Int {
        Int(b.daysSinceEpoch) - Int(a.daysSinceEpoch)
    }

    /// Whole months from `a` to `b`. When `a <= b`, the largest n ≥ 0 such that
    /// `a.adding(months: n) <= b` (with `adding(months:)`'s end-of-month
    /// clamping); when `b < a`, `-monthsBetween(b, a)`. So 2021-01-31 → 2021-02-28
    /// is 1, 2021-01-15 → 2021-07-14 is 5, 2021-01-15 → 2021-07-15 is 6, a date
    /// to itself is 0, and 2021-07-15 → 2021-01-15 is -6.
    public static func monthsBetween(_ a: CivilDate, _ b: CivilDate) -> Int {
        if b < a { return -monthsBetween(b, a) }
        let (startYear, startMonth, startDay) = a.components
        let (endYear, endMonth, endDay) = b.components
        // a + n months lands in b's month; if its clamped day is past b's day,
        // one month fewer lands in the month before, which is earlier than b.
        let months = (endYear - startYear) * 12 + endMonth - startMonth
        let landingDay = min(startDay, daysInMonth(year: endYear, month: endMonth))
        return landingDay > endDay ? months - 1 : months
    }

    /// Whole years from `a` to `b`: `monthsBetween(a, b) / 12`, rounded toward
    /// zero. This is completed years of age when `a` is a birth date; someone
    /// born on 29 February completes a year on 28 February in common years
    /// (2000-02-29 → 2018-02-28 is 18).
    public static func yearsBetween(_ a: CivilDate, _ b: CivilDate) -> Int {
        monthsBetween(a, b) / 12
    }

    public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool {
        lhs.daysSinceEpoch < rhs.daysSinceEpoch
    }

    // MARK: - Hinnant's algorithms

    // Both take years 0...10000 (a valid date, possibly shifted by the March-based
    // year), so no product or sum below comes near Int's range, and the era is
    // never negative, which lets plain division stand in for floor division.

    /// Days since 1970-01-01 of a valid date.
    private static func dayNumber(year: Int, month: Int, day: Int) -> Int {
        // Years start in March so that the leap day is the year's last day.
        let y = month <= 2 ? year - 1 : year
        let era = y / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date of a day count within years 1...9999.
    private static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = z / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}
