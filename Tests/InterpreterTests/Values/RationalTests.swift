import Testing
@testable import Interpreter

/// Parses strict decimal text, failing the test instead of trapping.
private func number(_ text: String) throws -> Rational {
    try Rational.parse(text).get()
}

/// The fraction n/d, failing the test when it has none.
private func fraction(_ n: Int64, _ d: Int64) throws -> Rational {
    try #require(Rational(numerator: n, denominator: d))
}

@Suite struct RationalExactnessTests {
    @Test func moneyComparesExactly() throws {
        #expect(try number("5999.99") < number("6000"))
        #expect(!(try number("6000") < number("5999.99")))
        #expect(try number("6000.00") == number("6000"))
        #expect(try number("6000").subtracting(number("0.01")) == number("5999.99"))
    }

    @Test func decimalSumsAreExact() throws {
        #expect(try number("0.1").adding(number("0.2")) == number("0.3"))
        #expect(try number("0.3").subtracting(number("0.1")) == number("0.2"))
    }

    @Test func thirdsRoundTrip() throws {
        let ten = Rational(10), three = Rational(3)
        #expect(try ten.dividing(by: three).multiplying(by: three) == ten)
        #expect(try ten.dividing(by: three) == fraction(10, 3))
    }

    @Test(arguments: [
        (Int64(6), Int64(-4), Int64(-3), Int64(2)),
        (0, -5, 0, 1),
        (-10, -4, 5, 2),
        (Int64.min, -2, Int64(1) << 62, 1),
        (Int64.min, Int64.min, 1, 1),
        (Int64.max, Int64.max, 1, 1),
        (2, Int64.min, -1, Int64(1) << 62),
    ])
    func initReduces(numerator: Int64, denominator: Int64, expectedNumerator: Int64, expectedDenominator: Int64) throws {
        let value = try fraction(numerator, denominator)
        #expect(value.numerator == expectedNumerator)
        #expect(value.denominator == expectedDenominator)
    }

    @Test func initRejectsZeroDenominatorAndOverflow() {
        #expect(Rational(numerator: 1, denominator: 0) == nil)
        #expect(Rational(numerator: 0, denominator: 0) == nil)
        // 2^63 has no Int64.
        #expect(Rational(numerator: Int64.min, denominator: -1) == nil)
        #expect(Rational(numerator: -1, denominator: Int64.min) == nil)
        #expect(Rational(numerator: 1, denominator: Int64.min) == nil)
    }

    @Test func equalValuesHashAlike() throws {
        let values: Set<Rational> = [try number("0.50"), try fraction(1, 2), try number("5e-1"), try fraction(-2, -4)]
        #expect(values.count == 1)
    }

    @Test func properties() throws {
        let half = try fraction(-1, 2)
        #expect(half.sign == -1 && half.isNegative && !half.isInteger && !half.isZero)
        #expect(half.integerValue == nil)
        #expect(Rational.zero.sign == 0 && Rational.zero.isZero && Rational.zero.isInteger)
        #expect(Rational.zero.denominator == 1)
        #expect(Rational(7).sign == 1 && Rational(7).integerValue == 7)
    }

    @Test(arguments: [
        (UInt64(0), UInt64(0), UInt64(0)),
        (0, 9, 9),
        (12, 18, 6),
        (17, 5, 1),
        (1 << 63, 1 << 40, 1 << 40),
        (UInt64.max, UInt64.max, UInt64.max),
    ])
    func gcd(a: UInt64, b: UInt64, expected: UInt64) {
        #expect(Rational.gcd(a, b) == expected)
        #expect(Rational.gcd(UInt128(a) << 64, UInt128(b) << 64) == UInt128(expected) << 64)
    }
}

