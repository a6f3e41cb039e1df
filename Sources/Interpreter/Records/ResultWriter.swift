import Lexer

/// Writes evaluation results in the formats of `evaluation-output.md`: JSON
/// Lines (one object per household), JSON (one array), CSV (for spreadsheets)
/// and an aligned table (for people). Output is produced one result at a time,
/// so results stream out as households stream in.
public struct ResultWriter {
    public enum Format: String, CaseIterable, Sendable { case jsonl, json, csv, table }

    public let format: Format
    /// Start CSV with a byte-order mark so that Excel reads it as UTF-8.
    public var csvByteOrderMark = false
    private var count = 0
    /// Table rows held back until the column widths are known.
    private var pendingRows: [[String]] = []
    private var columnWidths: [Int]?
    /// How many rows decide the widths of a table's columns.
    static let tableSampleRows = 200

    public init(format: Format) {
        self.format = format
    }

    /// Text to write before the first result.
    public mutating func begin() -> String {
        switch format {
        case .json: return "["
        case .csv:
            return (csvByteOrderMark ? "\u{FEFF}" : "") + ResultWriter.csvColumns.joined(separator: ",") + "\r\n"
        case .table, .jsonl: return ""
        }
    }

    /// The text of one result.
    public mutating func write(_ result: HouseholdResult) -> String {
        defer { count += 1 }
        switch format {
        case .jsonl: return ResultWriter.json(result) + "\n"
        case .json: return (count == 0 ? "\n" : ",\n") + ResultWriter.json(result)
        case .csv: return ResultWriter.csvRow(result)
        case .table:
            let cells = ResultWriter.tableCells(result)
            if let widths = columnWidths { return ResultWriter.tableRow(cells, widths) + "\n" }
            pendingRows.append(cells)
            return pendingRows.count >= ResultWriter.tableSampleRows ? flushTable() : ""
        }
    }

    /// Fixes the column widths from the rows seen so far and writes them with the header.
    private mutating func flushTable() -> String {
        let rows = [ResultWriter.tableColumns] + pendingRows
        let widths = (0..<ResultWriter.tableColumns.count).map { column in
            min(48, rows.map { DisplayWidth.of($0[column]) }.max() ?? 0)
        }
        columnWidths = widths
        pendingRows = []
        return rows.map { ResultWriter.tableRow($0, widths) + "\n" }.joined()
    }

    /// Text to write after the last result.
    public mutating func end() -> String {
        switch format {
        case .json: return count == 0 ? "]\n" : "\n]\n"
        case .table: return columnWidths == nil ? flushTable() : ""
        default: return ""
        }
    }

    /// The formats whose results are written one line each, independently of
    /// one another, so that they can be written on the thread that evaluated them.
    public enum LineFormat: Sendable {
        case jsonl, csv

        public init?(_ format: Format) {
            switch format {
            case .jsonl: self = .jsonl
            case .csv: self = .csv
            case .json, .table: return nil
            }
        }
    }

    /// One result as its line of JSON Lines or CSV (what `write` gives for it).
    public static func line(_ result: HouseholdResult, _ format: LineFormat) -> String {
        switch format {
        case .jsonl: return json(result) + "\n"
        case .csv: return csvRow(result)
        }
    }

    // MARK: - JSON

    public static func json(_ result: HouseholdResult) -> String {
        var object = JSONObjectWriter()
        object.add("id", result.id.map(jsonString) ?? "null")
        object.add("policy", result.policy.isEmpty ? "null" : jsonString(result.policy))
        object.add("as_of", jsonString(result.asOf.description))
        object.add("decision", jsonString(result.decision.rawValue))
        object.add("category", result.category.map(jsonString) ?? "null")
        object.add("exclusions", jsonArray(result.exclusions))
        object.add("exception", result.exception ? "true" : "false")
        object.add("elimination", "{\"eligible\":\(result.eliminationEligible ? "true" : "false"),\"blocked_by\":\(jsonArray(result.blockedBy))}")
        object.add("alerts", "[" + result.alerts.map(alertJSON).joined(separator: ",") + "]")
        object.add("procedure", "[" + result.procedure.map(stepJSON).joined(separator: ",") + "]")
        object.add("green_channel", result.greenChannel ? "true" : "false")
        object.add("missing", jsonArray(result.missing))
        object.add("warnings", jsonArray(result.warnings))
        object.add("messages", jsonArray(result.messages))
        object.add("trace", "[" + result.trace.map(traceJSON).joined(separator: ",") + "]")
        object.add("matched_category", result.matchedCategory.map(jsonString) ?? "null")
        object.add("line", result.line.map(String.init) ?? "null")
        return object.closed
    }

    static func alertJSON(_ alert: AlertResult) -> String {
        var object = JSONObjectWriter()
        object.add("rule", jsonString(alert.rule))
        object.add("department", jsonString(alert.department))
        object.add("due", jsonString(alert.due.description))
        object.add("label", alert.label.map(jsonString) ?? "null")
        object.add("interval", jsonString(alert.interval))
        object.add("event_date", alert.eventDate.map { jsonString($0.description) } ?? "null")
        object.add("overdue", alert.overdue ? "true" : "false")
        return object.closed
    }

