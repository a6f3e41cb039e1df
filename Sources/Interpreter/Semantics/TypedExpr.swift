import Lexer

/// An expression after checking: every name resolved (to a parameter, a derived
/// value, a field slot or a variable), every operation chosen for its operand
/// types, and its own type known.
public struct TypedExpr: Sendable {
    public let kind: TypedExprKind
    public let type: ValueType
    public let range: SourceRange
    /// A number written without a unit: it takes the unit of what it is
    /// compared with or added to, so `count(members) >= 2` needs no unit.
    public let isBareNumber: Bool

    public init(_ kind: TypedExprKind, _ type: ValueType, _ range: SourceRange, isBareNumber: Bool = false) {
        self.kind = kind
        self.type = type
        self.range = range
        self.isBareNumber = isBareNumber
    }

    static func invalid(_ range: SourceRange) -> TypedExpr { TypedExpr(.invalid, .error, range) }
}

/// Where a field path starts.
public enum PathBase: Sendable, Equatable {
    /// The household (the schema's root record).
    case root
    /// The record a schema check or default is declared in.
    case current
    /// A variable bound by `any`, `all`, `count`, `sum`, `min` or `max`, by depth.
    case variable(Int)
}

/// One step of a field path: the slot to read and the field's name for messages.
public struct PathStep: Sendable, Equatable {
    public let slot: Int
    public let name: String
}

public enum TypedUnary: Sendable { case not, negateNumber, negateDuration }

public enum TypedBinary: Sendable {
    case and, or
    case equal, notEqual, less, lessEqual, greater, greaterEqual
    case `in`, notIn
    case addNumbers, subtractNumbers, multiplyNumbers, divideNumbers
    /// date ± duration in days or months.
    case addToDate, subtractFromDate
    case addDurations, subtractDurations
    /// duration × number (either order).
    case scaleDuration
}

/// The built-in functions.
public enum Builtin: String, Sendable, CaseIterable {
    case round, floor, ceil, abs, min, max
    case monthsBetween = "months_between", daysBetween = "days_between", yearsBetween = "years_between"
    case workingDaysBetween = "working_days_between"
    case startOfMonth = "start_of_month", endOfMonth = "end_of_month", startOfYear = "start_of_year"
    case year, month, day
    case empty, count, known
    case residentIDValid = "resident_id_valid", residentIDBirthDate = "resident_id_birth_date"
}

public indirect enum TypedExprKind: Sendable {
    case constant(Value)
    /// The as-of date of the evaluation.
    case today
    case parameter(Int)
    case derived(Int)
    case path(PathBase, [PathStep])
    /// A field of a record computed by an expression.
    case member(TypedExpr, PathStep)
    case unary(TypedUnary, TypedExpr)
    case binary(TypedBinary, TypedExpr, TypedExpr)
    case conditional(TypedExpr, TypedExpr, TypedExpr)
    case otherwise(TypedExpr, TypedExpr)
    case call(Builtin, [TypedExpr])
    /// The variable lives at depth `variable` while the list is walked.
    case quantifier(QuantifierKind, variable: Int, list: TypedExpr, filter: TypedExpr?, body: TypedExpr?)
    case list([TypedExpr])
    case invalid
}
