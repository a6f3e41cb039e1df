/// An exact number: a fraction of two `Int64`s kept in lowest terms with a
/// positive denominator (zero is 0/1). The interpreter represents money and every
/// other number this way because amounts in yuan must compare and add exactly
/// (`5999.99 < 6000`, `0.1 + 0.2 == 0.3`), which binary floating point cannot do.
///
/// Nothing here traps. Arithmetic reports `ArithmeticError.overflow` instead, and
/// only when the exact, reduced result does not fit in `Int64`: intermediates are
/// taken in 128 bits, or cancelled before multiplying, so a result that fits is
/// always delivered. Division appears only by gcds and denominators, which are
/// at least 1, so it cannot trap either.
///
/// Because the form is canonical, the synthesized `==` and `hash(into:)` compare
/// values, not spellings: `0.50` and `1/2` are the same `Rational`.
public struct Rational: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Carries the sign; shares no factor with `denominator`.
    public let numerator: Int64
    /// Always positive; 1 for integers.
    public let denominator: Int64

    public static let zero = Rational(0)
    public static let one = Rational(1)

    /// For callers that already hold a reduced fraction with a positive
    /// denominator; skipping the checks keeps the hot paths cheap.
    init(uncheckedNumerator numerator: Int64, denominator: Int64) {
        self.numerator = numerator
        self.denominator = denominator
    }

    public init(_ int: Int64) {
        numerator = int
        denominator = 1
    }

    /// Reduces `numerator/denominator`; nil when the denominator is zero or the
    /// reduced value does not fit (`Int64.min / -1`).
    public init?(numerator: Int64, denominator: Int64) {
        guard denominator != 0 else { return nil }
        let divisor = Rational.gcd(numerator.magnitude, denominator.magnitude)
        guard let value = Rational.make(
            negative: (numerator < 0) != (denominator < 0),
            magnitude: numerator.magnitude / divisor,
            denominator: denominator.magnitude / divisor
        ) else { return nil }
        self = value
    }

    // MARK: - Properties

    public var isZero: Bool { numerator == 0 }
    public var isNegative: Bool { numerator < 0 }
    public var isInteger: Bool { denominator == 1 }
    /// -1, 0 or 1.
    public var sign: Int { numerator < 0 ? -1 : (numerator == 0 ? 0 : 1) }
    /// The value as an `Int64` when it is an integer, so callers need not look at
    /// the denominator themselves.
    public var integerValue: Int64? { denominator == 1 ? numerator : nil }

    // MARK: - Arithmetic

    // Each operation throws `.overflow` only when the exact, reduced result does
    // not fit, never because an intermediate did not.

    public func adding(_ other: Rational) throws(ArithmeticError) -> Rational {
        try sum(other, subtracting: false)
    }

    public func subtracting(_ other: Rational) throws(ArithmeticError) -> Rational {
        // Not `adding(other.negated())`: negating Int64.min overflows even when
        // the difference fits.
        try sum(other, subtracting: true)
    }

    public func multiplying(by other: Rational) throws(ArithmeticError) -> Rational {
        if denominator == 1 && other.denominator == 1 {
            let (product, overflow) = numerator.multipliedReportingOverflow(by: other.numerator)
            if overflow { throw .overflow }
            return Rational(uncheckedNumerator: product, denominator: 1)
        }
        guard let result = Rational.product(
            negative: isNegative != other.isNegative,
            numerator.magnitude, denominator.magnitude,
            other.numerator.magnitude, other.denominator.magnitude
        ) else { throw .overflow }
        return result
    }

    /// Throws `.divisionByZero` for a zero divisor, whatever `self` is.
    public func dividing(by other: Rational) throws(ArithmeticError) -> Rational {
        guard other.numerator != 0 else { throw .divisionByZero }
        // Multiplying by the reciprocal in magnitudes: the reciprocal of
        // Int64.min / d would not fit as a Rational, but the product may.
        guard let result = Rational.product(
            negative: isNegative != other.isNegative,
            numerator.magnitude, denominator.magnitude,
            other.denominator.magnitude, other.numerator.magnitude
        ) else { throw .overflow }
        return result
    }

    /// Overflows only for a numerator of `Int64.min`, whose magnitude has no `Int64`.
    public func negated() throws(ArithmeticError) -> Rational {
        let (negative, overflow) = Int64(0).subtractingReportingOverflow(numerator)
        if overflow { throw .overflow }
        return Rational(uncheckedNumerator: negative, denominator: denominator)
    }

    /// `self ± other`, trying 64-bit paths before the 128-bit one because sums of
    /// money nearly always fit.
    private func sum(_ other: Rational, subtracting: Bool) throws(ArithmeticError) -> Rational {
        let a = numerator, b = denominator, c = other.numerator, d = other.denominator
        if b == d {
            let (n, overflow) = Rational.combine(a, c, subtracting: subtracting)
            if !overflow {
                if b == 1 { return Rational(uncheckedNumerator: n, denominator: 1) }
                // 1/4 + 1/4 = 2/4 still needs reducing.
                let g = Int64(truncatingIfNeeded: Rational.gcd(n.magnitude, b.magnitude))
                if g == 1 { return Rational(uncheckedNumerator: n, denominator: b) }
                return Rational(uncheckedNumerator: n / g, denominator: b / g)
            }
            // Two integers: the exact sum is the overflowed one, so it does not fit.
            if b == 1 { throw .overflow }
        } else if d == 1 || b == 1 {
            // a/b ± c = (a ± c·b)/b, already in lowest terms because
            // gcd(a ± c·b, b) = gcd(a, b) = 1; likewise with the roles swapped.
            let (n, overflow): (Int64, Bool)
            if d == 1 {
                let (cb, o1) = c.multipliedReportingOverflow(by: b)
                let (sum, o2) = Rational.combine(a, cb, subtracting: subtracting)
                (n, overflow) = (sum, o1 || o2)
            } else {
                let (ad, o1) = a.multipliedReportingOverflow(by: d)
                let (sum, o2) = Rational.combine(ad, c, subtracting: subtracting)
                (n, overflow) = (sum, o1 || o2)
            }
            if !overflow { return Rational(uncheckedNumerator: n, denominator: b == 1 ? d : b) }
        } else {
            // Knuth, TAOCP 4.5.1: cancel the denominators' common factor g first;
            // then only gcd(t, g) can remain in the result.
            let g = Int64(truncatingIfNeeded: Rational.gcd(b.magnitude, d.magnitude))
            // Divides are the slow part; skip them when there is nothing to cancel.
            let bg = g == 1 ? b : b / g, dg = g == 1 ? d : d / g
            let (ad, o1) = a.multipliedReportingOverflow(by: dg)
            let (cb, o2) = c.multipliedReportingOverflow(by: bg)
            let (t, o3) = Rational.combine(ad, cb, subtracting: subtracting)
            if !(o1 || o2 || o3) {
                if t == 0 { return .zero }
                let g2 = g == 1 ? 1 : Int64(truncatingIfNeeded: Rational.gcd(t.magnitude, g.magnitude))
                // This denominator is exact and reduced, so its overflow is final.
                let (denominator, o4) = bg.multipliedReportingOverflow(by: g2 == 1 ? d : d / g2)
                if o4 { throw .overflow }
                return Rational(uncheckedNumerator: g2 == 1 ? t : t / g2, denominator: denominator)
            }
        }
        // Every |x·y| below is < 2^126 and the sum < 2^127, so the wrapping
        // operators never actually wrap.
        let ad = Int128(a) &* Int128(d)
        let cb = Int128(c) &* Int128(b)
        let n = subtracting ? ad &- cb : ad &+ cb
        guard let result = Rational.reduced(n, Int128(b) &* Int128(d)) else { throw .overflow }
        return result
    }

    private static func combine(_ x: Int64, _ y: Int64, subtracting: Bool) -> (partialValue: Int64, overflow: Bool) {
        subtracting ? x.subtractingReportingOverflow(y) : x.addingReportingOverflow(y)
    }

    /// (n1/d1)·(n2/d2) in magnitudes, each pair in lowest terms. Cancelling
    /// crosswise first leaves the product in lowest terms, so an overflow of
    /// either product means the exact result does not fit.
    private static func product(
        negative: Bool, _ n1: UInt64, _ d1: UInt64, _ n2: UInt64, _ d2: UInt64
    ) -> Rational? {
        let g1 = gcd(n1, d2), g2 = gcd(n2, d1)
        let (n, o1) = (n1 / g1).multipliedReportingOverflow(by: n2 / g2)
        let (d, o2) = (d1 / g2).multipliedReportingOverflow(by: d2 / g1)
        guard !o1, !o2 else { return nil }
        return make(negative: negative, magnitude: n, denominator: d)
    }

    // MARK: - Comparison

    public static func < (lhs: Rational, rhs: Rational) -> Bool {
        if lhs.denominator == rhs.denominator { return lhs.numerator < rhs.numerator }
        // a/b < c/d ⇔ a·d < c·b for positive b, d; full-width products cannot
        // overflow. Compare them as 128-bit two's complement: signed high word,
        // then unsigned low word.
        let left = lhs.numerator.multipliedFullWidth(by: rhs.denominator)
        let right = rhs.numerator.multipliedFullWidth(by: lhs.denominator)
        return left.high < right.high || (left.high == right.high && left.low < right.low)
    }

    // MARK: - Rounding

    /// How `rounded(places:mode:)` resolves a value between two candidates.
    public enum RoundingMode: Hashable, Sendable, CaseIterable {
        /// Ties go away from zero (四舍五入): 2.345 → 2.35, -2.5 → -3. The money default.
        case halfAwayFromZero
        /// Ties go to the even neighbour (banker's rounding): 2.345 → 2.34, 2.5 → 2.
        case halfEven
        /// Toward zero (truncation): 2.349 → 2.34, -2.349 → -2.34.
        case down
        /// Away from zero: 2.341 → 2.35, -2.341 → -2.35.
        case up
        /// Toward negative infinity.
        case floor
        /// Toward positive infinity.
        case ceiling
    }

    /// The most places `rounded` and `formatted` take: 10^18 is the largest power
    /// of ten an `Int64` holds.
    public static let maximumPlaces = 18

    /// The nearest value with at most `places` decimal places, ties and direction
    /// per `mode`. `places` outside 0...18 is clamped into it, so the function has
    /// no failure mode beyond overflow (a result like rounding Int64.max/3 to 18
    /// places, whose numerator cannot fit).
    public func rounded(places: Int = 0, mode: RoundingMode = .halfAwayFromZero) throws(ArithmeticError) -> Rational {
        let scale = Rational.powersOfTen[Rational.clampedPlaces(places)]
        // Already exact at this precision, as money at 2 places usually is.
        if scale % denominator == 0 { return self }
        // Division truncates toward zero below; the remainder is never zero
        // because denominator shares no factor with numerator and does not
        // divide scale, and denominator > 1, so stepping the quotient by one
        // cannot wrap.
        let (scaled, overflow) = numerator.multipliedReportingOverflow(by: scale)
        if !overflow {
            // 64-bit divides are far cheaper than 128-bit ones.
            let quotient = scaled / denominator, remainder = scaled % denominator
            let away = Rational.roundsAwayFromZero(
                mode, negative: numerator < 0, remainder: remainder.magnitude,
                denominator: denominator.magnitude, oddQuotient: quotient & 1 != 0)
            let result = away ? (numerator < 0 ? quotient &- 1 : quotient &+ 1) : quotient
            guard let value = Rational(numerator: result, denominator: scale) else { throw .overflow }
            return value
        }
        // |numerator·scale| < 2^63·10^18 < 2^123: no wrap.
        let wideScaled = Int128(numerator) &* Int128(scale)
        let divisor = Int128(denominator)
        let quotient = wideScaled / divisor, remainder = wideScaled % divisor
        let away = Rational.roundsAwayFromZero(
            mode, negative: numerator < 0, remainder: UInt64(truncatingIfNeeded: remainder.magnitude),
            denominator: denominator.magnitude, oddQuotient: quotient & 1 != 0)
        let result = away ? (numerator < 0 ? quotient &- 1 : quotient &+ 1) : quotient
        guard let value = Rational.reduced(result, Int128(scale)) else { throw .overflow }
        return value
    }

    /// Whether truncation toward zero, which left a nonzero remainder, must step
    /// one unit away from zero instead.
    private static func roundsAwayFromZero(
        _ mode: RoundingMode, negative: Bool, remainder: UInt64, denominator: UInt64, oddQuotient: Bool
    ) -> Bool {
        // remainder < denominator < 2^63, so doubling it cannot wrap.
        let twiceRemainder = remainder &* 2
        switch mode {
        case .down: return false
        case .up: return true
        case .floor: return negative
        case .ceiling: return !negative
        case .halfAwayFromZero: return twiceRemainder >= denominator
        case .halfEven: return twiceRemainder > denominator || (twiceRemainder == denominator && oddQuotient)
        }
    }

    private static func clampedPlaces(_ places: Int) -> Int {
        min(max(places, 0), maximumPlaces)
    }

    private static let powersOfTen: [Int64] = [
        1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000,
        1_000_000_000, 10_000_000_000, 100_000_000_000, 1_000_000_000_000,
        10_000_000_000_000, 100_000_000_000_000, 1_000_000_000_000_000,
        10_000_000_000_000_000, 100_000_000_000_000_000, 1_000_000_000_000_000_000,
    ]

    // MARK: - Text

    /// Exact decimal text when the value has a finite decimal expansion (its
    /// denominator has no prime factors but 2 and 5): `6000`, `5999.99`, `0.125`,
    /// `-3.5`, never an exponent or a trailing zero. Otherwise the value rounded
    /// half away from zero to 6 places and marked inexact with `…`: 1/3 →
    /// `0.333333…`, -2/3 → `-0.666667…`. The sign is kept even when the rounded
    /// digits are all zero, so a tiny negative reads `-0.000000…`.
    ///
    /// Exact text parses back to the same value with `parse`.
    public var description: String {
        if denominator == 1 { return String(numerator) }
        var rest = denominator.magnitude
        let twos = rest.trailingZeroBitCount
        rest >>= twos
        var fives = 0
        while rest % 5 == 0 {
            rest /= 5
            fives += 1
        }
        if rest == 1 {
            // Exactly max(twos, fives) places, the last of them nonzero.
            return Rational.decimalText(
                negative: numerator < 0, magnitude: numerator.magnitude,
                denominator: denominator.magnitude, places: max(twos, fives), keepNegativeZero: true)
        }
        return Rational.decimalText(
            negative: numerator < 0, magnitude: numerator.magnitude,
            denominator: denominator.magnitude, places: 6, keepNegativeZero: true) + "…"
    }

    /// Fixed-point text with exactly `places` decimals (clamped to 0...18),
    /// rounded half away from zero: money as `6000.00`, `0.33` for 1/3. A value
    /// that rounds to zero prints without a sign (`-0.004` → `0.00`). Never fails:
    /// the digits are produced by long division, not by an `Int64` result.
    public func formatted(places: Int) -> String {
        Rational.decimalText(
            negative: numerator < 0, magnitude: numerator.magnitude,
            denominator: denominator.magnitude, places: Rational.clampedPlaces(places), keepNegativeZero: false)
    }

    /// Long division of magnitude/denominator to `places` digits, the rest
    /// rounded half away from zero (which is half-up on a magnitude).
    private static func decimalText(
        negative: Bool, magnitude: UInt64, denominator: UInt64, places: Int, keepNegativeZero: Bool
    ) -> String {
        var integerPart = magnitude / denominator
        var remainder = magnitude % denominator
        var fraction = [UInt8](repeating: UInt8(ascii: "0"), count: places)
        for index in 0..<places {
            // remainder < denominator, so remainder·10 / denominator is one digit
            // and dividingFullWidth cannot overflow.
            let (digit, next) = denominator.dividingFullWidth(remainder.multipliedFullWidth(by: 10))
            fraction[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: digit)
            remainder = next
        }
        // remainder < 2^63, so doubling it cannot wrap.
        if remainder &* 2 >= denominator {
            var index = places - 1
            var carry = true
            while carry && index >= 0 {
                if fraction[index] == UInt8(ascii: "9") {
                    fraction[index] = UInt8(ascii: "0")
                } else {
                    fraction[index] &+= 1
                    carry = false
                }
                index -= 1
            }
            // integerPart ≤ 2^63, so one more cannot wrap.
            if carry { integerPart &+= 1 }
        }
        let isZero = integerPart == 0 && !fraction.contains { $0 != UInt8(ascii: "0") }
        var text = negative && (keepNegativeZero || !isZero) ? "-" : ""
        text += String(integerPart)
        if places > 0 {
            text += "."
            text += String(decoding: fraction, as: UTF8.self)
        }
        return text
    }

    // MARK: - Parsing

    /// A parsed number with how many decimal places its text wrote.
    public struct ParsedDecimal: Hashable, Sendable {
        public let value: Rational
        /// Fraction digits of the plain decimal the text denotes, trailing zeros
        /// included: `1.50` → 2, `1.5e-1` (0.15) → 2, `150e-2` → 2, `1.5e3` → 0,
        /// `6000` → 0. Money allows at most 2 (a fen); compare with that to reject more.
        public let decimalPlaces: Int
    }

    /// Strict, JSON-like decimal: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    /// Rejected, each as `.invalidCharacter`: a leading `+`, leading zeros (`01`),
    /// `.5`, `5.`, spaces, thousands separators. `-0` is zero. Exponents are
    /// applied exactly, never through floating point. Offsets count Unicode
    /// scalars from the start of `text`, like source ranges; a text that stops too
    /// early (`-`, `1.`, `1e`) is reported at its end offset.
    public static func parse(_ text: some StringProtocol) -> Result<Rational, RationalParseError> {
        parseDecimal(text, lenient: false).map { $0.value }
    }

    /// Like `parse`, for spreadsheet cells and hand-typed figures: also accepts
    /// surrounding whitespace (any Unicode white space, such as U+00A0 and
    /// U+3000), a leading `+`, leading zeros, `.5`, `5.`, and `,` thousands
    /// separators in the integer part (`6,000.50`). Separators must group by
    /// three (`1,5` and `12,34` are rejected rather than read as 15 or 1234), and
    /// a group may not follow a leading `0` (`0,123`), since either form is more
    /// likely a decimal comma than a thousands separator.
    public static func parseLenient(_ text: some StringProtocol) -> Result<Rational, RationalParseError> {
        parseDecimal(text, lenient: true).map { $0.value }
    }

    /// A plain decimal (`-12.50`, at most 18 digits) read from its bytes, as
    /// `parseDecimal` would read it; nil for anything else (then ask `parseDecimal`).
    public static func parsePlainDecimal(utf8 bytes: some Sequence<UInt8>) -> ParsedDecimal? {
        parsePlain(bytes)
    }

    /// `parse` or `parseLenient`, also reporting the written decimal places.
    public static func parseDecimal(
        _ text: some StringProtocol, lenient: Bool = false
    ) -> Result<ParsedDecimal, RationalParseError> {
        if let plain = parsePlain(text.utf8) { return .success(plain) }
        return scanDecimal(text, lenient: lenient)
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?` with at most 18 digits — the shape of
    /// nearly every amount — in one pass over bytes, several times faster than
    /// the scanner. Nil hands the text to `scanDecimal`, which also words the
    /// errors. Right for both modes, since lenient accepts a superset of this.
    private static func parsePlain(_ bytes: some Sequence<UInt8>) -> ParsedDecimal? {
        var significand: Int64 = 0
        var digits = 0, fractionDigits = 0
        var negative = false, inFraction = false, leadingZero = false, first = true
        for byte in bytes {
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                // Up to 18 digits the significand stays below 10^18: no overflow.
                guard digits < 18, inFraction || !leadingZero else { return nil }
                if digits == 0 && byte == UInt8(ascii: "0") { leadingZero = true }
                significand = significand * 10 + Int64(byte &- UInt8(ascii: "0"))
                digits += 1
                if inFraction { fractionDigits += 1 }
            } else if byte == UInt8(ascii: "-") && first {
                negative = true
            } else if byte == UInt8(ascii: ".") && !inFraction && digits > 0 {
                inFraction = true
            } else {
                return nil
            }
            first = false
        }
        guard digits > 0, !inFraction || fractionDigits > 0,
              let value = Rational(
                  numerator: negative ? 0 &- significand : significand,
                  denominator: powersOfTen[fractionDigits])
        else { return nil }
        return ParsedDecimal(value: value, decimalPlaces: fractionDigits)
    }

    /// The full grammar, one Unicode scalar at a time; internal so tests can
    /// check that `parsePlain` agrees with it.
    static func scanDecimal(
        _ text: some StringProtocol, lenient: Bool
    ) -> Result<ParsedDecimal, RationalParseError> {
        var scanner = DecimalScanner(lenient: lenient)
        var offset = 0
        for scalar in text.unicodeScalars {
            if let error = scanner.consume(scalar, at: offset) { return .failure(error) }
            offset += 1
        }
        return scanner.finish(at: offset)
    }

    /// The written decimal places of `text` (see `ParsedDecimal.decimalPlaces`),
    /// or nil when it does not parse.
    public static func decimalPlaces(of text: some StringProtocol, lenient: Bool = false) -> Int? {
        try? parseDecimal(text, lenient: lenient).get().decimalPlaces
    }

    // MARK: - Helpers

    /// One Euclid step, then binary gcd (shifts and subtractions): the step
    /// brings a large argument down to the size of a small one at the cost of a
    /// single divide — a numerator against a denominator like 100 is the common
    /// case — and the binary loop avoids further divides.
    /// gcd(0, x) = x, so it is at least 1 whenever either argument is nonzero.
    static func gcd<T: FixedWidthInteger & UnsignedInteger>(_ x: T, _ y: T) -> T {
        var a = min(x, y), b = max(x, y)
        if a == 0 { return b }
        b %= a
        if b == 0 { return a }
        let shift = (a | b).trailingZeroBitCount
        a >>= a.trailingZeroBitCount
        repeat {
            b >>= b.trailingZeroBitCount
            if a > b { swap(&a, &b) }
            b &-= a  // b ≥ a here.
        } while b != 0
        return a << shift
    }

    /// The `Rational` for an already reduced magnitude, sign and denominator; nil
    /// when either part is out of `Int64` range (a negative numerator may reach
    /// 2^63).
    static func make(negative: Bool, magnitude: UInt64, denominator: UInt64) -> Rational? {
        guard denominator <= UInt64(Int64.max) else { return nil }
        let d = Int64(truncatingIfNeeded: denominator)
        if negative {
            guard magnitude <= Int64.min.magnitude else { return nil }
            // Two's complement of a magnitude up to 2^63 is the Int64 wanted.
            return Rational(uncheckedNumerator: Int64(truncatingIfNeeded: 0 &- magnitude), denominator: d)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Rational(uncheckedNumerator: Int64(truncatingIfNeeded: magnitude), denominator: d)
    }

    /// Reduces a 128-bit fraction with a positive denominator; nil when the
    /// reduced parts do not fit in `Int64`.
    static func reduced(_ numerator: Int128, _ denominator: Int128) -> Rational? {
        // g ≤ denominator < 2^127, so it converts back without wrapping.
        let g = Int128(truncatingIfNeeded: gcd(numerator.magnitude, denominator.magnitude))
        guard let n = Int64(exactly: numerator / g), let d = Int64(exactly: denominator / g) else { return nil }
        return Rational(uncheckedNumerator: n, denominator: d)
    }

    /// magnitude · 2^twos · 5^fives with either exponent possibly negative, for a
    /// magnitude with no factor 2 or 5 — so the result is already reduced.
    static func fromFactors(negative: Bool, magnitude: UInt64, twos: Int, fives: Int) -> Rational? {
        var numerator = magnitude, denominator: UInt64 = 1
        // Anything beyond these exponents overflows 63 bits whatever the magnitude.
        guard twos > -64, twos < 64, fives > -28, fives < 28 else { return nil }
        if twos > 0 {
            guard numerator <= UInt64.max >> twos else { return nil }
            numerator <<= twos
        } else {
            denominator <<= -twos
        }
        for _ in 0..<abs(fives) {
            let (next, overflow) = (fives > 0 ? numerator : denominator).multipliedReportingOverflow(by: 5)
            if overflow { return nil }
            if fives > 0 { numerator = next } else { denominator = next }
        }
        return make(negative: negative, magnitude: numerator, denominator: denominator)
    }
}

/// Why an exact operation on `Rational` has no result.
public enum ArithmeticError: Error, Hashable, Sendable {
    /// The exact result does not fit: its reduced numerator or denominator is
    /// outside `Int64`.
    case overflow
    case divisionByZero
}

/// Why a text is not a `Rational`.
public enum RationalParseError: Error, Hashable, Sendable {
    /// No characters (or, leniently, only white space).
    case empty
    /// The Unicode scalar at this 0-based offset cannot appear there; the end
    /// offset when the text stops early.
    case invalidCharacter(offset: Int)
    /// Well formed, but the exact value has no `Int64` fraction: `1e400`,
    /// `99999999999999999999.999`, `1e-19` (denominator 10^19).
    case outOfRange
}

/// The state machine behind `Rational.parseDecimal`, one Unicode scalar at a
/// time, so parsing needs no lookahead and no allocation.
private struct DecimalScanner {
    private enum State {
        case start, afterSign, integer, afterComma, afterDot, dotWithoutInteger
        case fraction, afterE, afterExponentSign, exponent, trailingSpace
    }

    /// Exponents are saturated here: beyond it every nonzero value is out of
    /// range anyway, and a bound keeps the accumulation from overflowing.
    private static let exponentLimit = 100_000_000

    private let lenient: Bool
    private var state = State.start
    private var negative = false
    private var integerDigits = 0
    private var leadingZero = false
    private var sawComma = false
    private var groupLength = 0
    private var fractionDigits = 0
    private var exponent = 0
    private var exponentNegative = false
    private var significand = Significand()

    init(lenient: Bool) { self.lenient = lenient }

    mutating func consume(_ scalar: Unicode.Scalar, at offset: Int) -> RationalParseError? {
        let invalid = RationalParseError.invalidCharacter(offset: offset)
        let value = scalar.value
        let digit: UInt64? = value >= 0x30 && value <= 0x39 ? UInt64(value &- 0x30) : nil
        let isSpace = lenient && DecimalScanner.isWhitespace(scalar)
        switch state {
        case .start, .afterSign:
            if let digit { return integerDigit(digit, at: offset) }
            if state == .start {
                if isSpace { return nil }
                if scalar == "-" || (lenient && scalar == "+") {
                    negative = scalar == "-"
                    state = .afterSign
                    return nil
                }
            }
            if lenient && scalar == "." {
                state = .dotWithoutInteger
                return nil
            }
            return invalid
        case .integer:
            if let digit { return integerDigit(digit, at: offset) }
            if lenient && scalar == "," {
                let misplaced = sawComma ? groupLength != 3 : (groupLength > 3 || leadingZero)
                if misplaced { return invalid }
                sawComma = true
                groupLength = 0
                state = .afterComma
                return nil
            }
            // Leaving the integer part: its last group must be complete.
            if sawComma && groupLength != 3 { return invalid }
            if scalar == "." { state = .afterDot; return nil }
            if scalar == "e" || scalar == "E" { state = .afterE; return nil }
            if isSpace { state = .trailingSpace; return nil }
            return invalid
        case .afterComma:
            if let digit { return integerDigit(digit, at: offset) }
            return invalid
        case .afterDot, .dotWithoutInteger, .fraction:
            if let digit {
                fractionDigits += 1
                significand.append(digit)
                state = .fraction
                return nil
            }
            // `5.` is lenient only, and `.` alone never a number.
            if state == .dotWithoutInteger || (state == .afterDot && !lenient) { return invalid }
            if scalar == "e" || scalar == "E" { state = .afterE; return nil }
            if isSpace { state = .trailingSpace; return nil }
            return invalid
        case .afterE:
            if scalar == "+" || scalar == "-" {
                exponentNegative = scalar == "-"
                state = .afterExponentSign
                return nil
            }
            fallthrough
        case .afterExponentSign, .exponent:
            if let digit {
                if exponent < DecimalScanner.exponentLimit { exponent = exponent * 10 + Int(digit) }
                state = .exponent
                return nil
            }
            if state == .exponent && isSpace { state = .trailingSpace; return nil }
            return invalid
        case .trailingSpace:
            return isSpace ? nil : invalid
        }
    }

    /// ASCII checked first: the Unicode property lookup is slow, and nearly all
    /// spaces in cells are ASCII.
    private static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 { return value == 0x20 || (value >= 0x09 && value <= 0x0D) }
        return isUnicodeWhitespace(scalar)
    }

    /// Kept out of line: inlined, the property lookup's type metadata access
    /// runs on every scalar, which tripled the cost of parsing.
    @inline(never)
    private static func isUnicodeWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace
    }

    private mutating func integerDigit(_ digit: UInt64, at offset: Int) -> RationalParseError? {
        // JSON forbids `01`; the lenient form reads it as 1.
        if !lenient && integerDigits == 1 && leadingZero { return .invalidCharacter(offset: offset) }
        if sawComma && groupLength == 3 { return .invalidCharacter(offset: offset) }
        if integerDigits == 0 { leadingZero = digit == 0 }
        integerDigits += 1
        groupLength += 1
        significand.append(digit)
        state = .integer
        return nil
    }

    func finish(at end: Int) -> Result<Rational.ParsedDecimal, RationalParseError> {
        switch state {
        case .start: return .failure(.empty)
        case .afterSign, .afterComma, .dotWithoutInteger, .afterE, .afterExponentSign:
            return .failure(.invalidCharacter(offset: end))
        case .integer where sawComma && groupLength != 3:
            return .failure(.invalidCharacter(offset: end))
        case .afterDot where !lenient:
            return .failure(.invalidCharacter(offset: end))
        case .integer, .afterDot, .fraction, .exponent, .trailingSpace:
            break
        }
        let writtenExponent = exponentNegative ? -exponent : exponent
        let places = max(0, fractionDigits - writtenExponent)
        guard let value = significand.value(negative: negative, exponent: writtenExponent - fractionDigits) else {
            return .failure(.outOfRange)
        }
        return .success(Rational.ParsedDecimal(value: value, decimalPlaces: places))
    }
}

/// The digits of a decimal as an integer, times 10^exponent. Held in a `UInt64`
/// while it fits (every money amount) and in 256 bits beyond: the exact
/// expansion of a fraction like 1/2^62 has 44 significant digits, and its
/// description must parse back.
private struct Significand {
    private var small: UInt64 = 0
    private var wide: UInt256?
    /// Trailing zero digits not yet multiplied in, so the significand never ends
    /// in a decimal zero and long runs of zeros cost nothing.
    private var pendingZeros = 0
    private var tooLong = false

    mutating func append(_ digit: UInt64) {
        if digit == 0 {
            if small != 0 || wide != nil { pendingZeros += 1 }
            return
        }
        for _ in 0..<pendingZeros { multiplyAdd(10, 0) }
        pendingZeros = 0
        multiplyAdd(10, digit)
    }

    private mutating func multiplyAdd(_ factor: UInt64, _ addend: UInt64) {
        if tooLong { return }
        if var big = wide {
            tooLong = !big.multiplyAdd(factor, addend)
            wide = big
            return
        }
        let (product, o1) = small.multipliedReportingOverflow(by: factor)
        let (sum, o2) = product.addingReportingOverflow(addend)
        if !o1 && !o2 {
            small = sum
            return
        }
        var big = UInt256(small)
        tooLong = !big.multiplyAdd(factor, addend)
        wide = big
    }

    /// significand · 10^exponent, nil when out of range. Splitting off the
    /// factors 2 and 5 leaves a part that must appear whole in the reduced
    /// numerator, so when that part exceeds 64 bits the value cannot fit.
    func value(negative: Bool, exponent: Int) -> Rational? {
        if small == 0 && wide == nil { return .zero }
        if tooLong { return nil }
        let exponent = exponent + pendingZeros
        var twos = 0, fives = 0
        var core: UInt64
        if var big = wide {
            twos = big.trailingZeroBitCount
            big.shiftRight(twos)
            while true {
                var quotient = big
                if quotient.divide(by: 5) != 0 { break }
                big = quotient
                fives += 1
            }
            guard let fitting = big.uint64 else { return nil }
            core = fitting
        } else {
            core = small
            twos = core.trailingZeroBitCount
            core >>= twos
            while core % 5 == 0 {
                core /= 5
                fives += 1
            }
        }
        return Rational.fromFactors(negative: negative, magnitude: core, twos: twos + exponent, fives: fives + exponent)
    }
}

/// Just enough of a 256-bit unsigned integer for `Significand`.
private struct UInt256 {
    private var high: UInt128
    private var low: UInt128

    init(_ value: UInt64) {
        high = 0
        low = UInt128(value)
    }

    /// self = self·factor + addend; false when that needs more than 256 bits.
    mutating func multiplyAdd(_ factor: UInt64, _ addend: UInt64) -> Bool {
        let lowProduct = low.multipliedFullWidth(by: UInt128(factor))
        let (newLow, carry) = lowProduct.low.addingReportingOverflow(UInt128(addend))
        let (h1, o1) = high.multipliedReportingOverflow(by: UInt128(factor))
        let (h2, o2) = h1.addingReportingOverflow(lowProduct.high)
        let (h3, o3) = h2.addingReportingOverflow(carry ? 1 : 0)
        if o1 || o2 || o3 { return false }
        high = h3
        low = newLow
        return true
    }

    /// Divides in place by a nonzero divisor and returns the remainder.
    mutating func divide(by divisor: UInt128) -> UInt128 {
        let (highQuotient, highRemainder) = high.quotientAndRemainder(dividingBy: divisor)
        // highRemainder < divisor, so the quotient fits in 128 bits.
        let (lowQuotient, remainder) = divisor.dividingFullWidth((high: highRemainder, low: low))
        high = highQuotient
        low = lowQuotient
        return remainder
    }

    var trailingZeroBitCount: Int {
        low == 0 ? 128 + high.trailingZeroBitCount : low.trailingZeroBitCount
    }

    /// Shifts right by 0...256 bits.
    mutating func shiftRight(_ count: Int) {
        if count >= 128 {
            low = high >> (count - 128)
            high = 0
        } else if count > 0 {
            low = (low >> count) | (high << (128 - count))
            high >>= count
        }
    }

    var uint64: UInt64? {
        high == 0 ? UInt64(exactly: low) : nil
    }
}