    static func stepJSON(_ step: StepResult) -> String {
        var object = JSONObjectWriter()
        object.add("step", jsonString(step.step))
        object.add("due", jsonString(step.due.description))
        object.add("procedure", jsonString(step.procedure))
        object.add("label", step.label.map(jsonString) ?? "null")
        object.add("overdue", step.overdue ? "true" : "false")
        return object.closed
    }

    static func traceJSON(_ entry: TraceEntry) -> String {
        var object = JSONObjectWriter()
        object.add("kind", jsonString(entry.kind))
        object.add("rule", jsonString(entry.rule))
        object.add("label", entry.label.map(jsonString) ?? "null")
        object.add("outcome", jsonString(entry.outcome))
        var inputs = JSONObjectWriter()
        for input in entry.inputs { inputs.add(input.name, jsonString(input.value)) }
        object.add("inputs", inputs.closed)
        object.add("missing", jsonArray(entry.missing))
        return object.closed
    }

    static func jsonArray(_ items: [String]) -> String {
        "[" + items.map(jsonString).joined(separator: ",") + "]"
    }

    /// A JSON string literal: quotes, backslashes and control characters
    /// escaped, everything else (Chinese included) written as UTF-8.
    public static func jsonString(_ text: String) -> String {
        // Most text needs no escape: no quote, backslash, control character or
        // line/paragraph separator (U+2028/2029 start with the byte E2).
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0xE2 }) { return "\"" + text + "\"" }
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    struct JSONObjectWriter {
        var text = "{"
        var first = true

        mutating func add(_ key: String, _ rawValue: String) {
            text += (first ? "" : ",") + ResultWriter.jsonString(key) + ":" + rawValue
            first = false
        }

        var closed: String { text + "}" }
    }

    // MARK: - CSV

    static let csvColumns = ["id", "policy", "as_of", "decision", "category", "matched_category", "exclusions", "exception",
                             "elimination_eligible", "blocked_by", "alerts", "procedure", "green_channel", "missing",
                             "warnings", "messages", "line"]

    static func csvRow(_ result: HouseholdResult) -> String {
        let alerts: String = result.alerts.map { "\($0.rule)@\($0.department):\($0.due)" }.joined(separator: ";")
        let steps: String = result.procedure.map { "\($0.step):\($0.due)" }.joined(separator: ";")
        var cells: [String] = [result.id ?? "", result.policy, result.asOf.description, result.decision.rawValue]
        cells += [result.category ?? "", result.matchedCategory ?? "", result.exclusions.joined(separator: ";")]
        cells += [result.exception ? "true" : "false", result.eliminationEligible ? "true" : "false"]
        cells += [result.blockedBy.joined(separator: ";"), alerts, steps, result.greenChannel ? "true" : "false"]
        cells += [result.missing.joined(separator: ";"), result.warnings.joined(separator: "\n"), result.messages.joined(separator: "\n")]
        cells.append(result.line.map(String.init) ?? "")
        return cells.map(csvCell).joined(separator: ",") + "\r\n"
    }

    /// Quotes a cell when it holds a comma, quote or line end; doubles quotes.
    /// A cell that a spreadsheet would run as a formula gets a leading `'`.
    static func csvCell(_ text: String) -> String {
        var cell = text
        if let first = cell.unicodeScalars.first, "=+-@".unicodeScalars.contains(first) { cell = "'" + cell }
        guard cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return cell }
        return "\"" + cell.replacingAll("\"", with: "\"\"") + "\""
    }

    // MARK: - Table

    static let tableColumns = ["id", "decision", "category", "exclusions", "blocked_by", "alerts (due)", "steps (first … last)", "missing / messages"]

    static func tableCells(_ result: HouseholdResult) -> [String] {
        let detail = (result.missing + result.messages).joined(separator: "; ")
        var decision = result.decision.rawValue
        if result.exception { decision += " (exception)" }
        if result.greenChannel { decision += " (green channel)" }
        let alerts = result.alerts.map { "\($0.rule) \($0.due)" }.joined(separator: ",")
        // The first and the last step: what comes next and when all is due.
        var steps = ""
        if let first = result.procedure.first, let last = result.procedure.last {
            steps = "\(first.step) \(first.due)"
            if result.procedure.count > 1 { steps += " … \(last.step) \(last.due)" }
        }
        return [result.id ?? "(line \(result.line ?? 0))", decision, result.category ?? result.matchedCategory.map { "(\($0))" } ?? "",
                result.exclusions.joined(separator: ","), result.blockedBy.joined(separator: ","), alerts, steps, detail]
    }

    /// Cells padded to their column's width (by display width, so Chinese
    /// text lines up); the last cell is not padded.
    static func tableRow(_ cells: [String], _ widths: [Int]) -> String {
        var line = ""
        for (index, cell) in cells.enumerated() {
            let isLast = index == cells.count - 1
            line += isLast ? cell : DisplayWidth.padding(cell, toWidth: index < widths.count ? widths[index] : 0) + "  "
        }
        while line.hasSuffix(" ") { line.removeLast() }
        return line
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = self[...]
        while let found = rest.firstRange(of: target) {
            result += rest[..<found.lowerBound]
            result += replacement
            rest = rest[found.upperBound...]
        }
        return result + rest
    }
}
