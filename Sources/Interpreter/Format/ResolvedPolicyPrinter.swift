import Lexer

/// Prints a resolved policy for `policy show`: the policy's header, then every
/// item it has, inherited or its own, as written, each under a comment naming
/// the file and line it comes from (and the item it overrides).
public enum ResolvedPolicyPrinter {
    public static func print(_ policy: ResolvedPolicy) -> String {
        var out = ""
        let leafID = policy.leaf.header?.id.description ?? policy.leaf.source.path
        let chain = policy.chain.map { $0.header?.id.description ?? $0.source.path }
        out += "# \(leafID), resolved"
        if chain.count > 1 { out += " from " + chain.joined(separator: " ← ") }
        out += "\n"
        if let header = policy.leaf.header {
            out += "# from \(place(header.range.start, in: policy.leaf.source))\n"
            out += text(of: header.range, in: policy.leaf.source) + "\n"
            var inherited: [String] = []
            if header.schema == nil, let schema = policy.schemaID { inherited.append("schema \(schema)") }
            if header.calendar == nil, let calendar = policy.calendarID { inherited.append("calendar \(calendar)") }
            if !inherited.isEmpty { out += "# inherited: " + inherited.joined(separator: ", ") + "\n" }
        }
        var openElimination: String?
        for item in policy.items {
            if case .eliminate(let block) = item.declaration {
                let label = block.label.map { " \"\($0.value)\"" } ?? ""
                if openElimination == nil {
                    out += "\neliminate\(label) {\n"
                    openElimination = label
                }
                out += "  # \(origin(of: item))\n"
                for condition in block.conditions {
                    out += "  " + text(of: condition.range, in: item.file) + "\n"
                }
                continue
            }
            if openElimination != nil {
                out += "}\n"
                openElimination = nil
            }
            out += "\n# \(origin(of: item))\n"
            out += text(of: item.declaration.range, in: item.file) + "\n"
        }
        if openElimination != nil { out += "}\n" }
        return out
    }

    static func origin(of item: ResolvedItem) -> String {
        var text = "from \(place(item.declaration.range.start, in: item.file))"
        if let replaced = item.replaces { text += ", overriding \(replaced.path)" }
        return text
    }

    static func place(_ offset: Int, in file: SourceFile) -> String {
        "\(file.path):\(file.location(of: offset).line)"
    }

    /// The declaration as written, its continuation lines keeping their indentation.
    static func text(of range: SourceRange, in file: SourceFile) -> String {
        file.text(range.start..<range.end)
    }
}
