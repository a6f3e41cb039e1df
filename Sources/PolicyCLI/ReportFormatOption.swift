import Interpreter

extension Arguments {
    /// The `--format` of `check` and `test`: text unless another is asked for;
    /// nil (after saying why) for a format that does not exist.
    func reportFormat(help: String) -> ReportFormat? {
        guard let written = self["--format"] else { return .text }
        guard let format = ReportFormat(rawValue: written) else {
            Terminal.err.write("error: `--format` is text, json, github or sarif, not `\(written)`\n\n\(help)")
            return nil
        }
        return format
    }
}