@Suite struct RationalParsingTests {
    @Test(arguments: [
        ("0", "0", 0),
        ("-0", "0", 0),
        ("-0.00", "0", 2),
        ("6000", "6000", 0),
        ("5999.99", "5999.99", 2),
        ("1.50", "1.5", 2),
        ("6000.505", "6000.505", 3),
        ("-3.5", "-3.5", 1),
        ("0.125", "0.125", 3),
        ("0.000001", "0.000001", 6),
        ("1e3", "1000", 0),
        ("1E+2", "100", 0),
        ("6.0e3", "6000", 0),
        ("1.5e3", "1500", 0),
        ("1.5E-2", "0.015", 3),
        ("1.5e-1", "0.15", 2),
        ("150e-2", "1.5", 2),
        ("0e400", "0", 0),
        ("0.00e-5", "0", 7),
        ("1000000000000000000000e-3", "1000000000000000000", 3),
        ("9223372036854775807", "9223372036854775807", 0),
        ("-9223372036854775808", "-9223372036854775808", 0),
        ("0.1000000000000000000000000000000000000000000000000", "0.1", 49),
    ])
    func strict(text: String, description: String, places: Int) throws {
        let parsed = try Rational.parseDecimal(text).get()
        #expect(parsed.value.description == description)
        #expect(parsed.decimalPlaces == places)
        #expect(Rational.decimalPlaces(of: text) == places)
        #expect(try Rational.parse(text).get() == parsed.value)
    }

    @Test(arguments: [
        ("", RationalParseError.empty),
        (" 1", .invalidCharacter(offset: 0)),
        ("1 ", .invalidCharacter(offset: 1)),
        ("+1", .invalidCharacter(offset: 0)),
        ("01", .invalidCharacter(offset: 1)),
        ("-00", .invalidCharacter(offset: 2)),
        (".5", .invalidCharacter(offset: 0)),
        ("5.", .invalidCharacter(offset: 2)),
        ("-", .invalidCharacter(offset: 1)),
        ("--1", .invalidCharacter(offset: 1)),
        ("1e", .invalidCharacter(offset: 2)),
        ("1e+", .invalidCharacter(offset: 3)),
        ("0.5e", .invalidCharacter(offset: 4)),
        ("1.2.3", .invalidCharacter(offset: 3)),
        ("6,000", .invalidCharacter(offset: 1)),
        ("1_000", .invalidCharacter(offset: 1)),
        ("12a", .invalidCharacter(offset: 2)),
        ("NaN", .invalidCharacter(offset: 0)),
        ("Infinity", .invalidCharacter(offset: 0)),
        ("0x10", .invalidCharacter(offset: 1)),
        ("１", .invalidCharacter(offset: 0)),
        ("¥5", .invalidCharacter(offset: 0)),
        // Offsets count Unicode scalars: "é" here is e + U+0301.
        ("e\u{301}1", .invalidCharacter(offset: 0)),
        ("1e\u{301}", .invalidCharacter(offset: 2)),
        ("5元", .invalidCharacter(offset: 1)),
        ("1e400", .outOfRange),
        ("-1e400", .outOfRange),
        ("1e99999999999999999999999", .outOfRange),
        ("99999999999999999999.999", .outOfRange),
        ("9223372036854775808", .outOfRange),
        ("-9223372036854775809", .outOfRange),
        // Denominator 10^19 has no Int64.
        ("1e-19", .outOfRange),
        ("0.0000000000000000001", .outOfRange),
        (String(repeating: "9", count: 80), .outOfRange),
    ])
    func strictErrors(text: String, error: RationalParseError) {
        #expect(Rational.parse(text) == .failure(error))
        #expect(Rational.decimalPlaces(of: text) == nil)
    }

    @Test(arguments: [
        ("+5", "5", 0),
        (".5", "0.5", 1),
        ("-.5", "-0.5", 1),
        ("5.", "5", 0),
        ("007", "7", 0),
        (" 6,000.50 ", "6000.5", 2),
        ("6,000", "6000", 0),
        ("1,234,567", "1234567", 0),
        ("-1,234.5e1", "-12345", 0),
        ("\t42\n", "42", 0),
        ("\u{3000}42\u{00A0}", "42", 0),
        ("5999.99", "5999.99", 2),
        ("+1e3 ", "1000", 0),
    ])
    func lenient(text: String, description: String, places: Int) throws {
        let parsed = try Rational.parseDecimal(text, lenient: true).get()
        #expect(parsed.value.description == description)
        #expect(parsed.decimalPlaces == places)
        #expect(try Rational.parseLenient(text).get() == parsed.value)
    }

