/// Why a household could not be evaluated: an operation on its data that has
/// no exact answer. The household gets `decision: error`; the others go on.
public struct EvaluationError: Error, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case overflow, divisionByZero, dateOutOfRange
        /// Working days were counted over a day no calendar covers.
        case notInCalendar(CivilDate, calendar: String)
    }

    public let kind: Kind
    /// The name of the value or rule being computed, once known.
    public let place: String?

    public init(_ kind: Kind, place: String? = nil) {
        self.kind = kind
        self.place = place
    }

    /// The same error, naming where it happened unless an inner place is known.
    public func at(_ name: String) -> EvaluationError {
        place == nil ? EvaluationError(kind, place: name) : self
    }

    public var diagnosticKind: DiagnosticKind {
        let where_ = place ?? "the policy"
        switch kind {
        case .overflow: return .arithmeticOverflow(in: where_)
        case .divisionByZero: return .divisionByZero(in: where_)
        case .dateOutOfRange: return .dateOutOfRange(in: where_)
        case .notInCalendar(let date, let calendar): return .dateNotInCalendar(date: date.description, calendar: calendar)
        }
    }
}
