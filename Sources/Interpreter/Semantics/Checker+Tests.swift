import Lexer

/// A test of a policy: an example household, the as-of date, and what the
/// policy must decide for it.
public struct CheckedTest: Sendable {
    public let name: String
    public let label: String?
    public let asOf: CivilDate
    /// The household as a record of the schema would be read (`id` and
    /// `region` filled in from the test's name and the policy when not given).
    public let household: JSONValue
    public let expectations: [TestExpectation]
    public let file: SourceFile
    public let range: SourceRange
}

/// Checking the tests of a policy file: names and dates, the household
/// against the schema, and that every expectation names something the policy has.
extension Checker {
    func checkTests(_ resolved: ResolvedPolicy, metadata: PolicyMetadata?, rules: Rules?,
                    elimination: [CheckedEliminationCondition], alerts: [CheckedAlert], procedures: [CheckedProcedure]) -> [CheckedTest] {
        var tests: [CheckedTest] = []
        var names: Set<String> = []
        for declaration in resolved.leaf.declarations {
            guard case .test(let test) = declaration else { continue }
            if !names.insert(test.name.text).inserted { report(.duplicateDeclaration(test.name.text), test.name.range) }
            var asOf: CivilDate?
            if let written = test.asOf {
                asOf = CivilDate.parse(written.text)
                if asOf == nil { report(.invalidLiteral(kind: "date", text: written.text), written.range) }
            } else if !afterSyntaxErrors {
                report(.missingClause(clause: "as_of", in: "`test \(test.name.text)`"), test.name.range)
            }
            var household: JSONValue?
            if let literal = test.household {
                let json = Checker.completed(Checker.json(literal), id: test.name.text, region: metadata?.region ?? [])
                let decoded = RecordDecoder(schema: schema).decode(json)
                for problem in decoded.errors + decoded.warnings {
                    let place = Checker.recordPath(of: problem.kind).flatMap { Checker.literal(at: $0, in: literal) } ?? literal
                    report(.testHouseholdInvalid(problem.message), place.range)
                }
                if decoded.errors.isEmpty { household = json }
            } else if !afterSyntaxErrors {
                report(.missingClause(clause: "household", in: "`test \(test.name.text)`"), test.name.range)
            }
            for expectation in test.expectations {
                checkExpectation(expectation, rules: rules, elimination: elimination, alerts: alerts, procedures: procedures)
            }
            if let asOf, let household {
                tests.append(CheckedTest(name: test.name.text, label: test.label?.value, asOf: asOf, household: household,
                                         expectations: test.expectations, file: resolved.leaf.source, range: test.range))
            }
        }
        return tests
    }

    /// Every name an expectation gives must be one the policy declares.
    func checkExpectation(_ expectation: TestExpectation, rules: Rules?, elimination: [CheckedEliminationCondition],
                          alerts: [CheckedAlert], procedures: [CheckedProcedure]) {
        let known: [String]
        let what: String
        switch expectation.kind {
        case .decision:
            known = Checker.decisionNames + ["error"]
            what = "decision"
        case .category:
            known = (rules?.categories.map(\.name) ?? []) + ["none"]
            what = "category"
        case .exclusions:
            known = rules?.exclusions.map(\.name) ?? []
            what = "exclusion"
        case .blockedBy:
            known = elimination.map(\.name)
            what = "elimination condition"
        case .alert:
            known = alerts.map(\.name)
            what = "alert"
        case .step:
            known = procedures.flatMap { $0.steps.map(\.name) }
            what = "procedure step"
        case .missing, .greenChannel, .exception:
            return
        }
        for value in expectation.values where !known.contains(value.text) {
            report(.unknownTestName(what: what, name: value.text, suggestion: Suggestion.closest(to: value.text, among: known)), value.range)
        }
        if let due = expectation.due, CivilDate.parse(due.text) == nil {
            report(.invalidLiteral(kind: "date", text: due.text), due.range)
        }
    }

    /// The record path a record problem names (`members[0].labour`), if any.
    static func recordPath(of kind: DiagnosticKind) -> String? {
        switch kind {
        case .missingRequiredField(let path), .wrongFieldType(let path, _, _), .unknownEnumValue(let path, _, _),
             .tooManyDecimals(let path, _), .invalidDate(let path, _), .valueOutOfRange(let path, _, _), .emptyList(let path),
             .notAnObject(let path, _), .numberOutOfRange(let path, _), .dataCheckFailed(let path, _, _, _),
             .duplicateKey(let path), .unknownKey(let path):
            return path
        default:
            return nil
        }
    }

    /// The part of a literal a record path names, as far as it goes: a
    /// missing field points at the object that lacks it.
    static func literal(at path: String, in literal: RecordLiteral) -> RecordLiteral? {
        var current = literal
        var steps: [String] = []
        for piece in path.split(separator: ".") {
            var name = Substring(piece)
            var indices: [String] = []
            while let open = name.lastIndex(of: "["), name.hasSuffix("]") {
                indices.insert(String(name[name.index(after: open)..<name.index(before: name.endIndex)]), at: 0)
                name = name[..<open]
            }
            steps.append(String(name))
            steps += indices.map { "[\($0)]" }
        }
        for step in steps where !step.isEmpty {
            switch current {
            case .object(let members, _):
                guard let member = members.first(where: { $0.key.text == step }) else { return current }
                current = member.value
            case .list(let items, _):
                guard step.hasPrefix("["), let index = Int(step.dropFirst().dropLast()), items.indices.contains(index) else { return current }
                current = items[index]
            default:
                return current
            }
        }
        return current
    }

    /// The literal as the JSON a record file would hold: dates as strings,
    /// bare names (enumeration members) as strings.
    static func json(_ literal: RecordLiteral) -> JSONValue {
        switch literal {
        case .object(let members, _):
            return .object(JSONObject(members: members.map { JSONObject.Member(key: $0.key.text, value: json($0.value)) }))
        case .list(let items, _): return .array(items.map(json))
        case .number(let text, _): return .number(text)
        case .string(let text, _), .date(let text, _), .word(let text, _): return .string(text)
        case .bool(let truth, _): return .bool(truth)
        }
    }

    /// A test's household gets the test's name as `id` and the policy's region
    /// when it does not give them.
    static func completed(_ json: JSONValue, id: String, region: [String]) -> JSONValue {
        guard case .object(let object) = json else { return json }
        var members = object.members
        if object["id"] == nil { members.insert(JSONObject.Member(key: "id", value: .string(id)), at: 0) }
        if object["region"] == nil, !region.isEmpty {
            let keys = ["province", "county", "township"]
            let parts = zip(keys, region).map { JSONObject.Member(key: $0.0, value: .string($0.1)) }
            members.append(JSONObject.Member(key: "region", value: .object(JSONObject(members: parts))))
        }
        return .object(JSONObject(members: members))
    }
}
