/// Households from CSV: one row per member, household columns repeated on each
/// row, rows of one household adjacent (`household-record.md`, "CSV layout").
/// Each household is assembled into the JSON form of a record, cells as text,
/// and read leniently (`6,000.50`, `是`/`否`, `2021/6/30`).
public struct CSVRecordSource: RecordSource {
    private var rows: CSVReader
    private let layout: CSVLayout
    private var header: [CSVLayout.Column?] = []
    private var headerNames: [String] = []
    private var idColumn: Int?
    /// Whether each column is one of the rows' own (a member's), worked out once from the header.
    private var rowColumns: [Bool] = []
    private var headerRead = false
    private var fileWarnings: [Diagnostic] = []
    private var pending: (line: Int, result: Result<[String], CSVError>)?
    private var done = false
    /// Rows (members) one household may have; the rows beyond are read past,
    /// not kept, and the household is an error.
    public let maxRowsPerHousehold: Int

    public init(rows: CSVReader, schema: Schema, maxRowsPerHousehold: Int = JSONLimits.default.maxListItems) {
        self.rows = rows
        self.layout = CSVLayout(schema: schema)
        self.maxRowsPerHousehold = max(1, maxRowsPerHousehold)
    }

    public mutating func next() -> RawRecord? {
        if !headerRead {
            headerRead = true
            guard let first = rows.next() else { return nil }
            switch first.result {
            case .success(let cells): readHeader(cells)
            case .failure(let error):
                done = true
                return RawRecord(line: first.line, json: nil, errors: [Diagnostic(.recordSyntax("unreadable CSV header: \(error)"))])
            }
        }
        guard !done else { return nil }
        guard let first = pending ?? rows.next() else { return nil }
        pending = nil
        let cells: [String]
        switch first.result {
        case .success(let value): cells = value
        case .failure(let error):
            return RawRecord(line: first.line, json: nil, errors: [Diagnostic(.recordSyntax("unreadable CSV row: \(error)"))])
        }
        var group = [(first.line, cells)]
        var extraRows = 0
        let id = idColumn.flatMap { $0 < cells.count ? cells[$0] : nil }
        // Rows of one household are adjacent and share its id.
        while let id, !id.isEmpty, let following = rows.next() {
            if case .success(let next) = following.result, let column = idColumn, column < next.count, next[column] == id {
                if group.count < maxRowsPerHousehold { group.append((following.line, next)) } else { extraRows += 1 }
            } else {
                pending = following
                break
            }
        }
        if extraRows > 0 {
            let problem = "household `\(id ?? "")` has \(group.count + extraRows) rows, more than \(maxRowsPerHousehold) (raise the limit with `--max-list-items`)"
            return RawRecord(line: first.line, json: nil, id: id, errors: [Diagnostic(.recordSyntax(problem))])
        }
        var record = assemble(group)
        record.warnings = fileWarnings + record.warnings
        fileWarnings = []
        return record
    }

    private mutating func readHeader(_ cells: [String]) {
        headerNames = cells
        header = cells.map { name in
            let key = CSVLayout.normalize(name)
            return layout.household[key] ?? layout.rowColumns[key]
        }
        for (index, name) in cells.enumerated() where header[index] == nil && !name.trimmingSpaces().isEmpty {
            fileWarnings.append(Diagnostic(.unknownColumn(name)))
        }
        rowColumns = header.indices.map(rowColumn)
        idColumn = header.indices.first { header[$0]?.path == ["id"] && !rowColumns[$0] }
    }

    private func rowColumn(_ index: Int) -> Bool {
        guard let column = header[index] else { return false }
        let key = CSVLayout.normalize(headerNames[index])
        return layout.household[key] == nil && layout.rowColumns[key]?.path == column.path
    }

