import Lexer

/// A policy that passed `policy check`: names resolved, types and units
/// agreeing, ready to be planned and evaluated.
public struct CheckedPolicy: Sendable {
    public let metadata: PolicyMetadata
    public let schema: Schema
    public let parameters: [CheckedValue]
    public let derived: [CheckedValue]
    public let categories: [CheckedRule]
    public let exclusions: [CheckedRule]
    public let exception: CheckedRule?
    public let monitored: CheckedMonitored?
    public let elimination: [CheckedEliminationCondition]
    public let file: SourceFile
}

/// What the header says.
public struct PolicyMetadata: Sendable {
    public let id: String
    public let title: String?
    public let region: [String]
    public let year: Int?
    public let schemaID: String
    public let document: String?
}

/// A `param` or a `let`.
public struct CheckedValue: Sendable {
    public let name: String
    public let expression: TypedExpr
    public let provenance: Provenance
    public let range: SourceRange
}

/// A category, an exclusion or the exception.
public struct CheckedRule: Sendable {
    public let name: String
    public let label: String?
    public let condition: TypedExpr
    public let provenance: Provenance
    public let range: SourceRange
}

/// How to tell an already-monitored household, and its category.
public struct CheckedMonitored: Sendable {
    public let condition: TypedExpr
    /// Gives a member of an enumeration whose member names are category names.
    public let category: TypedExpr?
    /// For each member of that enumeration, the index of the policy category of the same name.
    public let categoryOfMember: [Int?]
    public let provenance: Provenance
}

public struct CheckedEliminationCondition: Sendable {
    public let kind: EliminationCondition.Kind
    public let name: String
    public let label: String?
    public let condition: TypedExpr
    public let provenance: Provenance
    public let range: SourceRange
}
