import Foundation
import Interpreter

/// Settings of the whole run, read once from the command line and the
/// environment before a command starts.
enum Session {
    /// `--lang zh|en` anywhere on the command line, else from `LC_ALL`,
    /// `LC_MESSAGES` or `LANG` (Chinese when it starts with `zh`).
    nonisolated(unsafe) static var language: Language = .en

    /// Takes `--lang X` (or `--lang=X`) out of the arguments and sets
    /// `language`; an unknown language is a usage error.
    static func readLanguage(_ arguments: [String]) -> Result<[String], UsageError> {
        var rest: [String] = []
        var chosen: String?
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--lang" {
                guard index + 1 < arguments.count else { return .failure(UsageError(message: "`--lang` needs a value: zh or en")) }
                chosen = arguments[index + 1]
                index += 2
                continue
            }
            if argument.hasPrefix("--lang=") {
                chosen = String(argument.dropFirst("--lang=".count))
            } else {
                rest.append(argument)
            }
            index += 1
        }
        if let chosen {
            guard let known = Language(rawValue: chosen.lowercased().hasPrefix("zh") ? "zh" : chosen.lowercased()) else {
                return .failure(UsageError(message: "`--lang` is zh or en, not `\(chosen)`"))
            }
            language = known
        } else {
            language = Language.fromEnvironment(ProcessInfo.processInfo.environment)
        }
        return .success(rest)
    }

    struct UsageError: Error {
        let message: String
    }

    /// The text in the session's language.
    static func say(_ english: String, _ chinese: String) -> String { language.pick(english, chinese) }

    /// A diagnostic as text, in the session's language.
    static func render(_ diagnostic: Diagnostic) -> String { DiagnosticRenderer.render(diagnostic, in: language) }
}