    @Test(arguments: [
        ("", RationalParseError.empty),
        ("   ", .empty),
        (".", .invalidCharacter(offset: 1)),
        ("+", .invalidCharacter(offset: 1)),
        ("+-1", .invalidCharacter(offset: 1)),
        ("1 2", .invalidCharacter(offset: 2)),
        // A decimal comma must not turn into a thousands separator.
        ("1,5", .invalidCharacter(offset: 3)),
        ("12,34", .invalidCharacter(offset: 5)),
        ("12,34.5", .invalidCharacter(offset: 5)),
        ("1,2345", .invalidCharacter(offset: 5)),
        ("1234,567", .invalidCharacter(offset: 4)),
        ("0,123", .invalidCharacter(offset: 1)),
        (",123", .invalidCharacter(offset: 0)),
        ("1,,234", .invalidCharacter(offset: 2)),
        ("1,", .invalidCharacter(offset: 2)),
        ("1.234,5", .invalidCharacter(offset: 5)),
        ("1e400", .outOfRange),
    ])
    func lenientErrors(text: String, error: RationalParseError) {
        #expect(Rational.parseLenient(text) == .failure(error))
    }

    @Test func substringsParse() throws {
        let line = "price=5999.99;"
        let start = try #require(line.firstIndex(of: "=")), end = try #require(line.firstIndex(of: ";"))
        let slice = line[line.index(after: start)..<end]
        #expect(try Rational.parse(slice).get() == number("5999.99"))
    }

    /// A caller rejecting money written with more than two decimals.
    @Test(arguments: [
        ("6000.50", true), ("6000.505", false), ("6000.500", false),
        ("6.0005e3", true), ("6.00005e3", true), ("6.000005e3", false), ("600050e-2", true),
    ])
    func moneyPlacesCheck(text: String, accepted: Bool) {
        #expect((Rational.decimalPlaces(of: text).map { $0 <= 2 } ?? false) == accepted)
    }
}

@Suite struct RationalArithmeticTests {
    @Test func overflowIsReportedNotTrapped() throws {
        #expect(throws: ArithmeticError.overflow) { try Rational(Int64.max).adding(.one) }
        #expect(throws: ArithmeticError.overflow) { try Rational(Int64.min).subtracting(.one) }
        #expect(throws: ArithmeticError.overflow) { try Rational(Int64.min).negated() }
        #expect(throws: ArithmeticError.overflow) { try Rational(Int64.max).multiplying(by: Rational(2)) }
        #expect(throws: ArithmeticError.overflow) { try Rational(Int64.min).multiplying(by: Rational(-1)) }
        #expect(throws: ArithmeticError.overflow) { try Rational(Int64.min).dividing(by: Rational(-1)) }
        #expect(throws: ArithmeticError.overflow) { try Rational(Int64.max).multiplying(by: fraction(3, 2)) }
        // The denominator overflows: 1/(Int64.max · 2).
        #expect(throws: ArithmeticError.overflow) { try fraction(1, Int64.max).multiplying(by: fraction(1, 2)) }
        #expect(throws: ArithmeticError.overflow) { try fraction(1, Int64.max).adding(fraction(1, 2)) }
        #expect(throws: ArithmeticError.overflow) { try fraction(Int64.max, 2).adding(fraction(1, 6)) }
        #expect(throws: ArithmeticError.overflow) { try Rational(Int64.max).adding(fraction(1, 2)) }
        #expect(throws: ArithmeticError.overflow) { try number("4000000000000000000").multiplying(by: number("4000000000000000000")) }
    }