    private func assemble(_ group: [(line: Int, cells: [String])]) -> RawRecord {
        let line = group[0].line
        var errors: [Diagnostic] = []
        for (_, cells) in group where cells.count != header.count {
            errors.append(Diagnostic(.csvRowShape(expected: header.count, found: cells.count)))
        }
        var household = JSONObjectBuilder()
        var members: [JSONValue] = []
        for (rowIndex, (_, cells)) in group.enumerated() {
            var member = JSONObjectBuilder()
            for (index, column) in header.enumerated() {
                guard let column, index < cells.count else { continue }
                let cell = cells[index]
                if rowColumns[index] {
                    if !cell.trimmingSpaces().isEmpty { member.set(column.path, CSVRecordSource.cellValue(cell, column.type)) }
                    continue
                }
                if rowIndex == 0 {
                    if !cell.trimmingSpaces().isEmpty { household.set(column.path, CSVRecordSource.cellValue(cell, column.type)) }
                } else if cell != group[0].cells[safe: index] {
                    let values = [group[0].cells[safe: index] ?? "", cell]
                    errors.append(Diagnostic(.inconsistentHouseholdColumn(column: headerNames[index], values: values)))
                }
            }
            if !member.isEmpty { members.append(member.value) }
        }
        if let rowsField = layout.rowsField { household.set([rowsField], .array(members)) }
        let id = idColumn.flatMap { group[0].cells[safe: $0] }
        return RawRecord(line: line, json: household.value, id: id?.isEmpty == true ? nil : id, errors: errors, lenient: true)
    }

    /// A cell as JSON: a list cell split on `;` (records on `:`), anything else as
    /// text. An empty cell is unknown; a list known to be empty is written `无`,
    /// `-` or `[]`.
    static func cellValue(_ cell: String, _ type: ValueType) -> JSONValue {
        guard case .list(let element) = type else { return .string(cell.trimmingSpaces()) }
        if ["无", "-", "[]"].contains(cell.trimmingSpaces()) { return .array([]) }
        let items = cell.split(whereSeparator: { $0 == ";" || $0 == "；" }).map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }
        if case .record = element {
            return .array(items.map { item in
                let parts = item.split(omittingEmptySubsequences: false, whereSeparator: { $0 == ":" || $0 == "：" }).map { String($0).trimmingSpaces() }
                return .listRecord(parts)
            })
        }
        return .array(items.map { .string($0) })
    }
}

extension JSONValue {
    /// A record written positionally in a cell (`luxury_car:300000`), keyed
    /// `#0`, `#1`, … until the decoder maps positions to fields.
    static func listRecord(_ parts: [String]) -> JSONValue {
        .array(parts.map { .string($0) })
    }
}

/// Builds a JSON object from field paths, creating nested objects as needed,
/// members in the order first set. Nested objects stay builders until the
/// value is asked for, so setting a field costs no copy of its siblings.
struct JSONObjectBuilder {
    private enum Entry {
        case value(JSONValue)
        case object(JSONObjectBuilder)
    }

    private var members: [(key: String, entry: Entry)] = []

    var isEmpty: Bool { members.isEmpty }

    mutating func set(_ path: [String], _ value: JSONValue) {
        set(path[...], value)
    }

    private mutating func set(_ path: ArraySlice<String>, _ value: JSONValue) {
        guard let first = path.first else { return }
        let rest = path.dropFirst()
        let index = members.firstIndex { $0.key == first }
        if rest.isEmpty {
            if let index { members[index].entry = .value(value) } else { members.append((first, .value(value))) }
            return
        }
        var nested = JSONObjectBuilder()
        var existing: Int?
        if let index {
            switch members[index].entry {
            case .object(let object):
                nested = object
                existing = index
            case .value(.object(let object)):
                nested.members = object.members.map { ($0.key, .value($0.value)) }
                existing = index
            case .value:
                // Not an object: a second member of that name, as the JSON would have.
                break
            }
        }
        if let existing {
            // Given up by the entry while it changes, so that it is not copied.
            members[existing].entry = .value(.null)
            nested.set(rest, value)
            members[existing].entry = .object(nested)
        } else {
            nested.set(rest, value)
            members.append((first, .object(nested)))
        }
    }

    var value: JSONValue {
        .object(JSONObject(members: members.map { member in
            switch member.entry {
            case .value(let value): return JSONObject.Member(key: member.key, value: value)
            case .object(let nested): return JSONObject.Member(key: member.key, value: nested.value)
            }
        }))
    }
}
