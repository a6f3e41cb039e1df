/// A CSV file read as a table: its first row names the columns, every later
/// row is checked to fit them, and cells are found by header name, so that a
/// policy's fields map to columns whatever order the export put them in.
///
/// Header names are trimmed of surrounding white space (full-width U+3000
/// included) and byte-order marks, which spreadsheets leave around them.
/// Empty names at the end of the header are dropped: Excel and WPS export a
/// formatted but empty column that way. Problems with the header (an empty
/// name inside it, a name used twice) are listed in `headerProblems` for the
/// caller to judge, since a policy may not use those columns.
///
/// A row with more cells than the header is an error, unless the extra cells
/// are all empty (the same spreadsheet habit), in which case they are dropped;
/// a row with fewer cells is always an error, since missing values cannot be
/// told from empty ones.
public struct CSVTable: IteratorProtocol, Sequence {
    public typealias Row = CSVReader.Row

    /// The column names, trimmed, in file order.
    public let header: [String]
    /// The 1-based physical line of the header row.
    public let headerLine: Int
    /// The 0-based index of each name; for a repeated name, its first column.
    public let columnIndex: [String: Int]
    /// Empty and repeated header names, in column order.
    public let headerProblems: [CSVError]

    private var reader: CSVReader

    /// Reads the header row. Throws `.missingHeader` for a file without rows,
    /// and the row's own error when the header row cannot be read.
    public init(reader: CSVReader) throws(CSVError) {
        var reader = reader
        guard let (line, result) = reader.next() else { throw CSVError(.missingHeader, line: 1) }
        let cells: [String]
        switch result {
        case .success(let row): cells = row
        case .failure(let error): throw error
        }
        var names = cells.map(trimmedHeaderName)
        while let last = names.last, last.isEmpty, names.count > 1 { names.removeLast() }

        var index: [String: Int] = [:]
        var problems: [CSVError] = []
        for (offset, name) in names.enumerated() {
            if name.isEmpty {
                problems.append(CSVError(.emptyHeader(field: offset + 1), line: line))
            } else if let first = index[name] {
                problems.append(CSVError(.duplicateHeader(name: name, field: offset + 1, firstField: first + 1), line: line))
            } else {
                index[name] = offset
            }
        }
        if names.count == 1, names[0].isEmpty {
            // A header row of one empty cell (`""`) names nothing at all.
            throw CSVError(.missingHeader, line: line)
        }
        self.reader = reader
        self.header = names
        self.headerLine = line
        self.columnIndex = index
        self.headerProblems = problems
    }

    /// The next data row, with exactly as many cells as the header, or why not.
    public mutating func next() -> Row? {
        guard let (line, result) = reader.next() else { return nil }
        guard case .success(var cells) = result else { return (line, result) }
        let expected = header.count
        if cells.count < expected {
            return (line, .failure(CSVError(.tooFewCells(expected: expected, actual: cells.count), line: line)))
        }
        if cells.count > expected {
            guard cells[expected...].allSatisfy(\.isEmpty) else {
                return (line, .failure(CSVError(.tooManyCells(expected: expected, actual: cells.count), line: line)))
            }
            cells.removeSubrange(expected...)
        }
        return (line, .success(cells))
    }

    /// The cell under header `name` in a row from `next()`, or nil when there
    /// is no such column.
    public func value(_ name: String, in cells: [String]) -> String? {
        guard let index = columnIndex[name], cells.indices.contains(index) else { return nil }
        return cells[index]
    }

    /// A row from `next()` keyed by header name (a repeated name keeps its
    /// first column; empty names are left out).
    public func record(_ cells: [String]) -> [String: String] {
        var record: [String: String] = [:]
        for (name, index) in columnIndex where cells.indices.contains(index) {
            record[name] = cells[index]
        }
        return record
    }
}

/// A header cell without the white space and byte-order marks around it.
func trimmedHeaderName(_ cell: String) -> String {
    let scalars = cell.unicodeScalars
    let isPadding: (Unicode.Scalar) -> Bool = { $0.properties.isWhitespace || $0 == "\u{FEFF}" }
    guard let first = scalars.firstIndex(where: { !isPadding($0) }),
          let last = scalars.lastIndex(where: { !isPadding($0) }) else { return "" }
    return String(scalars[first...last])
}
