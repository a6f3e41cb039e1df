import Foundation
import Interpreter

/// The options of the commands that read household records (`eval`,
/// `explain`, `impact`, `report`): read once, the same way everywhere.
struct RecordOptions {
    var recordsPath = "-"
    var inputFormat = InputFormat.jsonl
    var encoding: TextEncoding?
    var asOf = EvalCommand.today()
    var threads = ProcessInfo.processInfo.activeProcessorCount

    /// The options every such command takes, for `Arguments.read`.
    static let valued: Set<String> = ["--records", "--input-format", "--encoding", "--as-of", "--threads"]

    /// The options as given, or the message of the first one that is wrong.
    static func read(_ arguments: Arguments) -> Result<RecordOptions, Arguments.Problem> {
        var options = RecordOptions()
        options.recordsPath = arguments["--records"] ?? "-"
        if let written = arguments["--input-format"] {
            guard let format = InputFormat(rawValue: written) else { return .failure(.init("`--input-format` is jsonl, json or csv, not `\(written)`")) }
            options.inputFormat = format
        } else {
            options.inputFormat = InputFormat.guess(fromPath: options.recordsPath) ?? .jsonl
        }
        if let written = arguments["--encoding"] {
            guard let known = TextEncoding(name: written) else { return .failure(.init("`--encoding` is utf8 or gb18030, not `\(written)`")) }
            options.encoding = known
        }
        if let written = arguments["--threads"] {
            guard let number = Int(written), (1...256).contains(number) else { return .failure(.init("`--threads` is a number from 1 to 256, not `\(written)`")) }
            options.threads = number
        }
        if let written = arguments["--as-of"] {
            guard let date = CivilDate.parse(written) else { return .failure(.init("`--as-of` must be a date YYYY-MM-DD, not `\(written)`")) }
            options.asOf = date
        }
        return .success(options)
    }
}

extension Arguments {
    /// A usage error in an option's value.
    struct Problem: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }
}
