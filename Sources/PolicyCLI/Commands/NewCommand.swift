import Foundation
import Interpreter

/// `policy new ID --extends BASE`: start next year's policy, or a county's.
enum NewCommand {
    static let help = """
    USAGE: policy new <id> --extends <base id>|<file> [--output <file>] [--force]

    Writes a new policy file that extends a base policy and says nothing of
    its own yet: the header filled in (the id, the region and title of the
    base, the year taken from the id), and every parameter of the base listed
    as a commented `override` with its present value and the sentence it
    rests on. Uncomment what changes, give the new value, and quote the
    sentence of the new source that sets it. The file checks without errors
    as it is (`policy check` reminds you that it has no tests yet).

    Examples:
      policy new hebei/2023 --extends hebei/2022                 next year's provincial rules
      policy new hebei/fuping/2022 --extends hebei/2022          a county's variations

    OPTIONS:
      --extends <id>|<file>  the policy the new one changes
      --output <file>        where to write (default: `<id>.policy` under the
                             base's policies root, e.g. `policies/hebei/2023.policy`)
      --force                replace a file that exists
      -h, --help             show this help

    EXIT STATUS:
      0  the file was written
      1  the base was not found or has errors, the file exists, or it cannot be written
      2  the command line is wrong

    """

    static func run(_ raw: [String]) -> ExitCode {
        let arguments: Arguments
        switch Arguments.read(raw, valued: ["--extends", "--output"], flags: ["--force"], help: help) {
        case .read(let read): arguments = read
        case .done(let status): return status
        }
        guard arguments.positional.count == 1, let baseWritten = arguments["--extends"] else {
            Terminal.err.write(Session.say("error: give the new id and `--extends BASE`\n\n", "错误：请给出新政策的 id 和 `--extends 基础政策`\n\n") + help)
            return .usage
        }
        let id = arguments.positional[0]
        let segments = id.split(separator: "/", omittingEmptySubsequences: false)
        guard !segments.isEmpty, segments.allSatisfy({ !$0.isEmpty && $0 != ".." && $0 != "." && !$0.contains(" ") && !$0.hasSuffix(".policy") }) else {
            Terminal.err.write(Session.say("error: `\(id)` is not a policy id such as `hebei/2023`\n", "错误：`\(id)` 不是政策 id（例如 `hebei/2023`）\n"))
            return .usage
        }
        let engine = PolicyEngine()
        guard let basePath = engine.workspace.locatePolicy(baseWritten) else {
            Terminal.err.write(Session.say("error: no policy `\(baseWritten)`\n", "错误：找不到政策 `\(baseWritten)`\n"))
            return .failure
        }
        let loaded = engine.load(path: basePath)
        guard let base = loaded.policy, loaded.plan != nil else {
            for diagnostic in loaded.diagnostics where diagnostic.severity == .error { Terminal.err.write(Session.render(diagnostic)) }
            Terminal.err.write(Session.say("error: the base `\(basePath)` has errors\n", "错误：基础政策 `\(basePath)` 有错误\n"))
            return .failure
        }
        let root = engine.workspace.policiesRoot(for: basePath)
        let output = arguments["--output"] ?? URL(fileURLWithPath: root).appendingPathComponent("\(id).policy").path
        if FileManager.default.fileExists(atPath: output), !arguments.has("--force") {
            Terminal.err.write(Session.say("error: `\(output)` exists; give `--force` to replace it\n", "错误：`\(output)` 已存在；如要替换请加 `--force`\n"))
            return .failure
        }
        let items = engine.resolve(path: basePath).policy?.items ?? []
        let text = template(id: id, base: base, written: writtenParameters(items))
        do {
            try FileManager.default.createDirectory(at: URL(fileURLWithPath: output).deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(toFile: output, atomically: true, encoding: .utf8)
        } catch {
            Terminal.err.write(Session.say("error: cannot write `\(output)`: ", "错误：无法写入 `\(output)`：") + "\(error.localizedDescription)\n")
            return .failure
        }
        Terminal.err.write(Session.say("wrote \(output); check it with `policy check \(output)`\n", "已写入 \(output)；请用 `policy check \(output)` 检查\n"))
        return .success
    }

    /// A parameter of the base as its file writes it: the expression's own text (`50%`, not `0.5`).
    struct WrittenParameter {
        let name: String
        let expression: String
        let provenance: Provenance
    }

    static func writtenParameters(_ items: [ResolvedItem]) -> [WrittenParameter] {
        items.compactMap { item in
            var declaration = item.declaration
            if case .override(let inner, _) = declaration { declaration = inner }
            guard case .value(let value) = declaration, value.kind == .param else { return nil }
            let range = value.value.range
            return WrittenParameter(name: value.name.text, expression: item.file.text(range.start..<range.end), provenance: value.provenance)
        }
    }

    /// The text of the new file.
    static func template(id: String, base: CheckedPolicy, written: [WrittenParameter]) -> String {
        let metadata = base.metadata
        let year = id.split(separator: "/").last.flatMap { Int($0) }.flatMap { (1900...2200).contains($0) ? $0 : nil } ?? metadata.year ?? 2000
        let region = metadata.region.map { "\"\($0)\"" }.joined(separator: " ")
        var lines: [String] = []
        lines.append("# \(id): what changes from `\(metadata.id)`.")
        lines.append("#")
        lines.append("# Written by `policy new`. Name the source document of this policy in the")
        lines.append("# header (`source \"FILE.txt\"`, a file under `sources/`), uncomment each")
        lines.append("# override that changes, set its value and quote the sentence that sets it;")
        lines.append("# then add tests: households from the new source, with their decisions.")
        lines.append("# A county adds its own name to `region`, as its records write it.")
        lines.append("")
        lines.append("policy \(id) extends \(metadata.id) {")
        if let title = metadata.title { lines.append("  title  \"\(escaped(title))\"") }
        lines.append("  region \(region)")
        lines.append("  year   \(year)")
        lines.append("}")
        lines.append("")
        lines.append("# --- Parameters of `\(metadata.id)`, as they are there ---")
        for parameter in written {
            lines.append("")
            lines.append("# override param \(parameter.name) = \(parameter.expression)")
            for citation in parameter.provenance.citations {
                let place = citation.location.map { " at \"\(escaped($0.value))\"" } ?? ""
                lines.append("#   source \"\(escaped(citation.quote.value))\"\(place)")
            }
            for assumption in parameter.provenance.assumptions {
                lines.append("#   assumption \"\(escaped(assumption.value))\"")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}
