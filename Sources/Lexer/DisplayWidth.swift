/// How many terminal columns text takes, so that a caret lands under the right
/// character of a Chinese line and table columns line up: a Chinese character
/// is one `Character` but two columns wide, a combining accent is one scalar
/// but no column at all.
///
/// The widths follow Unicode's East Asian Width property (Wide and Fullwidth
/// are 2) and the usual `wcwidth` rules for zero width, with emoji blocks
/// counted as 2 because terminals draw them so.
public enum DisplayWidth {
    public enum Alignment: Sendable {
        /// Text at the left, padding after it.
        case left
        /// Text at the right, padding before it (numbers in tables).
        case right
    }

    /// The columns one scalar takes: 0, 1 or 2.
    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        // Printable ASCII is almost all text; it needs no lookup.
        if value >= 0x20 && value < 0x7F { return 1 }
        if isZeroWidth(scalar) { return 0 }
        return isWide(value) ? 2 : 1
    }

    /// The columns a string takes: the sum over its scalars.
    public static func of(_ string: some StringProtocol) -> Int {
        var total = 0
        for scalar in string.unicodeScalars {
            total &+= of(scalar)
        }
        return total
    }

    /// `string` with spaces added to take at least `width` columns; a wider
    /// string is returned whole, since cutting a name in a report would mislead.
    public static func padding(_ string: some StringProtocol, toWidth width: Int, alignment: Alignment = .left) -> String {
        let current = of(string)
        guard width > current else { return String(string) }
        let spaces = String(repeating: " ", count: width - current)
        switch alignment {
        case .left: return String(string) + spaces
        case .right: return spaces + String(string)
        }
    }

    /// Control characters, combining marks, format characters such as
    /// U+200B–U+200F, U+2060 and U+FEFF, and the conjoining Hangul vowels and
    /// finals that merge into the syllable before them.
    static func isZeroWidth(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        // Soft hyphen: a format character that terminals show as a hyphen.
        case 0xAD: return false
        case 0x1160...0x11FF, 0xD7B0...0xD7FF: return true
        case 0x200B...0x200F, 0x2028...0x202E, 0x2060...0x206F, 0xFEFF: return true
        default: break
        }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return true
        default: return false
        }
    }

    /// East Asian Wide and Fullwidth ranges, in ascending order.
    static func isWide(_ value: UInt32) -> Bool {
        // Below U+1100 everything is narrow.
        guard value >= 0x1100 else { return false }
        var low = 0
        var high = wideRanges.count - 1
        while low <= high {
            let middle = (low + high) / 2
            let range = wideRanges[middle]
            if value < range.lowerBound {
                high = middle - 1
            } else if value > range.upperBound {
                low = middle + 1
            } else {
                return true
            }
        }
        return false
    }

    static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, // Hangul Jamo leading consonants
        0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0...0x23F0, 0x23F3...0x23F3,
        0x25FD...0x25FE, 0x2614...0x2615, 0x2648...0x2653, 0x267F...0x267F, 0x2693...0x2693,
        0x26A1...0x26A1, 0x26AA...0x26AB, 0x26BD...0x26BE, 0x26C4...0x26C5, 0x26CE...0x26CE,
        0x26D4...0x26D4, 0x26EA...0x26EA, 0x26F2...0x26F3, 0x26F5...0x26F5, 0x26FA...0x26FA,
        0x26FD...0x26FD, 0x2705...0x2705, 0x270A...0x270B, 0x2728...0x2728, 0x274C...0x274C,
        0x274E...0x274E, 0x2753...0x2755, 0x2757...0x2757, 0x2795...0x2797, 0x27B0...0x27B0,
        0x27BF...0x27BF, 0x2B1B...0x2B1C, 0x2B50...0x2B50, 0x2B55...0x2B55,
        0x2E80...0x303E, // CJK radicals, Kangxi radicals, CJK symbols and punctuation
        0x3041...0x33FF, // Hiragana, Katakana, Bopomofo, Hangul compatibility jamo, enclosed CJK, CJK compatibility
        0x3400...0x4DBF, // CJK extension A
        0x4DC0...0x4DFF, // Yijing hexagrams (Wide since Unicode 16)
        0x4E00...0x9FFF, // CJK unified ideographs
        0xA000...0xA4CF, // Yi
        0xA960...0xA97F, // Hangul Jamo extended A
        0xAC00...0xD7A3, // Hangul syllables
        0xF900...0xFAFF, // CJK compatibility ideographs
        0xFE10...0xFE19, // vertical forms
        0xFE30...0xFE6F, // CJK compatibility forms, small form variants
        0xFF00...0xFF60, // fullwidth forms
        0xFFE0...0xFFE6, // fullwidth signs
        0x16FE0...0x16FFF, // ideographic symbols
        0x17000...0x18CFF, // Tangut, Khitan
        0x18D00...0x18D8F, // Tangut supplement
        0x1AFF0...0x1B2FF, // Kana extended, Kana supplement, Nushu
        0x1F004...0x1F004, 0x1F0CF...0x1F0CF, 0x1F18E...0x1F18E, 0x1F191...0x1F19A,
        0x1F200...0x1F2FF, // enclosed ideographic supplement
        0x1F300...0x1F64F, // pictographs, emoticons
        0x1F680...0x1F6FF, // transport and map symbols
        0x1F7E0...0x1F7EB,
        0x1F900...0x1F9FF, // supplemental symbols and pictographs
        0x1FA70...0x1FAFF, // symbols and pictographs extended A
        0x20000...0x2FFFD, // CJK extensions B to F, compatibility supplement
        0x30000...0x3FFFD, // CJK extensions G and H
    ]
}
