/// Checks the 18-character PRC resident identity number (居民身份证号码,
/// GB 11643-1999): 6-digit region code, 8-digit birth date `YYYYMMDD`, 3-digit
/// sequence number, and a check character from ISO 7064 MOD 11-2.
///
/// What is checked: exactly 18 ASCII characters, the first 17 digits, the last a
/// digit or `X`/`x`, the check character, and a birth date that exists in the
/// calendar (years 0001...9999). What is not: whether the region code is
/// assigned (that needs the GB/T 2260 table), whether the birth date lies in the
/// past, and the old 15-digit numbers. Surrounding spaces are not trimmed.
public enum ResidentID {
    /// 2^(17−i) mod 11 for positions i = 0...16: the MOD 11-2 weights.
    private static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    /// The check character for each remainder of the weighted sum mod 11.
    private static let checkCharacters = Array("10X98765432".utf8)

    public static func isValid(_ text: some StringProtocol) -> Bool {
        birthDate(text) != nil
    }

    /// The birth date in positions 7–14 (1-based), or nil unless `text` is a
    /// valid number as `isValid` defines it — so a caller that needs both asks once.
    public static func birthDate(_ text: some StringProtocol) -> CivilDate? {
        var sum = 0, index = 0, year = 0, month = 0, day = 0
        var check: UInt8 = 0
        for byte in text.utf8 {
            guard index < 18 else { return nil }
            if index == 17 {
                check = byte
            } else {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                let digit = Int(byte &- UInt8(ascii: "0"))
                // At most 17 · 9 · 10: no overflow.
                sum += digit * weights[index]
                switch index {
                case 6..<10: year = year * 10 + digit
                case 10..<12: month = month * 10 + digit
                case 12..<14: day = day * 10 + digit
                default: break
                }
            }
            index += 1
        }
        guard index == 18 else { return nil }
        let expected = checkCharacters[sum % 11]
        // A lower-case x is a common way of typing the check character X.
        let actual = check == UInt8(ascii: "x") ? UInt8(ascii: "X") : check
        guard actual == expected else { return nil }
        return CivilDate(year: year, month: month, day: day)
    }
}
