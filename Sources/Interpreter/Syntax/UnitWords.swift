/// The words that may follow a number as its unit, in English and Chinese.
/// The parser needs them to tell `6000 yuan` (a unit) from a name; what each
/// means is decided by the checker.
public enum UnitWord: String, Sendable, CaseIterable {
    case yuan, person, year, month, day, workingDay = "working day", week

    /// Every spelling, singular and plural, English and Chinese.
    public static let spellings: [String: UnitWord] = [
        "yuan": .yuan, "元": .yuan,
        "person": .person, "persons": .person, "people": .person, "人": .person,
        "year": .year, "years": .year, "年": .year,
        "month": .month, "months": .month, "月": .month, "个月": .month,
        "day": .day, "days": .day, "天": .day, "日": .day,
        "工作日": .workingDay, "个工作日": .workingDay,
        "week": .week, "weeks": .week, "周": .week,
    ]

    /// The first word of the two-word unit `working day(s)`.
    public static let workingPrefix = "working"

    public static func lookup(_ word: String) -> UnitWord? { spellings[word] }
}
