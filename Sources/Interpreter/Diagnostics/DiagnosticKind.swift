import Lexer

/// Every problem the interpreter can report, with the facts its message needs.
/// `DiagnosticCatalog` gives each case its stable code and text; the compiler
/// checks that no case lacks one.
public enum DiagnosticKind: Sendable {
    // MARK: Files (E00)
    case cannotReadFile(path: String, reason: String)
    case invalidUTF8(path: String, line: Int, column: Int)
    case fileTooLarge(path: String, limit: Int)
    case outsidePoliciesRoot(path: String, target: String, root: String)

    // MARK: Lexical (E01)
    case unexpectedCharacter(Unicode.Scalar)
    case typographicQuote(Unicode.Scalar)
    case invisibleCharacter(Unicode.Scalar)
    case unterminatedString
    case invalidEscape(String)
    case numberTooLong

    // MARK: Syntax (E02)
    case expected(String, found: String)
    case expectedDeclaration(found: String)
    case unclosedBlock(opener: String)
    case nestingTooDeep(limit: Int)
    case duplicateClause(String)
    case missingClause(clause: String, in: String)
    case tooManyErrors(limit: Int)
    case pathInsteadOfID(String)

    // MARK: Names (E03)
    case unknownName(String, suggestion: String?)
    case unknownField(field: String, in: String, suggestion: String?, available: [String])
    case duplicateDeclaration(String)
    case unknownEnumMember(member: String, enumeration: String, suggestion: String?, available: [String])
    case schemaNotFound(id: String, nearest: String, extraRoots: [String])
    case unknownFunction(String, suggestion: String?)
    case cyclicDefinition([String])
    case unknownType(String, suggestion: String?)
    case reservedName(String)

    // MARK: Types and units (E04)
    case operandMismatch(operation: String, left: String, right: String)
    case unitMismatch(operation: String, left: String, right: String)
    case conditionNotBoolean(found: String)
    case argumentMismatch(function: String, expected: String, found: String)
    case argumentCount(function: String, expected: String, found: Int)
    case notAList(found: String)
    case notARecord(found: String, field: String)
    case unknownUnit(String)
    case invalidLiteral(kind: String, text: String)
    case parameterNotConstant(String)
    case quantifierBody(kind: String, problem: QuantifierProblem)
    case mixedList(first: String, other: String)
    case branchMismatch(then: String, else: String)
    case overflowInConstant

    // MARK: Structure (E05)
    case missingHeader
    case missingHeaderClause(String)
    case duplicateHeader
    case singleDeclaration(String)
    case noCategories
    case declarationNotAllowed(declaration: String, file: String)
    case monitoredCategoryMismatch(members: [String], enumeration: String)
    case invalidYear(String)
    case missingRootRecord(String)
    case calendarNotFound(id: String, nearest: String)
    case calendarDayOutsideYear(date: String, year: Int)
    case calendarConflict(date: String)
    case workdayNotWeekend(date: String)
    case workingDaysWithoutCalendar
    case noBasePolicy(id: String)
    case extendsCycle([String])
    case overrideWithoutBase(String)
    case nothingToOverride(what: String, base: String)
    case alreadyInBase(what: String, base: String, place: String)
    case schemaDiffersFromBase(schema: String, base: String)
    case unknownDecision(String)
    case unknownStep(String)
    case eventWithoutDate(String)
    case invalidMonthRange(String)
    case alertWithoutDepartment(String)
    case duplicateOtherwise
    case testHouseholdInvalid(String)
    case unknownTestName(what: String, name: String, suggestion: String?)

    // MARK: Records (E06, W06)
    case recordSyntax(String)
    case missingRequiredField(path: String)
    case wrongFieldType(path: String, expected: String, found: String)
    case unknownEnumValue(path: String, value: String, allowed: [String])
    case tooManyDecimals(path: String, value: String)
    case invalidDate(path: String, value: String)
    case duplicateHouseholdID(String, firstLine: Int)
    case csvRowShape(expected: Int, found: Int)
    case valueOutOfRange(path: String, value: String, bounds: String)
    case emptyList(path: String)
    case inconsistentHouseholdColumn(column: String, values: [String])
    case notAnObject(path: String, found: String)
    case numberOutOfRange(path: String, value: String)
    case dataCheckFailed(path: String, check: String, message: String, isError: Bool)
    case duplicateKey(path: String)
    case unknownKey(path: String)
    case unknownColumn(String)
    case regionOutsidePolicy(household: String, policy: String, id: String)

    // Lint
    case unusedValue(kind: String, name: String)
    case parameterWithoutSource(String)
    case literalInRule(String)
    case categoryNeverMatches(name: String, earlier: String)
    case overrideSameAsBase(String)
    case metadataDisagreesWithPath(what: String, written: String, expected: String, from: String)
    case untested(String)
    case noTests(String)
    case testAssertsNothing(String)
    case mixedScripts(name: String, scripts: String)
    case confusableNames(String, String)
    case yearGap(region: String, missing: String, before: Int, after: Int)

    // MARK: Evaluation (E07)
    case arithmeticOverflow(in: String)
    case divisionByZero(in: String)
    case dateOutOfRange(in: String)
    case dateNotInCalendar(date: String, calendar: String)
    case noPolicyForRegion(region: String, year: Int, folder: String)

    // MARK: Provenance (W01)
    case quoteNotInSource(document: String)
    case sourceDocumentNotFound(String)
    case quoteWithoutDocument
}

/// What is wrong with the body of `any`, `all`, `count`, `sum`, `min` or `max`.
public enum QuantifierProblem: Sendable {
    /// `any(m in members)`: no condition.
    case needsCondition(variable: String)
    /// `count(m in members where a: b)`.
    case whereAndColon
    /// `sum(m in members)`: no value to add up.
    case needsValue(variable: String)
    case needsNumbers(found: String)
}
