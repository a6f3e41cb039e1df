import Lexer

/// One thing a report says about a file: a diagnostic of `policy check` or a
/// failed test of `policy test`, with its place, in the shape CI tools read.
public struct Finding: Sendable, Equatable {
    public enum Level: String, Sendable { case error, warning }

    /// The diagnostic code (`E0402`), or `test` for a failed test.
    public let ruleID: String
    public let level: Level
    public let message: String
    public let help: String?
    public let path: String?
    /// From 1; columns in characters.
    public let line: Int?
    public let column: Int?
    public let endLine: Int?
    public let endColumn: Int?

    public init(ruleID: String, level: Level, message: String, help: String? = nil, path: String? = nil,
                line: Int? = nil, column: Int? = nil, endLine: Int? = nil, endColumn: Int? = nil) {
        self.ruleID = ruleID
        self.level = level
        self.message = message
        self.help = help
        self.path = path
        self.line = line
        self.column = column
        self.endLine = endLine
        self.endColumn = endColumn
    }

    /// A diagnostic as a finding; with `strict`, warnings count as errors.
    public init(_ diagnostic: Diagnostic, strict: Bool = false, language: Language = .en) {
        var line: Int?, column: Int?, endLine: Int?, endColumn: Int?
        if let file = diagnostic.file, let range = diagnostic.range {
            let start = file.location(of: range.start)
            let end = file.location(of: max(range.start, range.end))
            (line, column, endLine, endColumn) = (start.line, start.column, end.line, end.column)
        }
        let level: Level = diagnostic.severity == .error || strict ? .error : .warning
        self.init(ruleID: diagnostic.code.rawValue, level: level, message: diagnostic.message(in: language), help: diagnostic.help(in: language),
                  path: diagnostic.file?.path, line: line, column: column, endLine: endLine, endColumn: endColumn)
    }

    /// What a report calls the rule: the title of the code in `docs/diagnostics.md`.
    public static func title(of ruleID: String) -> String {
        if ruleID == "test" { return "a test of the policy failed" }
        return DiagnosticTitles.byCode[ruleID] ?? ruleID
    }
}

/// The formats `policy check` and `policy test` write their findings in.
public enum ReportFormat: String, CaseIterable, Sendable {
    /// For people: `path:line:column: error[CODE]: message` with the source line.
    case text
    /// One JSON document: `{"findings": […], "errors": N, "warnings": N}`.
    case json
    /// GitHub Actions workflow commands: `::error file=…,line=…,col=…::message`.
    case github
    /// SARIF 2.1.0, for code-scanning dashboards.
    case sarif
}

public enum ReportWriter {
    public static func json(_ findings: [Finding]) -> String {
        let items = findings.map { finding -> String in
            var object = ResultWriter.JSONObjectWriter()
            object.add("rule", ResultWriter.jsonString(finding.ruleID))
            object.add("level", ResultWriter.jsonString(finding.level.rawValue))
            object.add("message", ResultWriter.jsonString(finding.message))
            object.add("help", finding.help.map(ResultWriter.jsonString) ?? "null")
            object.add("path", finding.path.map(ResultWriter.jsonString) ?? "null")
            object.add("line", finding.line.map(String.init) ?? "null")
            object.add("column", finding.column.map(String.init) ?? "null")
            object.add("end_line", finding.endLine.map(String.init) ?? "null")
            object.add("end_column", finding.endColumn.map(String.init) ?? "null")
            return object.closed
        }
        let errors = findings.filter { $0.level == .error }.count
        return "{\"findings\":[" + items.joined(separator: ",") + "],\"errors\":\(errors),\"warnings\":\(findings.count - errors)}\n"
    }

    /// GitHub Actions annotations, one line each.
    public static func github(_ findings: [Finding]) -> String {
        findings.map { finding in
            var properties: [String] = []
            if let path = finding.path { properties.append("file=" + escapeProperty(path)) }
            if let line = finding.line { properties.append("line=\(line)") }
            if let column = finding.column { properties.append("col=\(column)") }
            if let endLine = finding.endLine { properties.append("endLine=\(endLine)") }
            if let endColumn = finding.endColumn { properties.append("endColumn=\(endColumn)") }
            properties.append("title=" + escapeProperty("\(finding.ruleID): \(Finding.title(of: finding.ruleID))"))
            var message = finding.message
            if let help = finding.help { message += "\n" + help }
            return "::\(finding.level.rawValue) \(properties.joined(separator: ","))::\(escapeData(message))\n"
        }.joined()
    }

    static func escapeData(_ text: String) -> String {
        text.replacingAll("%", with: "%25").replacingAll("\r", with: "%0D").replacingAll("\n", with: "%0A")
    }

    static func escapeProperty(_ text: String) -> String {
        escapeData(text).replacingAll(":", with: "%3A").replacingAll(",", with: "%2C")
    }

