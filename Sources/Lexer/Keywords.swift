/// The one table of words the language gives meaning to.
///
/// Only the *reserved* words (the operators of the expression language and
/// the literals `true` and `false`) can never be names. Every other word here
/// is *contextual*: it means something only where the grammar expects it (at
/// the start of a declaration or a clause), so that a record field may still be
/// called `category` or `source`.
public enum Keyword: String, CaseIterable, Sendable {
    // Reserved: operators and literals.
    case and, or, not, `in`, `if`, then, `else`, `true`, `false`, otherwise, `where`

    // Declarations.
    case policy, schema, param, `let`, category, exclude, exception, monitored, eliminate
    case `enum`, record, check
    case alert, procedure, override, remove, extends, calendar, holiday, workday, test

    // Clauses.
    case when, source, assumption, at, require, forbid, title, region, year, overrides
    case list, of, required, nonempty, label, csv, unit, `default`, on, warning, error, rows, none, alias
    case document, from, reference
    case to, within, every, half, month, quarter, immediately, during, by, day, `for`
    case step, takes, alongside, skip, deadline, green_channel, starts
    case as_of, household, expect, due, no, decision, exclusions, blocked_by, missing, next

    /// Words that can never be used as names.
    public static let reserved: Set<Keyword> = [
        .and, .or, .not, .in, .if, .then, .else, .true, .false, .otherwise, .where,
    ]

    public var isReserved: Bool { Keyword.reserved.contains(self) }

    /// Looks up a reserved word; contextual words are left to the parser.
    public static func reserved(_ text: String) -> Keyword? {
        guard let keyword = Keyword(rawValue: text), keyword.isReserved else { return nil }
        return keyword
    }
}
