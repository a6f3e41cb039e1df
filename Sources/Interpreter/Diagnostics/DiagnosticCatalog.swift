/// The one catalogue of diagnostics: for each kind, its stable code, severity and
/// text. Messages are lowercase without a final period; names the user wrote
/// stand in backticks; detail goes in `help`.
public enum DiagnosticCatalog {
    struct Entry {
        let code: String
        let severity: Severity
        let message: String
        var label: String? = nil
        var help: String? = nil
    }

    public static func code(of kind: DiagnosticKind) -> DiagnosticCode { DiagnosticCode(entry(kind).code) }
    public static func severity(of kind: DiagnosticKind) -> Severity { entry(kind).severity }
    public static func message(of kind: DiagnosticKind, in language: Language = .en) -> String { entry(kind, in: language).message }
    public static func label(of kind: DiagnosticKind, in language: Language = .en) -> String? { entry(kind, in: language).label }
    public static func help(of kind: DiagnosticKind, in language: Language = .en) -> String? { entry(kind, in: language).help }

    /// The entry in a language: the Chinese texts (`DiagnosticCatalog+Chinese`)
    /// with the English entry's code and severity.
    static func entry(_ kind: DiagnosticKind, in language: Language) -> Entry {
        let english = entry(kind)
        guard language == .zh else { return english }
        let texts = chinese(kind)
        return Entry(code: english.code, severity: english.severity, message: texts.message, label: texts.label, help: texts.help)
    }

