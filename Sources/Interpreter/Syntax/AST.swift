import Lexer

/// A name as written, with where it was written.
public struct Name: Sendable, Hashable, CustomStringConvertible {
    public let text: String
    public let range: SourceRange

    public init(_ text: String, _ range: SourceRange) {
        self.text = text
        self.range = range
    }

    public var description: String { text }
}

/// A slash-separated identity such as `chongqing/fengdu/2021` or `household/v1`.
public struct QualifiedID: Sendable, Hashable, CustomStringConvertible {
    public let segments: [String]
    public let range: SourceRange

    public var description: String { segments.joined(separator: "/") }
}

/// A string literal with its range.
public struct StringLiteral: Sendable, Hashable {
    public let value: String
    public let range: SourceRange
}

/// The sentence of a source document that a rule or parameter encodes:
/// `source "quoted sentence" at "where in the document" from "file"`; without
/// `from`, the document named in the policy's header.
public struct Citation: Sendable, Hashable {
    public let quote: StringLiteral
    public let location: StringLiteral?
    public let document: StringLiteral?
    public let range: SourceRange
}

/// What a declaration says about where it comes from: its citations and, for a
/// value no source gives, the assumption it rests on.
public struct Provenance: Sendable, Hashable {
    public var citations: [Citation] = []
    public var assumptions: [StringLiteral] = []

    public var isEmpty: Bool { citations.isEmpty && assumptions.isEmpty }
}

/// A parsed `.policy` file: a policy, or a schema of records.
public struct PolicyFile: Sendable {
    public let source: SourceFile
    public let declarations: [Declaration]
    public let comments: [Comment]
    /// Names of declarations abandoned after a syntax error: the checker treats
    /// references to them as already reported, so one mistake gives one message.
    public var brokenNames: Set<String> = []

    public var header: Header? {
        for declaration in declarations { if case .header(let header) = declaration { return header } }
        return nil
    }
}

/// One top-level declaration.
public enum Declaration: Sendable {
    case header(Header)
    case value(ValueDeclaration)
    case rule(RuleDeclaration)
    case eliminate(EliminationDeclaration)
    case enumeration(EnumDeclaration)
    case record(RecordDeclaration)
    case alert(AlertDeclaration)
    case procedure(ProcedureDeclaration)
    /// `holiday` or `workday` in a calendar file.
    case calendarDay(CalendarDayDeclaration)
    /// `override DECLARATION` in a policy that extends another: replaces the
    /// base's item of the same kind and name.
    indirect case override(Declaration, keyword: SourceRange)
    /// `remove KIND NAME`: drops the base's item.
    case remove(RemoveDeclaration)
    /// `test NAME { as_of … household { … } expect … }`: an example household
    /// and what the policy must decide for it.
    case test(TestDeclaration)

    public var range: SourceRange {
        switch self {
        case .header(let node): return node.range
        case .value(let node): return node.range
        case .rule(let node): return node.range
        case .eliminate(let node): return node.range
        case .enumeration(let node): return node.range
        case .record(let node): return node.range
        case .alert(let node): return node.range
        case .procedure(let node): return node.range
        case .calendarDay(let node): return node.range
        case .override(let inner, let keyword): return keyword.union(inner.range)
        case .remove(let node): return node.range
        case .test(let node): return node.range
        }
    }
}

/// `alert NAME "label" { to "department" … }`: a department must push a warning
/// about the household, by a date its screening interval gives.
public struct AlertDeclaration: Sendable {
    public let name: Name
    public let label: StringLiteral?
    public var department: StringLiteral?
    /// `on e in events where …`: the alert fires for matching dated elements.
    public var trigger: AlertTrigger?
    public var condition: Expr?
    public var schedules: [AlertSchedule] = []
    /// `during 9..10`: the months of the year in which the alert applies.
    public var months: (first: Int, last: Int, range: SourceRange)?
    public var provenance = Provenance()
    public var range: SourceRange
}

public struct AlertTrigger: Sendable {
    public let variable: Name
    public let list: Expr
    public let filter: Expr?
    public let range: SourceRange
}

/// One screening interval of an alert, with the households it is for.
public struct AlertSchedule: Sendable {
    public enum Interval: Sendable, Equatable {
        /// Within a duration of the triggering event (or of the as-of date).
        case within(amount: String, unit: UnitSyntax)
        /// Every duration, counted from the as-of date.
        case every(amount: String, unit: UnitSyntax)
        /// By the 15th or the month's last day, whichever comes first.
        case halfMonth
        /// By the given day of the month, or by the month's last day.
        case month(byDay: String?)
        /// By the given day of the month after the event's (or the as-of date's) month.
        case nextMonth(byDay: String)
        /// By the last day of the quarter.
        case quarter
        /// The same day.
        case immediately
    }

    public let interval: Interval
    /// `for CONDITION`; nil with `otherwise` or alone.
    public let guardCondition: Expr?
    public let isOtherwise: Bool
    public let range: SourceRange
}

