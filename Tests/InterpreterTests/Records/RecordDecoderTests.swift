import Foundation
import Testing
@testable import Interpreter

/// Reading records against the schema: every problem is reported with its
/// field path, unknown keys are warnings, spreadsheet cells are read leniently.
@Suite struct RecordDecoderTests {
    static func decode(_ changes: [String: Any?], lenient: Bool = false) -> RecordDecoder.Decoded {
        RecordDecoder(schema: PolicyTesting.schema, lenient: lenient).decode(PolicyTesting.household(changes))
    }

    static func messages(_ decoded: RecordDecoder.Decoded) -> [String] {
        (decoded.errors + decoded.warnings).map { "\($0.code) \($0.message)" }
    }

    @Test func aCompleteRecordReads() {
        let decoded = Self.decode([:])
        #expect(decoded.errors.isEmpty && decoded.warnings.isEmpty)
        #expect(decoded.record != nil)
        #expect(decoded.id == "h1")
    }

    /// Cases as (field path, the value as JSON text or `-` to remove it, the message).
    @Test(arguments: [
        ("income.wage", "-", "E0602 required field `income.wage` is missing"),
        ("income.wage", "\"lots\"", "E0603 `income.wage` must be an amount in yuan, found text \"lots\""),
        ("income.wage", "9000.125", "E0605 `income.wage` has more than two decimal places: `9000.125`"),
        ("category", "\"poor\"", "E0604 `category` has unknown value `poor`"),
        ("monitoring", "{\"identified_on\": \"2021-02-29\"}", "E0606 `monitoring.identified_on` is not a valid date `YYYY-MM-DD`: `2021-02-29`"),
        ("members", "[]", "E0610 `members` must not be empty"),
        ("members", "[{\"name\": \"a\", \"disability_grade\": 5}]", "E0609 `members[0].disability_grade` is `5`, outside 1…4"),
        ("members", "[{\"name\": \"a\", \"disability_grade\": 1.5}]", "E0603 `members[0].disability_grade` must be a whole number, found number 1.5"),
        ("income", "9000", "E0612 `income` must be an object, found number 9000"),
        ("risks", "\"illness\"", "E0603 `risks` must be a list, found text \"illness\""),
        ("relocation_site", "\"yes\"", "E0603 `relocation_site` must be true or false, found text \"yes\""),
        ("income.wages", "10", "W0601 unknown key `income.wages` ignored"),
        ("region.province", "-", "E0602 required field `region.province` is missing"),
    ])
    func problemsNameTheField(path: String, json: String, expected: String) throws {
        let value: Any? = json == "-" ? nil : try JSONSerialization.jsonObject(with: Data(json.utf8), options: .fragmentsAllowed)
        let messages = Self.messages(Self.decode([path: value]))
        #expect(messages == [expected])
    }

    @Test func chineseLabelsAreAcceptedAsEnumerationValues() {
        let decoded = Self.decode(["category": "一般农户", "members": [["name": "a", "labour": "普通劳动力"]]])
        #expect(decoded.errors.isEmpty)
    }

    @Test func moneyMayBeWrittenAsADecimalString() {
        #expect(Self.decode(["income.wage": "6000.50"]).errors.isEmpty)
        #expect(Self.messages(Self.decode(["income.wage": "6000.505"])) == ["E0605 `income.wage` has more than two decimal places: `6000.505`"])
    }

    @Test func nullIsUnknownNotAnError() {
        #expect(Self.decode(["income.rigid_expense": NSNull()]).errors.isEmpty)
    }

    @Test func spreadsheetCellsAreReadLeniently() {
        let decoded = Self.decode(["income.wage": "6,000.50", "relocation_site": "是", "monitoring": ["identified_on": "2021/6/3"],
                                   "members": [["name": "a", "dibao": "否"]]], lenient: true)
        #expect(decoded.errors.isEmpty, "\(Self.messages(decoded))")
    }

    @Test func duplicateKeysAreErrors() {
        let json = (try? JSONParser.parse(Array("{\"id\":\"a\",\"id\":\"b\"}".utf8)).get()) ?? .null
        let decoded = RecordDecoder(schema: PolicyTesting.schema).decode(json)
        #expect(decoded.errors.map(\.code.rawValue).contains("E0615"))
    }
}
