/// The language `policy` speaks to people in: diagnostics, summaries, table
/// and CSV headers, explanations. Keys and values of JSON results are the
/// same in both (they are read by programs).
public enum Language: String, Sendable, CaseIterable {
    /// English.
    case en
    /// Simplified Chinese (zh-CN).
    case zh

    /// `--lang` when given, else Chinese when `LC_ALL`, `LC_MESSAGES` or
    /// `LANG` (the first one set, in that order) starts with `zh`.
    public static func fromEnvironment(_ environment: [String: String]) -> Language {
        for key in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            guard let value = environment[key], !value.isEmpty else { continue }
            return value.lowercased().hasPrefix("zh") ? .zh : .en
        }
        return .en
    }

    /// The text in this language.
    public func pick(_ english: String, _ chinese: String) -> String {
        self == .zh ? chinese : english
    }
}
