import Lexer

/// Renders diagnostics as text in the shape compilers use, so editors and CI
/// can jump to them:
///
///     policies/x.policy:14:38: error[E0302]: unknown field `wages` in `income`
///        |
///     14 | let total = income.business + income.wages
///        |                               ^^^^^^^^^^^^ did you mean `wage`?
///        = help: fields of `income`: business, wage, property, transfer
///
/// Carets line up under Chinese text: a wide character takes two cells.
public enum DiagnosticRenderer {
    /// The first line keeps `error[CODE]` in every language, so that editors
    /// and CI read it the same; the message, label and help are in `language`.
    public static func render(_ diagnostic: Diagnostic, in language: Language = .en) -> String {
        var out = ""
        let header = "\(diagnostic.severity.rawValue)[\(diagnostic.code)]: \(diagnostic.message(in: language))"
        if let file = diagnostic.file, let range = diagnostic.range {
            let location = file.location(of: range.start)
            out += "\(file.path):\(location.line):\(location.column): \(header)\n"
            out += snippet(file: file, range: range, label: diagnostic.label(in: language))
            for related in diagnostic.related {
                let place = file.location(of: related.range.start)
                out += language.pick("   = note: \(related.label) at ", "   = 注：\(related.label)，见 ") + "\(file.path):\(place.line):\(place.column)\n"
            }
        } else if let file = diagnostic.file {
            out += "\(file.path): \(header)\n"
        } else {
            out += "\(header)\n"
        }
        if let help = diagnostic.help(in: language) {
            out += language.pick("   = help: ", "   = 提示：") + "\(help)\n"
        }
        return out
    }

    public static func render(_ diagnostics: [Diagnostic], in language: Language = .en) -> String {
        diagnostics.map { render($0, in: language) }.joined()
    }

    static func snippet(file: SourceFile, range: SourceRange, label: String?) -> String {
        let start = file.location(of: range.start)
        let end = file.location(of: range.end)
        let lineText = file.line(start.line)
        let gutterWidth = max(2, String(start.line).count)
        let pad = String(repeating: " ", count: gutterWidth)
        let scalars = Array(lineText.unicodeScalars)
        let caretStart = min(start.column - 1, scalars.count)
        let caretEnd: Int
        if end.line == start.line {
            caretEnd = max(caretStart, min(end.column - 1, scalars.count))
        } else {
            caretEnd = scalars.count
        }
        let before = width(of: scalars[0..<caretStart])
        let spanWidth = max(1, width(of: scalars[caretStart..<caretEnd]))
        var out = "\(pad) |\n"
        out += "\(leftPad(String(start.line), gutterWidth)) | \(expandTabs(scalars))\n"
        out += "\(pad) | \(String(repeating: " ", count: before))\(String(repeating: "^", count: spanWidth))"
        if let label { out += " \(label)" }
        out += "\n"
        return out
    }

    /// Display cells of a run of scalars, a tab counting four.
    static func width(of scalars: ArraySlice<Unicode.Scalar>) -> Int {
        scalars.reduce(0) { $0 + ($1 == "\t" ? 4 : DisplayWidth.of($1)) }
    }

    static func expandTabs(_ scalars: [Unicode.Scalar]) -> String {
        var view = String.UnicodeScalarView()
        for scalar in scalars {
            if scalar == "\t" {
                view.append(contentsOf: "    ".unicodeScalars)
            } else {
                view.append(scalar)
            }
        }
        return String(view)
    }

    static func leftPad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