/// `procedure NAME "label" { for include  step … deadline … }`.
public struct ProcedureDeclaration: Sendable {
    public let name: Name
    public let label: StringLiteral?
    /// The decisions it applies to (`include`, `eliminate`, `remove`, …).
    public var decisions: [Name] = []
    public var start: Expr?
    public var steps: [ProcedureStep] = []
    public var deadline: (amount: String, unit: UnitSyntax, range: SourceRange)?
    public var greenChannel: Expr?
    public var provenance = Provenance()
    public var range: SourceRange
}

public struct ProcedureStep: Sendable {
    public let name: Name
    public let label: StringLiteral?
    public var duration: (amount: String, unit: UnitSyntax)?
    public var alongside: Name?
    public var skipWhen: Expr?
    /// `by 2023-06-10`: a fixed date.
    public var fixedDate: (text: String, range: SourceRange)?
    public var provenance = Provenance()
    public var range: SourceRange
}

/// `holiday "春节" 2021-02-11..2021-02-17` or `workday "春节调休" 2021-02-07, 2021-02-20`.
public struct CalendarDayDeclaration: Sendable {
    public let isHoliday: Bool
    public let label: StringLiteral?
    /// Single days and inclusive ranges, as written.
    public let days: [(first: String, last: String, range: SourceRange)]
    public let provenance: Provenance
    public let range: SourceRange
}

/// `test NAME "label" { as_of DATE  household { … }  expect … }`.
public struct TestDeclaration: Sendable {
    public let name: Name
    public let label: StringLiteral?
    public var asOf: (text: String, range: SourceRange)?
    public var household: RecordLiteral?
    public var expectations: [TestExpectation] = []
    public var provenance = Provenance()
    public var range: SourceRange
}

/// A household written in a test, in the shape of a JSON record: `{ key: value … }`,
/// `[ … ]`, numbers, strings, dates, `true`/`false` and bare names (enumeration members).
public indirect enum RecordLiteral: Sendable {
    case object([(key: Name, value: RecordLiteral)], SourceRange)
    case list([RecordLiteral], SourceRange)
    case number(String, SourceRange)
    case string(String, SourceRange)
    case date(String, SourceRange)
    case bool(Bool, SourceRange)
    case word(String, SourceRange)

    public var range: SourceRange {
        switch self {
        case .object(_, let range), .list(_, let range), .number(_, let range), .string(_, let range),
             .date(_, let range), .bool(_, let range), .word(_, let range):
            return range
        }
    }
}

/// `expect decision include`, `expect no alert medical_cost`, `expect step visit due 2021-10-13`, …
public struct TestExpectation: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case decision, category, exclusions, blockedBy = "blocked_by", missing, alert, step
        case greenChannel = "green_channel", exception
    }

    public let kind: Kind
    /// `expect no alert …`: the alert (or step) must not be there.
    public let negated: Bool
    /// Names or paths (`income.wage`); empty for `none`.
    public let values: [Name]
    public let due: (text: String, range: SourceRange)?
    public let range: SourceRange
}

/// `remove category marginal`, `remove require min_months`.
public struct RemoveDeclaration: Sendable {
    public let kind: Name
    public let name: Name
    public let range: SourceRange
}

/// `policy ID { … }` or `schema ID { … }`: identity and metadata.
public struct Header: Sendable {
    public enum Kind: String, Sendable { case policy, schema, calendar }

    public let kind: Kind
    public let id: QualifiedID
    public var title: StringLiteral?
    public var region: [StringLiteral] = []
    public var year: (value: String, range: SourceRange)?
    public var schema: QualifiedID?
    public var document: StringLiteral?
    /// `extends hebei/2022`: the policy this one changes.
    public var base: QualifiedID?
    /// `calendar cn`: the working-day calendars under `calendar/cn/`.
    public var calendar: QualifiedID?
    /// A document cited but not kept under `sources/` (not verified).
    public var reference: StringLiteral?
    public var clauseRanges: [String: SourceRange] = [:]
    public var range: SourceRange
}

/// `param NAME = EXPR` (a constant the policy sets) or `let NAME = EXPR` (a value
/// derived from the record), with its provenance.
public struct ValueDeclaration: Sendable {
    public enum Kind: String, Sendable { case param, `let` }

    public let kind: Kind
    public let name: Name
    public let value: Expr
    public let provenance: Provenance
    public let range: SourceRange
}

/// A named rule with a condition: a category, an exclusion, the exception, or
/// the test that says whether a household is already monitored.
public struct RuleDeclaration: Sendable {
    public enum Kind: String, Sendable { case category, exclude, exception, monitored }

    public let kind: Kind
    public let name: Name
    public let label: StringLiteral?
    public let condition: Expr?
    /// For `monitored`: the expression giving a monitored household's category.
    public let categoryExpression: Expr?
    public let provenance: Provenance
    public let range: SourceRange
}

