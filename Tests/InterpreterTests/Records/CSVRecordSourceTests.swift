import Foundation
import Lexer
import Testing
@testable import Interpreter

/// Households from CSV: one row per member, household columns repeated,
/// headers in English or in the survey form's Chinese.
@Suite struct CSVRecordSourceTests {
    static func households(_ csv: String) -> [RawRecord] {
        var source = CSVRecordSource(rows: CSVReader(source: MemoryByteSource(Array(csv.utf8))), schema: PolicyTesting.schema)
        var records: [RawRecord] = []
        while let record = source.next() { records.append(record) }
        return records
    }

    static func decoded(_ record: RawRecord) -> RecordDecoder.Decoded {
        RecordDecoder(schema: PolicyTesting.schema, lenient: true).decode(record.json ?? .null)
    }

    static let header = "id,province,county,category,income_wage,income_business,income_property,income_transfer,income_business_expense,risks,vehicles,member_name,member_labour"

    @Test func rowsOfOneHouseholdBecomeItsMembers() throws {
        let records = Self.households(Self.header + "\n"
            + "a,重庆市,丰都县,general,9000,0,0,0,0,illness;disaster,luxury_car:300000;car:50000,张三,ordinary\n"
            + "a,重庆市,丰都县,general,9000,0,0,0,0,illness;disaster,luxury_car:300000;car:50000,李四,weak\n"
            + "b,重庆市,丰都县,alleviated,3000,0,0,0,0,无,,王五,lost\n")
        #expect(records.count == 2)
        #expect(records.map(\.line) == [2, 4])
        let first = Self.decoded(records[0])
        #expect(first.errors.isEmpty, "\(first.errors.map(\.message))")
        guard case .object(let household) = try #require(records[0].json) else { Issue.record("not an object"); return }
        guard case .array(let members)? = household["members"] else { Issue.record("no members"); return }
        #expect(members.count == 2)
        #expect(household["risks"] == .array([.string("illness"), .string("disaster")]))
        guard case .object(let assets)? = household["assets"], case .array(let vehicles)? = assets["vehicles"] else { Issue.record("no vehicles"); return }
        #expect(vehicles.count == 2)
        guard case .object(let second) = try #require(records[1].json) else { return }
        #expect(second["risks"] == .array([]))
        #expect(second["assets"] == nil, "an empty cell is unknown")
        #expect(Self.decoded(records[1]).errors.isEmpty)
    }

    @Test func chineseHeadersAreAliases() {
        let records = Self.households("户编码,省,县,户属性,工资性收入,生产经营性收入,财产性收入,转移性收入,生产经营性支出,姓名,劳动技能,与户主关系\n"
            + "c,重庆市,丰都县,一般农户,9000,0,0,0,0,张三,普通劳动力,户主\n")
        let decoded = Self.decoded(records[0])
        #expect(decoded.errors.isEmpty, "\(decoded.errors.map(\.message))")
        #expect(decoded.id == "c")
    }

    @Test func aHouseholdColumnThatDiffersBetweenRowsIsAnError() {
        let records = Self.households(Self.header + "\n"
            + "a,重庆市,丰都县,general,9000,0,0,0,0,illness,,张三,ordinary\n"
            + "a,重庆市,丰都县,general,8000,0,0,0,0,illness,,李四,weak\n")
        #expect(records.count == 1)
        #expect(records[0].errors.map(\.code.rawValue) == ["E0611"])
    }

    @Test func raggedRowsAndUnknownColumnsAreReported() {
        let records = Self.households(Self.header + ",nickname\n"
            + "a,重庆市,丰都县,general,9000,0,0,0,0,illness,,张三,ordinary,三儿\n"
            + "b,重庆市,丰都县,general,9000\n")
        #expect(records.count == 2)
        #expect(records[0].warnings.map(\.code.rawValue) == ["W0603"])
        #expect(records[1].errors.map(\.code.rawValue) == ["E0608"])
        #expect(records[1].warnings.isEmpty, "the unknown column is reported once")
    }
}

@Suite struct ResultWriterTests {
    static func result(_ id: String?, _ decision: DecisionKind = .include) -> HouseholdResult {
        var result = HouseholdResult(id: id, line: 3, policy: "chongqing/fengdu/2021", asOf: PolicyTesting.asOf, decision: decision)
        result.category = decision == .include ? "marginal" : nil
        result.warnings = ["warning[W0601]: unknown key `x\"y` ignored\n"]
        return result
    }

    @Test func jsonLinesCarryEveryKeyOfTheContract() throws {
        var writer = ResultWriter(format: .jsonl)
        let line = writer.write(Self.result("张三\u{1}\"家"))
        #expect(line.hasSuffix("\n") && !line.dropLast().contains("\n"))
        #expect(line.contains("\"id\":\"张三\\u0001\\\"家\""))
        for key in ["id", "policy", "as_of", "decision", "category", "exclusions", "exception", "elimination", "eligible", "blocked_by",
                    "alerts", "procedure", "green_channel", "missing", "warnings", "messages", "trace"] {
            #expect(line.contains("\"\(key)\":"), "missing key \(key)")
        }
        #expect(line.contains("\"as_of\":\"2021-09-30\""))
    }

    @Test(arguments: [0, 1, 3])
    func jsonIsOneArray(count: Int) throws {
        var writer = ResultWriter(format: .json)
        var text = writer.begin()
        for index in 0..<count { text += writer.write(Self.result("h\(index)")) }
        text += writer.end()
        let decoded = try JSONParser.parse(Array(text.utf8)).get()
        guard case .array(let items) = decoded else { Issue.record("not an array"); return }
        #expect(items.count == count)
    }

    @Test func csvQuotesWhatItMustAndDisarmsFormulas() {
        #expect(ResultWriter.csvCell("plain") == "plain")
        #expect(ResultWriter.csvCell("a,b") == "\"a,b\"")
        #expect(ResultWriter.csvCell("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(ResultWriter.csvCell("two\nlines") == "\"two\nlines\"")
        #expect(ResultWriter.csvCell("=SUM(A1)") == "'=SUM(A1)")
        var writer = ResultWriter(format: .csv)
        writer.csvByteOrderMark = true
        #expect(writer.begin().hasPrefix("\u{FEFF}id,policy,as_of,decision"))
    }

    @Test func tableColumnsLineUpUnderChineseText() {
        var writer = ResultWriter(format: .table)
        var text = writer.begin()
        text += writer.write(Self.result("丰都-一号"))
        text += writer.write(Self.result("b2", .exclude))
        text += writer.end()
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        // Where the decision starts, in display cells, on every line.
        let decisionColumn = zip(lines, ["decision", "include", "exclude"]).map { line, word in
            line.range(of: word).map { DisplayWidth.of(line[..<$0.lowerBound]) } ?? -1
        }
        #expect(Set(decisionColumn).count == 1, "\(lines)")
        #expect(decisionColumn.first ?? 0 > 0)
    }
}
