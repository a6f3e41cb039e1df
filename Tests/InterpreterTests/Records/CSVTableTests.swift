import Testing
@testable import Interpreter

private func table(_ text: String, chunkSize: Int = 1 << 20) throws(CSVError) -> CSVTable {
    try CSVTable(reader: CSVReader(source: MemoryByteSource(text, chunkSize: chunkSize), chunkSize: chunkSize))
}

/// The data rows of a table: cells, or the error's message.
private func dataRows(_ text: String, chunkSize: Int = 1 << 20) throws -> [String] {
    var rows = try table(text, chunkSize: chunkSize)
    var out: [String] = []
    while let (line, result) = rows.next() {
        switch result {
        case .success(let cells): out.append("\(line): \(cells.joined(separator: "|"))")
        case .failure(let error): out.append("\(line): \(error.message)")
        }
    }
    return out
}

private struct ShapeCase: Sendable, CustomTestStringConvertible {
    let name: String
    let text: String
    let expected: [String]
    var testDescription: String { name }
}

private let shapeCases: [ShapeCase] = [
    ShapeCase(name: "matching rows", text: "户编码,姓名\n1,张三\n2,李四\n", expected: ["2: 1|张三", "3: 2|李四"]),
    ShapeCase(name: "too many cells", text: "a,b\n1,2,3\n4,5\n",
              expected: ["2: row has too many cells: expected 2, found 3", "3: 4|5"]),
    ShapeCase(name: "too few cells", text: "a,b,c\n1,2\n4,5,6\n",
              expected: ["2: row has too few cells: expected 3, found 2", "3: 4|5|6"]),
    ShapeCase(name: "one cell where three are expected", text: "a,b,c\n1\n",
              expected: ["2: row has too few cells: expected 3, found 1"]),
    ShapeCase(name: "extra empty cells dropped", text: "a,b\n1,2,,\n", expected: ["2: 1|2"]),
    ShapeCase(name: "trailing empty headers dropped", text: "a,b,,\n1,2,,\n3,4\n5,6,x,\n",
              expected: ["2: 1|2", "3: 3|4", "4: row has too many cells: expected 2, found 4"]),
    ShapeCase(name: "reader errors pass through", text: "a,b\n\"1\"x,2\n3,4\n",
              expected: ["2: unexpected character after closing quote", "3: 3|4"]),
    ShapeCase(name: "header only", text: "a,b\r\n", expected: []),
    ShapeCase(name: "multi-line cell keeps line numbers", text: "a,b\n\"1\n1\",2\n3,4\n", expected: ["2: 1\n1|2", "4: 3|4"]),
]

@Suite struct CSVTableTests {
    @Test(arguments: shapeCases, [1, 3, 1 << 20])
    private func checksRowShapes(_ testCase: ShapeCase, chunkSize: Int) throws {
        #expect(try dataRows(testCase.text, chunkSize: chunkSize) == testCase.expected)
    }

    @Test func trimsHeaderNames() throws {
        let rows = try table("\u{FEFF} 户编码 ,\u{3000}姓名\t,\" 人口\"\n1,张三,4\n")
        #expect(rows.header == ["户编码", "姓名", "人口"])
        #expect(rows.columnIndex == ["户编码": 0, "姓名": 1, "人口": 2])
        #expect(rows.headerProblems.isEmpty)
        #expect(rows.headerLine == 1)
    }

    @Test func trimsAByteOrderMarkInsideQuotes() throws {
        // The reader skips a mark before the first byte; one written inside
        // the first quoted cell survives it and must go here.
        let rows = try table("\"\u{FEFF}户编码\",姓名\n")
        #expect(rows.header == ["户编码", "姓名"])
    }

    @Test func reportsDuplicateAndEmptyHeaders() throws {
        let rows = try table("姓名,, 姓名 ,人口\n")
        #expect(rows.header == ["姓名", "", "姓名", "人口"])
        #expect(rows.columnIndex == ["姓名": 0, "人口": 3])
        #expect(rows.headerProblems == [
            CSVError(.emptyHeader(field: 2), line: 1),
            CSVError(.duplicateHeader(name: "姓名", field: 3, firstField: 1), line: 1),
        ])
        #expect(rows.headerProblems.map(\.message) == [
            "header of column 2 is empty",
            "header `姓名` of column 3 repeats column 1",
        ])
    }

    @Test(arguments: ["", "\u{FEFF}", "\n\n", "\"\"\n1\n", ",,\n"])
    func refusesAFileWithoutHeader(_ text: String) {
        #expect(throws: CSVError.self) { try table(text) }
        do {
            _ = try table(text)
        } catch {
            #expect(error.kind == .missingHeader)
        }
    }

    @Test func headerAfterBlankLinesKeepsItsLine() throws {
        #expect(try table("\n\n户编码\n1\n").headerLine == 3)
    }

    @Test func refusesAnUnreadableHeaderRow() {
        do {
            _ = try table("\"户编码\"x,姓名\n1,2\n")
            Issue.record("expected an error")
        } catch {
            #expect(error == CSVError(.unexpectedCharacterAfterQuote, line: 1, column: 6))
        }
    }

    @Test func looksUpCellsByName() throws {
        var rows = try table("户编码,姓名,人口\n3301,张三,4\n")
        let cells = try #require(try rows.next()?.result.get())
        #expect(rows.value("姓名", in: cells) == "张三")
        #expect(rows.value("收入", in: cells) == nil)
        #expect(rows.value("人口", in: ["1"]) == nil)
        #expect(rows.record(cells) == ["户编码": "3301", "姓名": "张三", "人口": "4"])
    }
}
