import Testing
@testable import Interpreter

/// A date from `YYYY-MM-DD`, failing the test when it is not one.
private func date(_ text: String) throws -> CivilDate {
    try #require(CivilDate.parse(text))
}

@Suite struct CivilDateTests {
    @Test(arguments: [
        (2024, 2, 29, true),
        (2021, 2, 29, false),
        (2000, 2, 29, true),
        (1900, 2, 29, false),
        (2021, 2, 28, true),
        (2021, 4, 31, false),
        (2021, 6, 30, true),
        (2021, 12, 31, true),
        (2021, 13, 1, false),
        (2021, 0, 1, false),
        (2021, 1, 0, false),
        (2021, 1, 32, false),
        (1, 1, 1, true),
        (9999, 12, 31, true),
        (0, 12, 31, false),
        (10_000, 1, 1, false),
        (-1, 1, 1, false),
        (Int.max, 1, 1, false),
        (2021, Int.min, 1, false),
    ])
    func validation(year: Int, month: Int, day: Int, valid: Bool) {
        let value = CivilDate(year: year, month: month, day: day)
        #expect((value != nil) == valid)
        if let value {
            #expect(value.year == year && value.month == month && value.day == day)
        }
    }

    @Test(arguments: [
        ("1970-01-01", 0),
        ("1969-12-31", -1),
        ("2000-01-01", 10_957),
        ("2021-06-30", 18_808),
        ("2024-02-29", 19_782),
        ("1949-10-01", -7_397),
        ("0001-01-01", -719_162),
        ("9999-12-31", 2_932_896),
    ])
    func dayNumbers(text: String, days: Int) throws {
        let value = try date(text)
        #expect(Int(value.daysSinceEpoch) == days)
        #expect(CivilDate(daysSinceEpoch: days) == value)
        #expect(value.description == text)
    }

    @Test func bounds() throws {
        #expect(try CivilDate.earliest == date("0001-01-01"))
        #expect(try CivilDate.latest == date("9999-12-31"))
        #expect(try CivilDate.epoch == date("1970-01-01"))
        #expect(CivilDate(daysSinceEpoch: -719_163) == nil)
        #expect(CivilDate(daysSinceEpoch: 2_932_897) == nil)
        #expect(CivilDate(daysSinceEpoch: Int.min) == nil)
        #expect(CivilDate(daysSinceEpoch: Int.max) == nil)
    }

    /// Every day of 1899...2101, and a sample of all the rest, converts both ways
    /// and follows the day before it.
    @Test func fieldsRoundTrip() throws {
        var previous: (year: Int, month: Int, day: Int)?
        for days in -25_567...48_000 {
            let value = try #require(CivilDate(daysSinceEpoch: days))
            let fields = value.components
            #expect(CivilDate(year: fields.year, month: fields.month, day: fields.day) == value)
            if let previous {
                let nextDay = previous.day == CivilDate.daysInMonth(year: previous.year, month: previous.month)
                    ? (previous.month == 12 ? (previous.year + 1, 1, 1) : (previous.year, previous.month + 1, 1))
                    : (previous.year, previous.month, previous.day + 1)
                #expect(fields == nextDay)
            }
            previous = fields
        }
        for days in stride(from: -719_162, through: 2_932_896, by: 997) {
            let value = try #require(CivilDate(daysSinceEpoch: days))
            let fields = value.components
            #expect(CivilDate(year: fields.year, month: fields.month, day: fields.day) == value)
        }
    }

    @Test(arguments: [(1900, false), (2000, true), (2023, false), (2024, true), (2100, false), (2400, true), (4, true), (1, false)])
    func leapYears(year: Int, leap: Bool) throws {
        #expect(CivilDate.isLeapYear(year) == leap)
        #expect(try #require(CivilDate(year: year, month: 2, day: 1)).daysInMonth == (leap ? 29 : 28))
    }

    @Test func parsesOnlyStrictISODates() throws {
        let parsed = try date("2021-06-30")
        #expect(parsed.year == 2021 && parsed.month == 6 && parsed.day == 30)
        #expect(try date("2024-02-29").description == "2024-02-29")
        let slice = "on 2021-06-30."
        #expect(CivilDate.parse(slice.dropFirst(3).dropLast()) == parsed)
    }