    @Test func divisionByZero() throws {
        #expect(throws: ArithmeticError.divisionByZero) { try Rational.one.dividing(by: .zero) }
        #expect(throws: ArithmeticError.divisionByZero) { try Rational.zero.dividing(by: .zero) }
        #expect(throws: ArithmeticError.divisionByZero) { try number("5999.99").dividing(by: number("-0")) }
    }

    /// Results that fit although the textbook intermediates do not.
    @Test func largeIntermediatesThatReduce() throws {
        // (2^63 − 1)/2 + 1/2 = 2^62.
        #expect(try fraction(Int64.max, 2).adding(fraction(1, 2)) == Rational(Int64(1) << 62))
        // −2^63/3 − 1/3 = −(2^63 + 1)/3.
        #expect(try fraction(Int64.min, 3).subtracting(fraction(1, 3)) == Rational(-3_074_457_345_618_258_603))
        // (2^63 − 1)/2 − (2^63 − 1)/6 = (2^63 − 1)/3.
        #expect(try fraction(Int64.max, 2).subtracting(fraction(Int64.max, 6)) == fraction(Int64.max, 3))
        #expect(try Rational(Int64.max).subtracting(Rational(Int64.max)) == .zero)
        #expect(try Rational(Int64.min).subtracting(Rational(Int64.min)) == .zero)
        #expect(try Rational(Int64.min).adding(Rational(Int64.max)) == Rational(-1))
        #expect(try Rational(-1).subtracting(Rational(Int64.max)) == Rational(Int64.min))
        #expect(try Rational(Int64.min).multiplying(by: fraction(1, 2)) == Rational(-(Int64(1) << 62)))
        #expect(try Rational(Int64.min).dividing(by: Rational(-2)) == Rational(Int64(1) << 62))
        #expect(try Rational(Int64.min).dividing(by: Rational(Int64.min)) == .one)
        #expect(try fraction(Int64.max, 2).multiplying(by: fraction(2, Int64.max)) == .one)
        #expect(try fraction(Int64.min, Int64.max).dividing(by: fraction(Int64.min, Int64.max)) == .one)
        #expect(try fraction(1, Int64.max).negated() == fraction(-1, Int64.max))
    }

    @Test(arguments: [
        ("1.25", "2.5", "3.75", "-1.25", "3.125", "0.5"),
        ("0.1", "0.2", "0.3", "-0.1", "0.02", "0.5"),
        ("-3", "4", "1", "-7", "-12", "-0.75"),
        ("5999.99", "0.01", "6000", "5999.98", "59.9999", "599999"),
        ("0.5", "0.25", "0.75", "0.25", "0.125", "2"),
        ("0", "7", "7", "-7", "0", "0"),
    ])
    func arithmeticTable(a: String, b: String, sum: String, difference: String, product: String, quotient: String) throws {
        let x = try number(a), y = try number(b)
        #expect(try x.adding(y) == number(sum))
        #expect(try y.adding(x) == number(sum))
        #expect(try x.subtracting(y) == number(difference))
        #expect(try x.multiplying(by: y) == number(product))
        #expect(try x.dividing(by: y) == number(quotient))
    }

    @Test func thirdsAndSevenths() throws {
        // 1/3 + 1/6 = 1/2 needs the gcd step; 1/3 + 1/7 has coprime denominators.
        #expect(try fraction(1, 3).adding(fraction(1, 6)) == fraction(1, 2))
        #expect(try fraction(1, 3).adding(fraction(1, 7)) == fraction(10, 21))
        #expect(try fraction(1, 4).adding(fraction(1, 4)) == fraction(1, 2))
        #expect(try fraction(5, 6).subtracting(fraction(1, 3)) == fraction(1, 2))
    }
}

@Suite struct RationalComparisonTests {
    @Test func sortsExactly() throws {
        let texts = ["-9223372036854775808", "-6000", "-0.5", "0", "0.1", "0.3", "5999.99", "6000", "9223372036854775807"]
        let values = try texts.map(number)
        #expect(values.shuffled().sorted() == values)
    }

