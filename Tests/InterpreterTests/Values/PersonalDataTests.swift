import Testing
@testable import Interpreter

@Suite struct PersonalDataTests {
    @Test(arguments: [
        ("household `500236199001011234`: bad", "household `500236********1234`: bad"),
        ("50023619900101123X", "500236********123X"),
        ("50023619900101123x and 500236900101123", "500236********123x and 500236*****1123"),
        // Not ID numbers: too short, too long, part of a word, money.
        ("5002361990010112", "5002361990010112"),
        ("5002361990010112345", "5002361990010112345"),
        ("A500236199001011234", "A500236199001011234"),
        ("9000.00 yuan", "9000.00 yuan"),
        ("", ""),
    ])
    func idNumbersKeepTheirFirstSixAndLastFour(text: String, masked: String) {
        #expect(PersonalData.maskingIDNumbers(text) == masked)
    }

    @Test func namesKeepTheirFirstCharacter() {
        #expect(PersonalData.maskingText("张德明") == "张**")
        #expect(PersonalData.maskingText("欧阳") == "欧*")
        #expect(PersonalData.maskingText("") == "")
        #expect(PersonalData.maskingText("500236199001011234") == "500236********1234")
    }

    @Test func quotedTextsInATraceValueAreMasked() {
        #expect(PersonalData.maskingQuotedTexts("[{ name: \"张德明\", sex: male, age: 40 }]") == "[{ name: \"张**\", sex: male, age: 40 }]")
        #expect(PersonalData.maskingQuotedTexts("\"a\\\"b\" and \"李\"") == "\"a***\" and \"李\"")
        #expect(PersonalData.maskingQuotedTexts("9000.00 元") == "9000.00 元")
    }

    @Test func aResultIsMaskedWhereItShowsRecordText() {
        var result = HouseholdResult(id: "500236199001011234", line: 1, policy: "p", asOf: CivilDate(year: 2021, month: 9, day: 30)!, decision: .error)
        result.messages = ["error[E0601]: line 1, household `500236199001011234`: invalid JSON"]
        let always = result.maskingPersonalData()
        #expect(always.messages == ["error[E0601]: line 1, household `500236********1234`: invalid JSON"])
        #expect(always.id == "500236199001011234")
        #expect(result.maskingPersonalData(everything: true).id == "500236********1234")
    }
}