    @Test(arguments: [
        "2021-6-30", "2021-06-31", "20210630", " 2021-06-30", "2021-06-30 ", "2021/06/30",
        "2021-02-29", "0000-01-01", "2021-00-10", "2021-13-01", "2021-06-00", "2021-06-3O",
        "２０２１-06-30", "", "2021-06-30T00:00", "+2021-06-30", "-021-06-30", "2021-06--3",
        "21-06-30", "2021-06-3", "10000-01-01", "2021-06-30\u{301}",
    ])
    func rejects(text: String) {
        #expect(CivilDate.parse(text) == nil)
    }

    @Test(arguments: [
        ("2021-06-30", 3),
        ("1970-01-01", 4),
        ("1969-12-31", 3),
        ("2000-01-01", 6),
        ("2024-02-29", 4),
        ("1949-10-01", 6),
        ("2021-06-27", 7),
        ("2021-06-28", 1),
        ("0001-01-01", 1),
        ("9999-12-31", 5),
    ])
    func weekday(text: String, expected: Int) throws {
        #expect(try date(text).weekday == expected)
    }

    @Test(arguments: [
        ("2021-12-31", 1, "2022-01-01"),
        ("2024-02-28", 1, "2024-02-29"),
        ("2021-02-28", 1, "2021-03-01"),
        ("2021-03-01", -1, "2021-02-28"),
        ("2021-06-30", 0, "2021-06-30"),
        ("2021-06-30", 365, "2022-06-30"),
        ("1970-01-01", -1, "1969-12-31"),
        ("0001-01-01", 3_652_058, "9999-12-31"),
    ])
    func addingDays(start: String, days: Int, expected: String) throws {
        #expect(try date(start).adding(days: days) == date(expected))
        #expect(try CivilDate.daysBetween(date(start), date(expected)) == days)
        #expect(try CivilDate.daysBetween(date(expected), date(start)) == -days)
    }

    @Test func addingDaysLeavesRange() throws {
        #expect(try date("9999-12-31").adding(days: 1) == nil)
        #expect(try date("0001-01-01").adding(days: -1) == nil)
        #expect(try date("2021-06-30").adding(days: Int.max) == nil)
        #expect(try date("2021-06-30").adding(days: Int.min) == nil)
    }

    @Test(arguments: [
        ("2021-01-31", 1, "2021-02-28"),
        ("2024-01-31", 1, "2024-02-29"),
        ("2021-03-31", -1, "2021-02-28"),
        ("2021-01-31", 2, "2021-03-31"),
        ("2021-05-31", 1, "2021-06-30"),
        ("2021-12-15", 1, "2022-01-15"),
        ("2021-01-15", -1, "2020-12-15"),
        ("2021-01-15", -13, "2019-12-15"),
        ("2021-06-30", 0, "2021-06-30"),
        ("2024-02-29", 12, "2025-02-28"),
        ("2024-02-29", 48, "2028-02-29"),
        ("0001-01-01", 119_987, "9999-12-01"),
        ("9999-12-31", -119_987, "0001-01-31"),
    ])
    func addingMonths(start: String, months: Int, expected: String) throws {
        #expect(try date(start).adding(months: months) == date(expected))
    }

    @Test func addingMonthsClampsEachStep() throws {
        // Clamping loses the 31st: one month twice is not two months.
        let start = try date("2021-01-31")
        #expect(start.adding(months: 1)?.adding(months: 1) == (try date("2021-03-28")))
        #expect(start.adding(months: 2) == (try date("2021-03-31")))
    }

    @Test func addingMonthsLeavesRange() throws {
        #expect(try date("9999-12-01").adding(months: 1) == nil)
        #expect(try date("0001-01-31").adding(months: -1) == nil)
        #expect(try date("2021-06-30").adding(months: Int.max) == nil)
        #expect(try date("2021-06-30").adding(months: Int.min) == nil)
    }

    @Test func addingYears() throws {
        #expect(try date("2024-02-29").adding(years: 1) == date("2025-02-28"))
        #expect(try date("2024-02-29").adding(years: 4) == date("2028-02-29"))
        #expect(try date("2024-02-29").adding(years: -24) == date("2000-02-29"))
        #expect(try date("2021-06-30").adding(years: 7979) == nil)
        #expect(try date("2021-06-30").adding(years: Int.max) == nil)
        #expect(try date("2021-06-30").adding(years: Int.min) == nil)
    }