    // swiftlint:disable:next cyclomatic_complexity function_body_length
    static func entry(_ kind: DiagnosticKind) -> Entry {
        switch kind {
        // Files
        case .cannotReadFile(let path, let reason):
            return Entry(code: "E0001", severity: .error, message: "cannot read `\(path)`: \(reason)")
        case .invalidUTF8(let path, let line, let column):
            return Entry(code: "E0002", severity: .error, message: "`\(path)` is not UTF-8 text: a bad byte at line \(line), column \(column)",
                         help: "save the file as UTF-8")
        case .fileTooLarge(let path, let limit):
            return Entry(code: "E0003", severity: .error, message: "`\(path)` is larger than \(limit) bytes")
        case .outsidePoliciesRoot(let path, let target, let root):
            return Entry(code: "E0004", severity: .error,
                         message: "`\(path)` leads outside the policies root `\(root)` (to `\(target)`); refused",
                         help: "a policy reads only files under its policies root (the folder holding `schema/`); replace the symbolic link by the file itself")

        // Lexical
        case .unexpectedCharacter(let scalar):
            let ascii = asciiEquivalent(of: scalar)
            return Entry(code: "E0101", severity: .error, message: "unexpected character `\(scalar)` (U+\(hex(scalar)))",
                         label: ascii.map { "did you mean `\($0)`?" },
                         help: ascii != nil ? "code uses ASCII punctuation; full-width punctuation belongs in strings and comments" : nil)
        case .typographicQuote(let scalar):
            return Entry(code: "E0102", severity: .error, message: "typographic quote `\(scalar)` where a string needs `\"`",
                         label: "use `\"`", help: "strings are written between ASCII double quotes: \"村民代表会议\"")
        case .invisibleCharacter(let scalar):
            return Entry(code: "E0103", severity: .error, message: "invisible character U+\(hex(scalar)) in code",
                         label: "remove this character",
                         help: "zero-width and direction-changing characters are only allowed in strings and comments")
        case .unterminatedString:
            return Entry(code: "E0104", severity: .error, message: "string is not closed on this line",
                         label: "add a closing `\"`", help: "a string must end on the line where it starts")
        case .invalidEscape(let text):
            return Entry(code: "E0105", severity: .error, message: "invalid escape `\(text)` in string",
                         help: "escapes are \\\" \\\\ \\n \\t \\r and \\u{hex}")
        case .numberTooLong:
            return Entry(code: "E0106", severity: .error, message: "number has more than 40 characters")

        // Syntax
        case .expected(let what, let found):
            return Entry(code: "E0201", severity: .error, message: "expected \(what), found \(found)")
        case .expectedDeclaration(let found):
            return Entry(code: "E0202", severity: .error, message: "expected a declaration, found \(found)",
                         help: "a declaration starts with policy, schema, param, let, category, exclude, exception, monitored, eliminate, enum or record")
        case .unclosedBlock(let opener):
            return Entry(code: "E0203", severity: .error, message: "`{` of \(opener) is never closed",
                         label: "this block", help: "add `}` at the end of the block")
        case .nestingTooDeep(let limit):
            return Entry(code: "E0205", severity: .error, message: "expression nested more than \(limit) levels deep")
        case .duplicateClause(let clause):
            return Entry(code: "E0206", severity: .error, message: "`\(clause)` given twice", label: "second `\(clause)`")
        case .missingClause(let clause, let declaration):
            return Entry(code: "E0207", severity: .error, message: "\(declaration) needs a `\(clause)` clause")
        case .tooManyErrors(let limit):
            return Entry(code: "E0208", severity: .error, message: "more than \(limit) errors; stopping here")
        case .pathInsteadOfID(let found):
            return Entry(code: "E0209", severity: .error, message: "a file path where an id is expected, found \(found)",
                         label: "an id such as `hebei/2022`",
                         help: "`extends`, `schema` and `calendar` name files by id under the policies root; absolute paths, `.`, `..` and quoted paths are refused")

        // Names
        case .unknownName(let name, let suggestion):
            return Entry(code: "E0301", severity: .error, message: "unknown name `\(name)`",
                         label: suggestion.map { "did you mean `\($0)`?" },
                         help: "a name is a parameter, a `let`, a record field, a variable of `any`/`all`/…, or a built-in such as `today`")
        case .unknownField(let field, let container, let suggestion, let available):
            return Entry(code: "E0302", severity: .error, message: "unknown field `\(field)` in `\(container)`",
                         label: suggestion.map { "did you mean `\($0)`?" },
                         help: available.isEmpty ? nil : "fields of `\(container)`: \(available.joined(separator: ", "))")
        case .duplicateDeclaration(let name):
            return Entry(code: "E0303", severity: .error, message: "`\(name)` is declared more than once",
                         help: "every parameter, value, rule and condition needs its own name")
        case .unknownEnumMember(let member, let enumeration, let suggestion, let available):
            return Entry(code: "E0304", severity: .error, message: "`\(member)` is not a member of `\(enumeration)`",
                         label: suggestion.map { "did you mean `\($0)`?" },
                         help: "members of `\(enumeration)`: \(available.joined(separator: ", "))")
        case .schemaNotFound(let id, let nearest, let extraRoots):
            let extra = extraRoots.isEmpty ? "" : ", then in \(extraRoots.map { "`\($0)`" }.joined(separator: ", "))"
            return Entry(code: "E0305", severity: .error, message: "schema `\(id)` not found",
                         help: "looked for `schema/\(id).policy` in `\(nearest)` and the folders above it up to the policies root\(extra)")
        case .unknownFunction(let name, let suggestion):
            return Entry(code: "E0306", severity: .error, message: "unknown function `\(name)`",
                         label: suggestion.map { "did you mean `\($0)`?" })
        case .cyclicDefinition(let names):
            return Entry(code: "E0307", severity: .error, message: "`\(names.first ?? "")` is defined in terms of itself: \(names.joined(separator: " → "))",
                         help: "a value may only use values that do not depend on it")
        case .unknownType(let name, let suggestion):
            return Entry(code: "E0308", severity: .error, message: "unknown type `\(name)`",
                         label: suggestion.map { "did you mean `\($0)`?" },
                         help: "types are text, bool, date, int, number, a unit such as yuan or yuan/year, an enum, a record, or `list of` one of these")
        case .reservedName(let name):
            return Entry(code: "E0309", severity: .error, message: "`\(name)` is a built-in name and cannot be declared")

        // Types and units
        case .operandMismatch(let operation, let left, let right):
            return Entry(code: "E0401", severity: .error, message: "cannot apply `\(operation)` to \(left) and \(right)")
        case .unitMismatch(let operation, let left, let right):
            return Entry(code: "E0402", severity: .error, message: "units do not agree: `\(operation)` of \(left) and \(right)",
                         help: "both sides must be in the same unit; write the unit on a literal, e.g. `6000 yuan/person/year`")
        case .conditionNotBoolean(let found):
            return Entry(code: "E0403", severity: .error, message: "a condition must be true or false, found \(found)")
        case .argumentMismatch(let function, let expected, let found):
            return Entry(code: "E0404", severity: .error, message: "`\(function)` expects \(expected), found \(found)")
        case .argumentCount(let function, let expected, let found):
            return Entry(code: "E0405", severity: .error, message: "`\(function)` takes \(expected), given \(found)")
        case .notAList(let found):
            return Entry(code: "E0406", severity: .error, message: "expected a list, found \(found)")
        case .notARecord(let found, let field):
            return Entry(code: "E0407", severity: .error, message: "cannot take field `\(field)` of \(found)")
        case .unknownUnit(let word):
            return Entry(code: "E0408", severity: .error, message: "unknown unit `\(word)`",
                         help: "units are yuan (元), person (人), year (年), month (月), day (天), working day (工作日), week (周) and their plurals")
        case .invalidLiteral(let kind, let text):
            return Entry(code: "E0409", severity: .error, message: "invalid \(kind) `\(text)`")
        case .parameterNotConstant(let name):
            return Entry(code: "E0410", severity: .error, message: "parameter `\(name)` must not depend on the household",
                         help: "use `let` for a value computed from the record")
        case .quantifierBody(let kind, let problem):
            let text: String
            switch problem {
            case .needsCondition(let variable): text = "needs a condition: `\(kind)(\(variable) in …: condition)`"
            case .whereAndColon: text = "takes `where` or `:`, not both"
            case .needsValue(let variable): text = "needs the value to add up: `\(kind)(\(variable) in …: \(variable).amount)`"
            case .needsNumbers(let found): text = "needs numbers, found \(found)"
            }
            return Entry(code: "E0411", severity: .error, message: "`\(kind)(…)` \(text)")
        case .mixedList(let first, let other):
            return Entry(code: "E0412", severity: .error, message: "list mixes \(first) and \(other)")
        case .branchMismatch(let then, let otherwise):
            return Entry(code: "E0413", severity: .error, message: "the two branches give different types: \(then) and \(otherwise)")
        case .overflowInConstant:
            return Entry(code: "E0414", severity: .error, message: "number is too large")

        // Structure
        case .missingHeader:
            return Entry(code: "E0501", severity: .error, message: "file has no `policy` or `schema` header",
                         help: "start the file with `policy region/county/year { … }`")
        case .missingHeaderClause(let clause):
            return Entry(code: "E0502", severity: .error, message: "header needs `\(clause)`")
        case .duplicateHeader:
            return Entry(code: "E0503", severity: .error, message: "a file has only one header")
        case .singleDeclaration(let what):
            return Entry(code: "E0504", severity: .error, message: "a policy has at most one `\(what)`")
        case .noCategories:
            return Entry(code: "E0505", severity: .error, message: "policy declares no `category`",
                         help: "a household is taken in under one of the categories; declare at least one")
        case .declarationNotAllowed(let declaration, let file):
            return Entry(code: "E0506", severity: .error, message: "`\(declaration)` is not allowed in a \(file) file")
        case .monitoredCategoryMismatch(let members, let enumeration):
            let names = members.map { "`\($0)`" }.joined(separator: ", ")
            let verb = members.count == 1 ? "is not a category" : "are not categories"
            return Entry(code: "E0507", severity: .error, message: "\(names) of `\(enumeration)` \(verb) of this policy",
                         help: "the `category` of `monitored` must give one of the policy's categories")
        case .invalidYear(let text):
            return Entry(code: "E0508", severity: .error, message: "invalid year `\(text)`")
        case .missingRootRecord(let name):
            return Entry(code: "E0509", severity: .error, message: "schema declares no record `\(name)`",
                         help: "the schema `\(name)/vN` describes the record named `\(name)`")

        case .calendarNotFound(let id, let nearest):
            return Entry(code: "E0510", severity: .error, message: "calendar `\(id)` not found",
                         help: "looked for `calendar/\(id)/YEAR.policy` in `\(nearest)` and the folders above it up to the policies root")
        case .calendarDayOutsideYear(let date, let year):
            return Entry(code: "E0511", severity: .error, message: "`\(date)` is not a day of the calendar's year \(year) or next to it")
        case .calendarConflict(let date):
            return Entry(code: "E0512", severity: .error, message: "`\(date)` is declared both a holiday and a working day")
        case .workdayNotWeekend(let date):
            return Entry(code: "E0513", severity: .error, message: "`\(date)` is a weekday; only weekend days are declared as worked",
                         help: "Monday to Friday are working days unless declared holidays")
        case .workingDaysWithoutCalendar:
            return Entry(code: "E0514", severity: .error, message: "working days need a calendar",
                         help: "add `calendar cn` to the header: public holidays and worked weekends come from `calendar/cn/`")
        case .noBasePolicy(let id):
            return Entry(code: "E0515", severity: .error, message: "base policy `\(id)` not found",
                         help: "the policy `\(id)` is the file `\(id).policy` under `policies/`")
        case .extendsCycle(let ids):
            return Entry(code: "E0516", severity: .error, message: "policies extend each other in a circle: \(ids.joined(separator: " → "))")
        case .overrideWithoutBase(let what):
            return Entry(code: "E0517", severity: .error, message: "`\(what)` needs a base policy",
                         help: "add `extends ID` to the header, such as `policy hebei/laiyuan/2022 extends hebei/2022 { … }`")
        case .nothingToOverride(let what, let base):
            return Entry(code: "E0518", severity: .error, message: "`\(base)` has no \(what) to change",
                         help: "`override` and `remove` change what the base policy declares; declare a new item without them")
        case .alreadyInBase(let what, let base, let place):
            return Entry(code: "E0519", severity: .error, message: "\(what) is already declared in `\(base)` (\(place))",
                         help: "write `override` before it to replace the base's, or give it another name")
        case .schemaDiffersFromBase(let schema, let base):
            return Entry(code: "E0520", severity: .error, message: "schema `\(schema)` differs from the base policy's `\(base)`")
        case .unknownDecision(let name):
            return Entry(code: "E0521", severity: .error, message: "`\(name)` is not a decision",
                         help: "decisions are include, exclude, not_eligible, continue, eliminate, remove and needs_data")
        case .unknownStep(let name):
            return Entry(code: "E0522", severity: .error, message: "no earlier step `\(name)` to run alongside")
        case .eventWithoutDate(let list):
            return Entry(code: "E0523", severity: .error, message: "the elements of `\(list)` have no `date` field to date the alert from")
        case .invalidMonthRange(let text):
            return Entry(code: "E0524", severity: .error, message: "invalid months `\(text)`", help: "months are 1 to 12, as in `during 9..10`")
        case .alertWithoutDepartment(let name):
            return Entry(code: "E0525", severity: .error, message: "alert `\(name)` does not say which department it goes `to`")
        case .duplicateOtherwise:
            return Entry(code: "E0526", severity: .error, message: "only one interval may be the `otherwise` one, and it comes last")
        case .testHouseholdInvalid(let message):
            return Entry(code: "E0527", severity: .error, message: "the test's household: \(message)",
                         help: "a test's household is a record of the schema, written `{ field: value … }`")
        case .unknownTestName(let what, let name, let suggestion):
            return Entry(code: "E0528", severity: .error, message: "the policy has no \(what) `\(name)`",
                         help: suggestion.map { "did you mean `\($0)`?" })

        // Records
        case .recordSyntax(let message):
            return Entry(code: "E0601", severity: .error, message: message)
        case .missingRequiredField(let path):
            return Entry(code: "E0602", severity: .error, message: "required field `\(path)` is missing")
        case .wrongFieldType(let path, let expected, let found):
            return Entry(code: "E0603", severity: .error, message: "`\(path)` must be \(expected), found \(found)")
        case .unknownEnumValue(let path, let value, let allowed):
            return Entry(code: "E0604", severity: .error, message: "`\(path)` has unknown value `\(value)`",
                         help: "allowed: \(allowed.joined(separator: ", "))")
        case .tooManyDecimals(let path, let value):
            return Entry(code: "E0605", severity: .error, message: "`\(path)` has more than two decimal places: `\(value)`")
        case .invalidDate(let path, let value):
            return Entry(code: "E0606", severity: .error, message: "`\(path)` is not a valid date `YYYY-MM-DD`: `\(value)`")
        case .duplicateHouseholdID(let id, let firstLine):
            return Entry(code: "E0607", severity: .error, message: "household id `\(id)` already used on line \(firstLine)")
        case .csvRowShape(let expected, let found):
            return Entry(code: "E0608", severity: .error, message: "row has \(found) cells, the header has \(expected)")
        case .valueOutOfRange(let path, let value, let bounds):
            return Entry(code: "E0609", severity: .error, message: "`\(path)` is `\(value)`, outside \(bounds)")
        case .emptyList(let path):
            return Entry(code: "E0610", severity: .error, message: "`\(path)` must not be empty")
        case .inconsistentHouseholdColumn(let column, let values):
            return Entry(code: "E0611", severity: .error,
                         message: "column `\(column)` differs between rows of one household: \(values.map { "`\($0)`" }.joined(separator: ", "))")
        case .notAnObject(let path, let found):
            return Entry(code: "E0612", severity: .error, message: "`\(path)` must be an object, found \(found)")
        case .numberOutOfRange(let path, let value):
            return Entry(code: "E0613", severity: .error, message: "`\(path)` is out of range: `\(value)`")
        case .dataCheckFailed(let path, let check, let message, let isError):
            return Entry(code: isError ? "E0614" : "W0602", severity: isError ? .error : .warning,
                         message: "`\(path)`: \(message) (\(check))")
        case .duplicateKey(let path):
            return Entry(code: "E0615", severity: .error, message: "key `\(path)` appears more than once")
        case .unknownKey(let path):
            return Entry(code: "W0601", severity: .warning, message: "unknown key `\(path)` ignored",
                         help: "a key the schema does not declare; check its spelling")
        case .unknownColumn(let column):
            return Entry(code: "W0603", severity: .warning, message: "unknown column `\(column)` ignored")
        case .regionOutsidePolicy(let household, let policy, let id):
            return Entry(code: "W0604", severity: .warning, message: "the household is in \(household), outside the region of `\(id)`: \(policy)",
                         help: "check the policy chosen, or let `--policies` choose one per household")

        // Lint
        case .unusedValue(let kind, let name):
            return Entry(code: "W0801", severity: .warning, message: "\(kind) `\(name)` is never used",
                         help: "remove it, or use it in the rule it was meant for")
        case .parameterWithoutSource(let name):
            return Entry(code: "W0802", severity: .warning, message: "param `\(name)` has no source sentence and no assumption",
                         help: "quote the sentence that gives the number with `source \"…\"`, or say where it comes from with `assumption \"…\"`")
        case .literalInRule(let text):
            return Entry(code: "W0803", severity: .warning, message: "the amount `\(text)` is written inside a rule",
                         help: "declare it as a `param` with its source sentence, so that next year's change is one line")
        case .categoryNeverMatches(let name, let earlier):
            return Entry(code: "W0804", severity: .warning, message: "category `\(name)` can never match: `\(earlier)` before it always does",
                         help: "categories are tried in order and the first that holds wins")
        case .overrideSameAsBase(let what):
            return Entry(code: "W0805", severity: .warning, message: "the override of \(what) changes nothing",
                         help: "it is written as in the base policy; remove the override")
        case .metadataDisagreesWithPath(let what, let written, let expected, let from):
            return Entry(code: "W0806", severity: .warning, message: "\(what) `\(written)` disagrees with \(from), which gives `\(expected)`",
                         help: "a policy's id is its path under `policies/` without `.policy`; its year is the id's last part")
        case .untested(let what):
            return Entry(code: "W0807", severity: .warning, message: "no test exercises \(what)",
                         help: "add a `test` whose household makes it hold (or block, or fire); `policy test --coverage` lists them all")
        case .noTests(let id):
            return Entry(code: "W0807", severity: .warning, message: "policy `\(id)` has no tests",
                         help: "add `test` declarations: households from the source's sentences, with the decision they must get")
        case .testAssertsNothing(let name):
            return Entry(code: "W0808", severity: .warning, message: "test `\(name)` expects nothing but that the household is evaluated",
                         help: "say what the policy must decide: `expect decision …`, `expect category …`, `expect alert …`")
        case .mixedScripts(let name, let scripts):
            return Entry(code: "W0809", severity: .warning, message: "the name `\(name)` mixes scripts (\(scripts))",
                         help: "write a name in one script: letters that look alike in two scripts make different names")
        case .confusableNames(let name, let other):
            return Entry(code: "W0809", severity: .warning, message: "the names `\(name)` and `\(other)` look alike",
                         help: "full-width letters and letters of other scripts that look alike make different names; rename one")
        case .yearGap(let region, let missing, let before, let after):
            return Entry(code: "W0810", severity: .warning, message: "\(region) has policies for \(before) and \(after) but none for \(missing)",
                         help: "add the missing year's policy (it may `extends` the previous year's and change only what changed)")

        // Evaluation
        case .arithmeticOverflow(let place):
            return Entry(code: "E0701", severity: .error, message: "arithmetic overflow in `\(place)`")
        case .divisionByZero(let place):
            return Entry(code: "E0702", severity: .error, message: "division by zero in `\(place)`")
        case .dateOutOfRange(let place):
            return Entry(code: "E0703", severity: .error, message: "date out of range in `\(place)`")
        case .dateNotInCalendar(let date, let calendar):
            return Entry(code: "E0704", severity: .error, message: "no calendar of `\(calendar)` covers \(date): working days cannot be counted",
                         help: "add the year's public holidays as `calendar/\(calendar)/YEAR.policy`")
        case .noPolicyForRegion(let region, let year, let folder):
            return Entry(code: "E0705", severity: .error, message: "no policy in `\(folder)` covers \(region) in \(year) or before",
                         help: "a policy covers a household when its `region` is the start of the household's and its `year` is not after the as-of date")

        // Provenance
        case .quoteNotInSource(let document):
            return Entry(code: "W0101", severity: .warning, message: "quoted sentence not found in `\(document)`",
                         help: "quote the source word for word; `…` may stand for omitted text")
        case .sourceDocumentNotFound(let document):
            return Entry(code: "W0102", severity: .warning, message: "source document `\(document)` not found; quotations not verified")
        case .quoteWithoutDocument:
            return Entry(code: "W0103", severity: .warning, message: "quotation not verified: no source document is named",
                         help: "name the document in the header (`source \"FILE.txt\"`, a file under `sources/`) or after the quote (`from \"FILE.txt\"`)")
        }
    }

    static func hex(_ scalar: Unicode.Scalar) -> String {
        let digits = String(scalar.value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// The ASCII character a full-width or Chinese punctuation mark stands for.
    static func asciiEquivalent(of scalar: Unicode.Scalar) -> String? {
        switch scalar.value {
        case 0xFF01...0xFF5E:
            return Unicode.Scalar(scalar.value - 0xFEE0).map { String($0) }
        case 0x3001: return ","
        case 0x3002: return "."
        case 0x3010: return "["
        case 0x3011: return "]"
        default: return nil
        }
    }
}