    @Test func closeLargeFractions() throws {
        let x = Int64.max
        // x/(x−1) < (x−1)/(x−2): the cross products need 128 bits.
        let a = try fraction(x, x - 1), b = try fraction(x - 1, x - 2)
        #expect(a < b && !(b < a) && a != b)
        let c = try fraction(Int64.min, x), d = try fraction(Int64.min + 1, x)
        #expect(c < d)
        #expect(try fraction(-1, x) < .zero && Rational.zero < fraction(1, x))
        #expect(try fraction(1, x) < fraction(1, x - 1))
    }
}

@Suite struct RationalRoundingTests {
    typealias Mode = Rational.RoundingMode

    @Test(arguments: [
        ("2.345", 2, Mode.halfAwayFromZero, "2.35"),
        ("2.345", 2, .halfEven, "2.34"),
        ("2.345", 2, .down, "2.34"),
        ("2.345", 2, .up, "2.35"),
        ("2.345", 2, .floor, "2.34"),
        ("2.345", 2, .ceiling, "2.35"),
        ("-2.345", 2, .halfAwayFromZero, "-2.35"),
        ("-2.345", 2, .halfEven, "-2.34"),
        ("-2.345", 2, .down, "-2.34"),
        ("-2.345", 2, .up, "-2.35"),
        ("-2.345", 2, .floor, "-2.35"),
        ("-2.345", 2, .ceiling, "-2.34"),
        ("-2.5", 0, .halfAwayFromZero, "-3"),
        ("-2.5", 0, .halfEven, "-2"),
        ("-2.5", 0, .down, "-2"),
        ("-2.5", 0, .up, "-3"),
        ("-2.5", 0, .floor, "-3"),
        ("-2.5", 0, .ceiling, "-2"),
        ("2.5", 0, .halfAwayFromZero, "3"),
        ("2.5", 0, .halfEven, "2"),
        ("3.5", 0, .halfEven, "4"),
        ("-3.5", 0, .halfEven, "-4"),
        ("2.355", 2, .halfEven, "2.36"),
        ("2.3451", 2, .halfEven, "2.35"),
        ("2.3449", 2, .halfAwayFromZero, "2.34"),
        ("2.341", 2, .up, "2.35"),
        ("-2.349", 2, .down, "-2.34"),
        ("0.004", 2, .halfAwayFromZero, "0"),
        ("-0.004", 2, .floor, "-0.01"),
        ("-0.004", 2, .ceiling, "0"),
        ("5999.995", 2, .halfAwayFromZero, "6000"),
        ("6000", 2, .up, "6000"),
        ("5999.99", 2, .up, "5999.99"),
        ("5999.99", 1, .down, "5999.9"),
        ("5999.99", 0, .halfAwayFromZero, "6000"),
    ])
    func decimalRounding(text: String, places: Int, mode: Mode, expected: String) throws {
        #expect(try number(text).rounded(places: places, mode: mode) == number(expected))
    }

    @Test(arguments: [
        (Int64(1), Int64(3), 2, Mode.halfAwayFromZero, "0.33"),
        (1, 3, 2, .halfEven, "0.33"),
        (1, 3, 2, .up, "0.34"),
        (2, 3, 2, .halfAwayFromZero, "0.67"),
        (2, 3, 2, .down, "0.66"),
        (-2, 3, 2, .floor, "-0.67"),
        (-2, 3, 2, .ceiling, "-0.66"),
        (-1, 3, 0, .floor, "-1"),
        (-1, 3, 0, .ceiling, "0"),
        (1, 3, 12, .halfAwayFromZero, "0.333333333333"),
        (2, 3, 12, .halfAwayFromZero, "0.666666666667"),
        // Out of 0...18, places are clamped.
        (1, 3, -5, .up, "1"),
        (1, 3, 100, .halfAwayFromZero, "0.333333333333333333"),
    ])
    func fractionRounding(numerator: Int64, denominator: Int64, places: Int, mode: Mode, expected: String) throws {
        #expect(try fraction(numerator, denominator).rounded(places: places, mode: mode) == number(expected))
    }

