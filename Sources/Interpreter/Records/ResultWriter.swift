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
    /// The language of CSV headers and of the table (its headers and
    /// decisions). JSON keys and values are the same in every language.
    public var language: Language = .en
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
            let columns = language == .zh ? ResultWriter.csvColumnsChinese : ResultWriter.csvColumns
            return (csvByteOrderMark ? "\u{FEFF}" : "") + columns.joined(separator: ",") + "\r\n"
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
            let cells = ResultWriter.tableCells(result, language)
            if let widths = columnWidths { return ResultWriter.tableRow(cells, widths) + "\n" }
            pendingRows.append(cells)
            return pendingRows.count >= ResultWriter.tableSampleRows ? flushTable() : ""
        }
    }

    /// Fixes the column widths from the rows seen so far and writes them with the header.
    private mutating func flushTable() -> String {
        let header = language == .zh ? ResultWriter.tableColumnsChinese : ResultWriter.tableColumns
        let rows = [header] + pendingRows
        let widths = (0..<header.count).map { column in
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

    /// One result as a JSON object, written into one string (a result is
    /// written for every household: no piece is built on its own).
    public static func json(_ result: HouseholdResult) -> String {
        var out = ""
        out.reserveCapacity(1024)
        out += "{\"id\":"
        appendOptional(&out, result.id)
        out += ",\"policy\":"
        appendOptional(&out, result.policy.isEmpty ? nil : result.policy)
        out += ",\"as_of\":"
        appendString(&out, result.asOf.description)
        out += ",\"decision\":"
        appendString(&out, result.decision.rawValue)
        out += ",\"category\":"
        appendOptional(&out, result.category)
        out += ",\"exclusions\":"
        appendArray(&out, result.exclusions)
        out += result.exception ? ",\"exception\":true" : ",\"exception\":false"
        out += result.eliminationEligible ? ",\"elimination\":{\"eligible\":true,\"blocked_by\":" : ",\"elimination\":{\"eligible\":false,\"blocked_by\":"
        appendArray(&out, result.blockedBy)
        out += "},\"alerts\":["
        for (index, alert) in result.alerts.enumerated() {
            if index > 0 { out += "," }
            appendAlert(&out, alert)
        }
        out += "],\"procedure\":["
        for (index, step) in result.procedure.enumerated() {
            if index > 0 { out += "," }
            appendStep(&out, step)
        }
        out += result.greenChannel ? "],\"green_channel\":true,\"missing\":" : "],\"green_channel\":false,\"missing\":"
        appendArray(&out, result.missing)
        out += ",\"warnings\":"
        appendArray(&out, result.warnings)
        out += ",\"messages\":"
        appendArray(&out, result.messages)
        out += ",\"trace\":["
        for (index, entry) in result.trace.enumerated() {
            if index > 0 { out += "," }
            out += traceJSON(entry)
        }
        out += "],\"matched_category\":"
        appendOptional(&out, result.matchedCategory)
        out += ",\"line\":"
        out += result.line.map(String.init) ?? "null"
        out += "}"
        return out
    }

    static func appendAlert(_ out: inout String, _ alert: AlertResult) {
        out += "{\"rule\":"
        appendString(&out, alert.rule)
        out += ",\"department\":"
        appendString(&out, alert.department)
        out += ",\"due\":"
        appendString(&out, alert.due.description)
        out += ",\"label\":"
        appendOptional(&out, alert.label)
        out += ",\"interval\":"
        appendString(&out, alert.interval)
        out += ",\"event_date\":"
        appendOptional(&out, alert.eventDate?.description)
        out += alert.overdue ? ",\"overdue\":true}" : ",\"overdue\":false}"
    }

    static func appendStep(_ out: inout String, _ step: StepResult) {
        out += "{\"step\":"
        appendString(&out, step.step)
        out += ",\"due\":"
        appendString(&out, step.due.description)
        out += ",\"procedure\":"
        appendString(&out, step.procedure)
        out += ",\"label\":"
        appendOptional(&out, step.label)
        out += step.overdue ? ",\"overdue\":true}" : ",\"overdue\":false}"
    }

    static func appendString(_ out: inout String, _ text: String) {
        if needsEscape(text) {
            out += jsonString(text)
        } else {
            out += "\""
            out += text
            out += "\""
        }
    }

    static func appendOptional(_ out: inout String, _ text: String?) {
        if let text { appendString(&out, text) } else { out += "null" }
    }

    static func appendArray(_ out: inout String, _ items: [String]) {
        out += "["
        for (index, item) in items.enumerated() {
            if index > 0 { out += "," }
            appendString(&out, item)
        }
        out += "]"
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
        if !needsEscape(text) { return "\"" + text + "\"" }
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

    /// Most text needs no escape: no quote, backslash, control character or
    /// line/paragraph separator (U+2028/2029 start with the byte E2).
    static func needsEscape(_ text: String) -> Bool {
        text.utf8.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0xE2 }
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

    /// The CSV header in Chinese (`--lang zh`): the same columns, in the same order.
    static let csvColumnsChinese = ["户编码", "政策", "评估日期", "结论", "监测类型", "符合的类型", "排除情形", "例外",
                                    "可消除风险", "消除受阻于", "预警", "程序环节", "绿色通道", "缺少的数据",
                                    "警告", "错误信息", "行号"]

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
    /// A cell that a spreadsheet would run as a formula (starting with `=`,
    /// `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`, so that
    /// Excel and WPS show it as text and run nothing.
    /// A CSV cell, quoted and made formula-safe as `csvCell` does, for other writers.
    public static func csvCellText(_ text: String) -> String { csvCell(text) }

    static func csvCell(_ text: String) -> String {
        var cell = text
        if let first = cell.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { cell = "'" + cell }
        guard cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return cell }
        return "\"" + cell.replacingAll("\"", with: "\"\"") + "\""
    }

    // MARK: - Table

    static let tableColumns = ["id", "decision", "category", "exclusions", "blocked_by", "alerts (due)", "steps (first … last)", "missing / messages"]

    static let tableColumnsChinese = ["户编码", "结论", "类型", "排除情形", "消除受阻于", "预警（到期）", "环节（首 … 末）", "缺少的数据 / 信息"]

    static func tableCells(_ result: HouseholdResult, _ language: Language = .en) -> [String] {
        let detail = (result.missing + result.messages).joined(separator: "; ")
        var decision = language == .zh ? result.decision.chineseLabel : result.decision.rawValue
        if result.exception { decision += language.pick(" (exception)", "（例外）") }
        if result.greenChannel { decision += language.pick(" (green channel)", "（绿色通道）") }
        let alerts = result.alerts.map { "\($0.rule) \($0.due)" }.joined(separator: ",")
        // The first and the last step: what comes next and when all is due.
        var steps = ""
        if let first = result.procedure.first, let last = result.procedure.last {
            steps = "\(first.step) \(first.due)"
            if result.procedure.count > 1 { steps += " … \(last.step) \(last.due)" }
        }
        return [result.id ?? language.pick("(line \(result.line ?? 0))", "（第 \(result.line ?? 0) 行）"), decision, result.category ?? result.matchedCategory.map { "(\($0))" } ?? "",
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