    @Test(arguments: [
        ("2021-01-31", "2021-02-28", 1),
        ("2021-01-31", "2021-02-27", 0),
        ("2021-01-15", "2021-07-14", 5),
        ("2021-01-15", "2021-07-15", 6),
        ("2021-01-15", "2021-07-16", 6),
        ("2021-06-30", "2021-06-30", 0),
        ("2021-07-15", "2021-01-15", -6),
        ("2021-07-14", "2021-01-15", -5),
        ("2021-02-28", "2021-01-31", -1),
        ("2021-01-01", "2020-12-31", 0),
        ("2020-12-31", "2021-01-01", 0),
        ("2021-03-31", "2021-04-30", 1),
        ("2021-01-30", "2021-02-28", 1),
        ("2021-01-31", "2021-03-30", 1),
        ("2020-02-29", "2021-02-28", 12),
        ("2021-02-28", "2022-02-28", 12),
        ("2021-02-28", "2022-02-27", 11),
        ("0001-01-01", "9999-12-31", 119_987),
        ("9999-12-31", "0001-01-01", -119_987),
    ])
    func monthsBetween(start: String, end: String, months: Int) throws {
        #expect(try CivilDate.monthsBetween(date(start), date(end)) == months)
    }

    /// The documented definition, checked directly on spread-out pairs.
    @Test func monthsBetweenMatchesDefinition() throws {
        var seed: UInt64 = 0x2021_0630
        func nextDay() -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            // Days within 1990...2049, where month ends of every kind occur.
            return 7_305 + Int((seed >> 33) % 21_915)
        }
        for _ in 0..<5_000 {
            let a = try #require(CivilDate(daysSinceEpoch: nextDay()))
            let b = try #require(CivilDate(daysSinceEpoch: nextDay()))
            let months = CivilDate.monthsBetween(a, b)
            #expect(months == -CivilDate.monthsBetween(b, a))
            let (low, high) = a <= b ? (a, b) : (b, a)
            let n = abs(months)
            #expect(try #require(low.adding(months: n)) <= high)
            #expect(try #require(low.adding(months: n + 1)) > high)
        }
    }

    @Test(arguments: [
        ("2000-02-29", "2018-02-28", 18),
        ("2000-02-29", "2018-02-27", 17),
        ("2000-06-15", "2018-06-14", 17),
        ("2000-06-15", "2018-06-15", 18),
        ("2018-06-15", "2000-06-15", -18),
        ("2018-06-14", "2000-06-15", -17),
    ])
    func yearsBetween(start: String, end: String, years: Int) throws {
        #expect(try CivilDate.yearsBetween(date(start), date(end)) == years)
    }

    @Test func ordersAndHashesByDay() throws {
        let texts = ["0001-01-01", "1969-12-31", "1970-01-01", "2021-06-30", "2021-07-01", "9999-12-31"]
        let dates = try texts.map(date)
        #expect(dates.shuffled().sorted() == dates)
        #expect(Set(dates + dates).count == dates.count)
    }

    /// The readers parse dates from bytes in memory, without a loop; they
    /// must accept and refuse exactly what the general parse does.
    @Test func parsingBytesInPlaceAgreesWithTheGeneralParse() {
        var random = SplitMix64(seed: 12)
        let alphabet = Array("0123456789-/:a ".utf8)
        var inputs = ["2021-09-30", "2024-02-29", "2023-02-29", "0000-01-01", "9999-12-31", "2021-13-01", "2021-00-10", "2021-9-30",
                      "2021-09-3", "2021-09-300", "２０２１-09-30", "2021/09/30", ""].map { Array($0.utf8) }
        for _ in 0..<20_000 {
            // A date, then half the time one byte changed, dropped or added.
            var bytes = Array(String(format: "%04d-%02d-%02d", Int(random.next() % 10_000), Int(random.next() % 13),
                                     Int(random.next() % 32)).utf8)
            switch random.next() % 6 {
            case 0: bytes[Int(random.next() % 10)] = alphabet[Int(random.next() % UInt64(alphabet.count))]
            case 1: bytes.removeLast()
            case 2: bytes.append(alphabet[Int(random.next() % UInt64(alphabet.count))])
            default: break
            }
            inputs.append(bytes)
        }
        var dates = 0
        for bytes in inputs {
            let general = CivilDate.parse(utf8: bytes)
            let inPlace = bytes.withUnsafeBufferPointer { CivilDate.parse(utf8: $0) }
            #expect(general == inPlace, "\(String(decoding: bytes, as: UTF8.self))")
            if general != nil { dates += 1 }
        }
        #expect(dates > 5_000, "most inputs are dates, so that both answers are tried")
    }
}