    /// SARIF 2.1.0: one run of the tool `policy`, a rule per code found.
    public static func sarif(_ findings: [Finding], toolVersion: String) -> String {
        var ruleIDs: [String] = []
        for finding in findings where !ruleIDs.contains(finding.ruleID) { ruleIDs.append(finding.ruleID) }
        let rules = ruleIDs.map { id -> String in
            var rule = ResultWriter.JSONObjectWriter()
            rule.add("id", ResultWriter.jsonString(id))
            rule.add("name", ResultWriter.jsonString(id))
            rule.add("shortDescription", "{\"text\":" + ResultWriter.jsonString(Finding.title(of: id)) + "}")
            rule.add("helpUri", ResultWriter.jsonString(id == "test" ? "docs/language.md#tests" : "docs/diagnostics.md#" + anchor(id)))
            return rule.closed
        }
        let results = findings.map { finding -> String in
            var result = ResultWriter.JSONObjectWriter()
            result.add("ruleId", ResultWriter.jsonString(finding.ruleID))
            result.add("ruleIndex", String(ruleIDs.firstIndex(of: finding.ruleID) ?? 0))
            result.add("level", ResultWriter.jsonString(finding.level.rawValue))
            var message = finding.message
            if let help = finding.help { message += " (" + help + ")" }
            result.add("message", "{\"text\":" + ResultWriter.jsonString(message) + "}")
            if let path = finding.path {
                var region = ResultWriter.JSONObjectWriter()
                region.add("startLine", String(finding.line ?? 1))
                if let column = finding.column { region.add("startColumn", String(column)) }
                if let endLine = finding.endLine { region.add("endLine", String(endLine)) }
                if let endColumn = finding.endColumn { region.add("endColumn", String(max(endColumn, (finding.column ?? 1) + 1))) }
                let location = "{\"physicalLocation\":{\"artifactLocation\":{\"uri\":" + ResultWriter.jsonString(path)
                    + "},\"region\":" + region.closed + "}}"
                result.add("locations", "[" + location + "]")
            } else {
                result.add("locations", "[]")
            }
            return result.closed
        }
        let driver = "{\"name\":\"policy\",\"version\":" + ResultWriter.jsonString(toolVersion)
            + ",\"rules\":[" + rules.joined(separator: ",") + "]}"
        return "{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":"
            + driver + "},\"columnKind\":\"unicodeCodePoints\",\"results\":[" + results.joined(separator: ",") + "]}]}\n"
    }

    /// The anchor GitHub gives the heading `### E0402: units do not agree`.
    static func anchor(_ id: String) -> String {
        let heading = "\(id): \(Finding.title(of: id))".lowercased()
        var anchor = ""
        for scalar in heading.unicodeScalars {
            if scalar == " " { anchor += "-" } else if scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "_" {
                anchor.unicodeScalars.append(scalar)
            }
        }
        return anchor
    }

    /// JUnit XML: a test suite per policy, a test case per test.
    public static func junit(_ outcomes: [TestOutcome]) -> String {
        var policies: [String] = []
        for outcome in outcomes where !policies.contains(outcome.policy) { policies.append(outcome.policy) }
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        let failed = outcomes.filter { !$0.passed }.count
        xml += "<testsuites name=\"policy test\" tests=\"\(outcomes.count)\" failures=\"\(failed)\">\n"
        for policy in policies {
            let cases = outcomes.filter { $0.policy == policy }
            xml += "  <testsuite name=\"\(escapeXML(policy))\" tests=\"\(cases.count)\" failures=\"\(cases.filter { !$0.passed }.count)\">\n"
            for outcome in cases {
                let name = outcome.label.map { "\(outcome.name) (\($0))" } ?? outcome.name
                xml += "    <testcase name=\"\(escapeXML(name))\" classname=\"\(escapeXML(policy))\" file=\"\(escapeXML(outcome.file))\" line=\"\(outcome.line)\""
                if outcome.passed {
                    xml += "/>\n"
                    continue
                }
                xml += ">\n"
                let summary = outcome.failures.map { "\($0.expectation): expected \($0.expected), got \($0.actual)" }
                let detail = outcome.failures.map { "\(outcome.file):\($0.line): \($0.expectation)\n  expected: \($0.expected)\n  actual:   \($0.actual)" }
                xml += "      <failure message=\"\(escapeXML(summary.joined(separator: "; ")))\" type=\"expectation\">"
                xml += escapeXML(detail.joined(separator: "\n")) + "</failure>\n"
                xml += "    </testcase>\n"
            }
            xml += "  </testsuite>\n"
        }
        return xml + "</testsuites>\n"
    }

    static func escapeXML(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                // XML 1.0 cannot hold most control characters, even escaped.
                if scalar.value < 0x20, scalar != "\n", scalar != "\t", scalar != "\r" { out += "?" } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}
