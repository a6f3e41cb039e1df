/// A small command-line reader: options (`--name value`, `--name=value`, and
/// flags), then positional arguments. Unknown options are usage errors.
struct Arguments {
    struct UsageError: Error {
        let message: String
    }

    private(set) var options: [String: String] = [:]
    private(set) var flags: Set<String> = []
    private(set) var positional: [String] = []

    /// - Parameters:
    ///   - valued: options that take a value.
    ///   - flags: options that take none.
    init(_ arguments: [String], valued: Set<String>, flags known: Set<String>) throws(UsageError) {
        var index = 0
        var onlyPositional = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if onlyPositional || !argument.hasPrefix("--") || argument == "-" {
                if !onlyPositional, argument.hasPrefix("-"), argument != "-", argument.count > 1 {
                    if argument == "-h" {
                        flags.insert("--help")
                        continue
                    }
                    throw UsageError(message: "unknown option `\(argument)`")
                }
                positional.append(argument)
                continue
            }
            if argument == "--" {
                onlyPositional = true
                continue
            }
            var name = argument
            var value: String?
            if let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                value = String(argument[argument.index(after: equals)...])
            }
            if known.contains(name) {
                if value != nil { throw UsageError(message: "`\(name)` takes no value") }
                flags.insert(name)
            } else if valued.contains(name) {
                if value == nil {
                    guard index < arguments.count else { throw UsageError(message: "`\(name)` needs a value") }
                    value = arguments[index]
                    index += 1
                }
                if options[name] != nil { throw UsageError(message: "`\(name)` given twice") }
                options[name] = value
            } else {
                throw UsageError(message: "unknown option `\(name)`")
            }
        }
    }

    subscript(option: String) -> String? { options[option] }

    func has(_ flag: String) -> Bool { flags.contains(flag) }

    /// What a command does with its command line first: reads it, or ends
    /// with the help text (on `--help`, or after a usage error).
    enum Reading {
        case read(Arguments)
        case done(ExitCode)
    }

    /// Reads a command's arguments; `--help` prints `help`, a usage error
    /// prints the error and `help` on standard error.
    static func read(_ raw: [String], valued: Set<String>, flags: Set<String>, help: String) -> Reading {
        do {
            let arguments = try Arguments(raw, valued: valued, flags: flags.union(["--help"]))
            if arguments.has("--help") {
                Terminal.out.write(help)
                return .done(.success)
            }
            return .read(arguments)
        } catch {
            Terminal.err.write("error: \(error.message)\n\n\(help)")
            return .done(.usage)
        }
    }
}