    @Test func defaultIsHalfAwayFromZeroToInteger() throws {
        #expect(try number("-2.5").rounded() == Rational(-3))
        #expect(try number("2.345").rounded(places: 2) == number("2.35"))
    }

    @Test func roundingOverflowIsReported() throws {
        #expect(throws: ArithmeticError.overflow) { try fraction(Int64.max, 3).rounded(places: 1) }
        #expect(try fraction(Int64.max, 3).rounded(places: 0) == Rational(3_074_457_345_618_258_602))
        #expect(try Rational(Int64.min).rounded(places: 18, mode: .up) == Rational(Int64.min))
    }
}

@Suite struct RationalTextTests {
    @Test(arguments: [
        (Int64(6000), Int64(1), "6000"),
        (599_999, 100, "5999.99"),
        (1, 8, "0.125"),
        (-7, 2, "-3.5"),
        (0, 1, "0"),
        (1, 1024, "0.0009765625"),
        (Int64.min, 1, "-9223372036854775808"),
        (Int64.max, 1, "9223372036854775807"),
        (1, 3, "0.333333…"),
        (2, 3, "0.666667…"),
        (-1, 3, "-0.333333…"),
        (1, 7, "0.142857…"),
        (10, 3, "3.333333…"),
        (-1, 30_000_000, "-0.000000…"),
        (1, Int64(1) << 62, "0.00000000000000000021684043449710088680149056017398834228515625"),
        (Int64.max, Int64(1) << 62, "1.99999999999999999978315956550289911319850943982601165771484375"),
        (Int64.min, 7_450_580_596_923_828_125, "-1.237940039285380274899124224"),
    ])
    func description(numerator: Int64, denominator: Int64, expected: String) throws {
        let value = try fraction(numerator, denominator)
        #expect(value.description == expected)
        if !expected.hasSuffix("…") {
            // Exact text parses back to the same value, even with 62 places.
            #expect(try number(expected) == value)
        }
    }

    @Test(arguments: [
        ("6000", 2, "6000.00"),
        ("5999.99", 2, "5999.99"),
        ("5999.995", 2, "6000.00"),
        ("9.995", 2, "10.00"),
        ("-0.005", 2, "-0.01"),
        ("-0.004", 2, "0.00"),
        ("0.125", 2, "0.13"),
        ("-2.5", 0, "-3"),
        ("1234.5", 1, "1234.5"),
        ("0.1", 3, "0.100"),
        ("-9223372036854775808", 2, "-9223372036854775808.00"),
        ("9223372036854775807", 0, "9223372036854775807"),
    ])
    func formatted(text: String, places: Int, expected: String) throws {
        #expect(try number(text).formatted(places: places) == expected)
    }

    @Test func formattedFractions() throws {
        #expect(try fraction(1, 3).formatted(places: 2) == "0.33")
        #expect(try fraction(2, 3).formatted(places: 0) == "1")
        #expect(try fraction(-2, 3).formatted(places: 4) == "-0.6667")
        #expect(try fraction(Int64.max, 3).formatted(places: 2) == "3074457345618258602.33")
        #expect(try fraction(Int64.max, Int64.max - 1).formatted(places: 18) == "1.000000000000000000")
    }
}


