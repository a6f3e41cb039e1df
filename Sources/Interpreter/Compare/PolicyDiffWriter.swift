/// `policy diff` written as text (for a terminal), Markdown (for a review or
/// a notice) or JSON (for programs).
public enum PolicyDiffWriter {
    public enum Format: String, CaseIterable, Sendable { case text, markdown, json }

    public static func write(_ diff: PolicyDiff, format: Format, language: Language = .en) -> String {
        switch format {
        case .text: return text(diff, language)
        case .markdown: return markdown(diff, language)
        case .json: return json(diff)
        }
    }

    static func directionText(_ direction: PolicyDiff.Direction, _ language: Language) -> String {
        switch direction {
        case .wider: return language.pick("wider: holds for more households", "放宽：适用于更多的户")
        case .narrower: return language.pick("narrower: holds for fewer households", "收紧：适用于更少的户")
        case .neither: return language.pick("neither wider nor narrower can be told", "无法判断放宽还是收紧")
        }
    }

    static func exampleText(_ example: PolicyDiff.Example, _ language: Language) -> String {
        let which = example.newHolds ? language.pick("the new condition holds and the old one does not", "新条件成立而原条件不成立")
                                     : language.pick("the old condition holds and the new one does not", "原条件成立而新条件不成立")
        return language.pick("for example a household with `\(example.subject)` = \(example.value): ", "例如 `\(example.subject)` = \(example.value) 的户：") + which
    }

    static func itemTitle(_ item: PolicyDiff.ItemChange) -> String {
        "\(item.kind) `\(item.name)`" + (item.label.map { " \"\($0)\"" } ?? "")
    }

    static func text(_ diff: PolicyDiff, _ language: Language) -> String {
        let say = language.pick
        var lines = [say("Changes from `\(diff.oldID)` to `\(diff.newID)`", "从 `\(diff.oldID)` 到 `\(diff.newID)` 的变化")]
        if diff.isEmpty {
            lines.append(say("No change: the two policies decide alike.", "没有变化：两个政策的判定相同。"))
            return lines.joined(separator: "\n") + "\n"
        }
        if !diff.parameters.isEmpty {
            lines.append("")
            lines.append(say("Parameters:", "参数："))
            for change in diff.parameters {
                switch (change.old, change.new) {
                case let (old?, new?): lines.append("  ~ \(change.name): \(old) → \(new)")
                case let (nil, new?): lines.append("  + \(change.name) = \(new)")
                case let (old?, nil): lines.append("  - \(change.name) (\(say("was", "原为")) \(old))")
                default: break
                }
            }
        }
        if !diff.items.isEmpty {
            lines.append("")
            lines.append(say("Rules and values:", "规则和取值："))
            for item in diff.items {
                switch (item.old, item.new) {
                case (nil, let new?):
                    lines.append("  + \(itemTitle(item)): \(new)")
                case (let old?, nil):
                    lines.append("  - \(itemTitle(item)) (\(say("was", "原为")): \(old))")
                default:
                    lines.append("  ~ \(itemTitle(item))")
                    if item.old != item.new {
                        lines.append(say("      old: ", "      原：") + (item.old ?? ""))
                        lines.append(say("      new: ", "      新：") + (item.new ?? ""))
                    } else {
                        lines.append(say("      same text; changed through ", "      文字未变；因参数变化：") + item.through.map { "`\($0)`" }.joined(separator: ", "))
                    }
                }
                if let direction = item.direction { lines.append("      " + directionText(direction, language)) }
                if let example = item.example { lines.append("      " + exampleText(example, language)) }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func markdown(_ diff: PolicyDiff, _ language: Language) -> String {
        let say = language.pick
        func cell(_ text: String?) -> String { (text ?? "–").replacingAll("|", with: "\\|") }
        var lines = ["# " + say("Changes from `\(diff.oldID)` to `\(diff.newID)`", "从 `\(diff.oldID)` 到 `\(diff.newID)` 的变化"), ""]
        if diff.isEmpty { return lines.joined(separator: "\n") + say("No change.\n", "没有变化。\n") }
        if !diff.parameters.isEmpty {
            lines += ["## " + say("Parameters", "参数"), "", say("| parameter | old | new |", "| 参数 | 原值 | 新值 |"), "| --- | --- | --- |"]
            lines += diff.parameters.map { "| `\($0.name)` | \(cell($0.old)) | \(cell($0.new)) |" }
            lines.append("")
        }
        if !diff.items.isEmpty {
            lines += ["## " + say("Rules and values", "规则和取值"), ""]
            for item in diff.items {
                let status = item.old == nil ? say("added", "新增") : item.new == nil ? say("removed", "删除") : say("changed", "修改")
                lines.append("### \(itemTitle(item)): \(status)")
                lines.append("")
                if let old = item.old, item.old != item.new { lines += ["- " + say("old: ", "原：") + "`\(cell(old))`"] }
                if let new = item.new, item.old != item.new { lines += ["- " + say("new: ", "新：") + "`\(cell(new))`"] }
                if !item.through.isEmpty { lines.append("- " + say("changed through ", "因参数变化：") + item.through.map { "`\($0)`" }.joined(separator: ", ")) }
                if let direction = item.direction { lines.append("- " + directionText(direction, language)) }
                if let example = item.example { lines.append("- " + exampleText(example, language)) }
                lines.append("")
            }
        }
        return lines.joined(separator: "\n")
    }

    static func json(_ diff: PolicyDiff) -> String {
        func string(_ text: String?) -> String { text.map(ResultWriter.jsonString) ?? "null" }
        let parameters = diff.parameters.map { "{\"name\":\(string($0.name)),\"old\":\(string($0.old)),\"new\":\(string($0.new))}" }
        let items = diff.items.map { item in
            "{\"kind\":\(string(item.kind)),\"name\":\(string(item.name)),\"label\":\(string(item.label)),\"old\":\(string(item.old)),"
                + "\"new\":\(string(item.new)),\"direction\":\(string(item.direction?.rawValue)),"
                + "\"through\":[\(item.through.map(ResultWriter.jsonString).joined(separator: ","))],\"example\":"
                + (item.example.map { "{\"subject\":\(string($0.subject)),\"value\":\(string($0.value)),\"new_holds\":\($0.newHolds)}" } ?? "null") + "}"
        }
        return "{\"old\":\(string(diff.oldID)),\"new\":\(string(diff.newID)),\"parameters\":[\(parameters.joined(separator: ","))],"
            + "\"items\":[\(items.joined(separator: ","))]}\n"
    }
}