/// `eliminate { require …  forbid … }`: when a monitored household's risk may be
/// marked eliminated.
public struct EliminationDeclaration: Sendable {
    public let label: StringLiteral?
    public let conditions: [EliminationCondition]
    public let provenance: Provenance
    public let range: SourceRange
}

/// `require NAME "label": EXPR` must hold; `forbid NAME "label": EXPR` must not.
public struct EliminationCondition: Sendable {
    public enum Kind: String, Sendable { case require, forbid }

    public let kind: Kind
    public let name: Name
    public let label: StringLiteral?
    public let condition: Expr
    public let provenance: Provenance
    public let range: SourceRange
}

/// `enum NAME "label" { member "label" … }` in a schema.
public struct EnumDeclaration: Sendable {
    public struct Member: Sendable {
        public let name: Name
        public let label: StringLiteral?
        public let aliases: [StringLiteral]
    }

    public let name: Name
    public let label: StringLiteral?
    public let members: [Member]
    public let range: SourceRange
}

/// `record NAME "label" unit WORD { field … check … }` in a schema.
public struct RecordDeclaration: Sendable {
    public let name: Name
    public let label: StringLiteral?
    public let unit: Name?
    public let fields: [FieldDeclaration]
    public let checks: [CheckDeclaration]
    public let range: SourceRange
}

/// `NAME: TYPE options…` inside a record.
public struct FieldDeclaration: Sendable {
    public enum CSVMapping: Sendable {
        /// Read from the column of this name.
        case column(StringLiteral)
        /// One row per element; the element's columns carry this prefix.
        case rows(StringLiteral)
        /// Not carried in CSV.
        case none
    }

    public let name: Name
    public let type: TypeSyntax
    public var required = false
    public var nonEmpty = false
    public var label: StringLiteral?
    public var aliases: [StringLiteral] = []
    public var csv: CSVMapping?
    public var defaultValue: Expr?
    public var bounds: (lower: String, upper: String, range: SourceRange)?
    public var range: SourceRange
}

/// A type as written in a schema: `text`, `yuan/year`, `list of member`, `int`.
public indirect enum TypeSyntax: Sendable {
    case named(Name)
    /// A quantity with a unit, such as `yuan/year`.
    case unit(UnitSyntax)
    case list(TypeSyntax, SourceRange)

    public var range: SourceRange {
        switch self {
        case .named(let name): return name.range
        case .unit(let unit): return unit.range
        case .list(_, let range): return range
        }
    }
}

/// `check NAME "message" warning on PATH: EXPR` inside a record: a data check.
public struct CheckDeclaration: Sendable {
    public enum Severity: String, Sendable { case warning, error }

    public let name: Name
    public let message: StringLiteral?
    public let severity: Severity
    public let field: Name?
    public let condition: Expr
    public let range: SourceRange
}

/// Unit words after a number: `yuan/person/year`, `working days`, `元/人/年`.
public struct UnitSyntax: Sendable, Hashable {
    /// The words separated by `/`; a word may be two words (`working days`).
    public let words: [Name]
    public let range: SourceRange
}

/// An expression with its range.
public struct Expr: Sendable {
    public let kind: ExprKind
    public let range: SourceRange

    public init(_ kind: ExprKind, _ range: SourceRange) {
        self.kind = kind
        self.range = range
    }
}

public enum UnaryOperator: String, Sendable { case not, negate = "-" }

public enum BinaryOperator: String, Sendable {
    case or, and
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case `in`, notIn = "not in"
    case add = "+", subtract = "-", multiply = "*", divide = "/"

    public var isComparison: Bool {
        switch self {
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: return true
        default: return false
        }
    }
}

/// `any`, `all`, `count`, `sum`, `min`, `max` over a list.
public enum QuantifierKind: String, Sendable, CaseIterable { case any, all, count, sum, min, max }

public indirect enum ExprKind: Sendable {
    /// A number as written, with its unit words if any: `6000 yuan/person/year`.
    case number(String, UnitSyntax?)
    /// `50%`.
    case percent(String)
    case string(String)
    case date(String)
    case bool(Bool)
    /// A name: a parameter, a derived value, a record field, a variable, a
    /// built-in such as `today`, or an enumeration member.
    case name(Name)
    /// `base.field`
    case member(Expr, Name)
    case unary(UnaryOperator, Expr)
    case binary(BinaryOperator, Expr, Expr)
    /// `if c then a else b`
    case conditional(Expr, Expr, Expr)
    /// `a otherwise b`: `a`, or `b` when `a` is unknown.
    case otherwise(Expr, Expr)
    case call(Name, [Expr])
    /// `KIND(x in list where filter: body)`
    case quantifier(QuantifierKind, variable: Name, list: Expr, filter: Expr?, body: Expr?)
    case list([Expr])
    /// Stands where a syntax error was reported, so later phases stay quiet.
    case invalid
}