@Suite struct RationalFuzzTests {
    @Test func smallRationalIdentities() throws {
        var random = Random(seed: 20_210_630)
        for _ in 0..<10_000 {
            let a = try fraction(Int64.random(in: -1000...1000, using: &random), Int64.random(in: 1...1000, using: &random))
            let b = try fraction(Int64.random(in: -1000...1000, using: &random), Int64.random(in: 1...1000, using: &random))
            #expect(try a.adding(b).subtracting(b) == a)
            #expect(try a.adding(b) == fraction(
                a.numerator * b.denominator + b.numerator * a.denominator, a.denominator * b.denominator))
            if !b.isZero {
                #expect(try a.multiplying(by: b).dividing(by: b) == a)
            }
            let crossLess = a.numerator * b.denominator < b.numerator * a.denominator
            #expect((a < b) == crossLess)
            #expect((a == b) == (a.numerator * b.denominator == b.numerator * a.denominator))
        }
    }

    /// The byte-level fast path for plain decimals must agree with the full
    /// scanner on everything, including what it hands over.
    @Test func plainFastPathAgreesWithScanner() {
        var random = Random(seed: 6000)
        let alphabet = Array("0001599.-+e, ")
        for round in 0..<20_000 {
            let text: String
            if round % 2 == 0 {
                text = String((0..<Int.random(in: 0...8, using: &random)).map { _ in
                    alphabet[Int.random(in: 0..<alphabet.count, using: &random)]
                })
            } else {
                // Plain decimals around the 18-digit limit of the fast path.
                let digits = String((0..<Int.random(in: 1...21, using: &random)).map { _ in
                    Character(String(Int.random(in: 0...9, using: &random)))
                })
                let dot = Int.random(in: 0...digits.count, using: &random)
                let sign = Bool.random(using: &random) ? "-" : ""
                text = dot == 0 || dot == digits.count
                    ? sign + digits
                    : sign + digits.prefix(dot) + "." + digits.dropFirst(dot)
            }
            for lenient in [false, true] {
                #expect(Rational.parseDecimal(text, lenient: lenient) == Rational.scanDecimal(text, lenient: lenient),
                        "\(text) lenient: \(lenient)")
            }
        }
    }

    /// Full-range values against a 128-bit reference: each operation must give
    /// the exact result when the reduced result fits and `.overflow` otherwise.
    @Test func fullRangeAgainstReference() throws {
        var random = Random(seed: 11_643)
        for round in 0..<10_000 {
            // Mix full-range, mid-range and tiny parts so that every path runs.
            func part(nonzero: Bool) -> Int64 {
                let bound: Int64 = [Int64.max, 1 << 40, 1 << 20, 100][round % 4]
                var value = Int64.random(in: -bound...bound, using: &random)
                if nonzero && value == 0 { value = 1 }
                return value
            }
            guard let a = Rational(numerator: part(nonzero: false), denominator: part(nonzero: true)),
                  let b = Rational(numerator: part(nonzero: false), denominator: part(nonzero: true))
            else { continue }
            let an = Int128(a.numerator), ad = Int128(a.denominator)
            let bn = Int128(b.numerator), bd = Int128(b.denominator)
            check(try a.adding(b), reference(an * bd + bn * ad, ad * bd))
            check(try a.subtracting(b), reference(an * bd - bn * ad, ad * bd))
            check(try a.multiplying(by: b), reference(an * bn, ad * bd))
            if !b.isZero {
                check(try a.dividing(by: b), reference(an * bd, ad * bn))
            }
            #expect((a < b) == (an * bd < bn * ad))
        }
    }

    private func check(_ result: @autoclosure () throws(ArithmeticError) -> Rational, _ expected: Rational?) {
        do {
            let value = try result()
            #expect(value == expected)
        } catch {
            #expect(expected == nil && error == .overflow)
        }
    }

    /// n/d by Euclid in 128 bits, independent of the code under test.
    private func reference(_ n: Int128, _ d: Int128) -> Rational? {
        var x = n.magnitude, y = d.magnitude
        while y != 0 { (x, y) = (y, x % y) }
        let sign: Int128 = d < 0 ? -1 : 1
        guard let numerator = Int64(exactly: n / Int128(x) * sign),
              let denominator = Int64(exactly: d / Int128(x) * sign)
        else { return nil }
        return Rational(uncheckedNumerator: numerator, denominator: denominator)
    }
}
