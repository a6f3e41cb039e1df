/// How the columns of a CSV file map onto the schema, derived from the schema
/// itself: every scalar field has a column (its `csv` name, else its path
/// joined by `_`), also reachable by its Chinese label and aliases; a list
/// marked `csv rows "member"` has one row per element with `member_…`
/// columns; other lists are one cell, elements separated by `;` (records as
/// `kind:value`).
struct CSVLayout {
    /// A column: the field path from the household (or from the row element).
    struct Column {
        let path: [String]
        /// The type of the field, to split list cells.
        let type: ValueType
    }

    /// Household columns by every accepted header name.
    var household: [String: Column] = [:]
    /// The field holding one element per row, and the element's columns.
    var rowsField: String?
    var rowColumns: [String: Column] = [:]
    /// The canonical header of each household column, in schema order.
    var householdOrder: [String] = []

    init(schema: Schema) {
        walk(schema: schema, record: schema.root, path: [], prefix: "", intoRows: false)
    }

    private mutating func walk(schema: Schema, record: Int, path: [String], prefix: String, intoRows: Bool) {
        for field in schema.records[record].fields {
            let fieldPath = path + [field.name]
            switch (field.type, field.csv) {
            case (_, .none):
                continue
            case (.list(.record(let element)), .rows(let rowPrefix)) where !intoRows:
                rowsField = field.name
                walk(schema: schema, record: element, path: [], prefix: rowPrefix + "_", intoRows: true)
            case (.record(let nested), let mapping):
                let nestedPrefix: String
                switch mapping {
                case .column(let name): nestedPrefix = name.isEmpty ? prefix : prefix + name + "_"
                default: nestedPrefix = prefix + field.name + "_"
                }
                walk(schema: schema, record: nested, path: fieldPath, prefix: nestedPrefix, intoRows: intoRows)
            default:
                let name: String
                if case .column(let explicit) = field.csv, !explicit.isEmpty { name = explicit } else { name = prefix + field.name }
                let column = Column(path: fieldPath, type: field.type)
                add(name, column, intoRows: intoRows, canonical: true)
                for alias in [field.label].compactMap({ $0 }) + field.aliases {
                    add(alias, column, intoRows: intoRows, canonical: false)
                }
            }
        }
    }

    private mutating func add(_ name: String, _ column: Column, intoRows: Bool, canonical: Bool) {
        let key = CSVLayout.normalize(name)
        if intoRows {
            if rowColumns[key] == nil { rowColumns[key] = column }
        } else if household[key] == nil {
            household[key] = column
            if canonical { householdOrder.append(name) }
        }
    }

    /// Header names compare without surrounding spaces, ASCII case or a BOM.
    static func normalize(_ name: String) -> String {
        var text = name
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        return text.trimmingSpaces().lowercased()
    }
}

extension String {
    func trimmingSpaces() -> String {
        // Most cells have no space around them: keep the string as it is.
        guard let first = unicodeScalars.first, let last = unicodeScalars.last else { return self }
        if !String.isSpace(first), !String.isSpace(last) { return self }
        var scalars = Substring(self).unicodeScalars[...]
        while let first = scalars.first, String.isSpace(first) { scalars.removeFirst() }
        while let last = scalars.last, String.isSpace(last) { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }

    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return scalar == " " || (0x09...0x0D).contains(scalar.value) }
        return scalar.properties.isWhitespace
    }
}
