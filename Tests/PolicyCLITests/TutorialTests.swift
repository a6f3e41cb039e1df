import Foundation
import Testing

/// `docs/tutorial.zh.md`, done as its reader would do it, in a temporary
/// working folder holding a copy of `policies/`. The tutorial's conventions
/// (described at its top) are read here:
///
/// - ```` ```sh ```` : commands, one a line (a line ending in ` \` goes on on
///   the next). Each is `policy …` or `.build/debug/policy …`, optionally
///   after `NAME=value` words, split as a shell would for plain words,
///   double quotes (with `\"` and `\\`), single quotes and backslashes. Each
///   must exit 0, or N for a block marked `sh exit=N`. Pipes, redirections,
///   variables and globs are not understood: such a line fails the test.
/// - ```` ```sh setup ````: the one-time preparation (build, copy the
///   folder), not run (the test makes its own copy); each line must start
///   with one of the words of `setupCommands`.
/// - ```` ```text ````: the output (standard output and error) of the last
///   command before it. Every line but those that are only `…` must appear in
///   a line of the output, after trimming; a `…` inside a line stands for
///   left-out text, and the pieces around it must appear in that order in one
///   line. ```` ```text file=PATH ```` is the same against the file PATH.
/// - ```` ```policy ````: a policy file. Its first line is `# 文件：PATH`, or
///   `# 文件：PATH（加在文件末尾）`; the whole block, that line included,
///   replaces the file PATH, or is appended to it after one blank line.
/// - ```` ```jsonl path=PATH ````: the block is the whole file PATH.
///
/// Any other fenced block is not understood and fails the test. Commands run
/// with `LANG=zh_CN.UTF-8`, as the tutorial's set-up says.
@Suite("tutorial")
struct TutorialTests {
    static let tutorial = "docs/tutorial.zh.md"
    static let setupCommands: Set<String> = ["swift", "export", "mkdir", "cp", "cd"]

    /// A fenced block: its info string, its lines, and the line of its opening fence.
    struct Block {
        let info: [String]
        let lines: [String]
        let line: Int
    }

    enum Step {
        case run(arguments: [String], environment: [String: String], exit: Int32, line: Int)
        case write(path: String, text: String, append: Bool, line: Int)
        case expect(lines: [String], file: String?, line: Int)
    }

    struct NotUnderstood: Error, CustomStringConvertible {
        let line: Int
        let reason: String
        var description: String { "\(TutorialTests.tutorial):\(line): \(reason)" }
    }

    // MARK: Reading the tutorial

    static func blocks(_ text: String) throws -> [Block] {
        var blocks: [Block] = []
        var open: (info: [String], line: Int)?
        var lines: [String] = []
        for (index, raw) in text.components(separatedBy: "\n").enumerated() {
            let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : raw
            if let current = open {
                if line.trimmingCharacters(in: .whitespaces) == "```" {
                    blocks.append(Block(info: current.info, lines: lines, line: current.line))
                    open = nil
                    lines = []
                } else {
                    lines.append(line)
                }
            } else if line.hasPrefix("```") {
                let info = line.dropFirst(3).split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
                open = (info, index + 1)
            }
        }
        if let open { throw NotUnderstood(line: open.line, reason: "a code block is never closed") }
        return blocks
    }

    /// The value of `key=value` among a block's attributes, and whether only known ones are given.
    static func attributes(_ block: Block, allowed: Set<String>) throws -> [String: String] {
        var result: [String: String] = [:]
        for word in block.info.dropFirst() {
            let parts = word.split(separator: "=", maxSplits: 1).map(String.init)
            let key = parts[0]
            guard allowed.contains(key) else {
                throw NotUnderstood(line: block.line, reason: "`\(word)` is not an attribute of a `\(block.info[0])` block")
            }
            result[key] = parts.count == 2 ? parts[1] : ""
        }
        return result
    }

    /// A path inside the working folder, relative, without `..`.
    static func checkedPath(_ path: String, line: Int) throws -> String {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !path.isEmpty, !path.hasPrefix("/"), !parts.contains(".."), !parts.contains("") else {
            throw NotUnderstood(line: line, reason: "`\(path)` is not a relative path inside the working folder")
        }
        return path
    }

    /// The lines of a `sh` block joined where a line ends with ` \`, each with its line number.
    static func commandLines(_ block: Block) throws -> [(text: String, line: Int)] {
        var result: [(text: String, line: Int)] = []
        var pending: (text: String, line: Int)?
        for (offset, line) in block.lines.enumerated() {
            let number = block.line + 1 + offset
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if pending == nil, trimmed.isEmpty { continue }
            let continues = trimmed.hasSuffix(" \\")
            let part = continues ? String(trimmed.dropLast(2)) : trimmed
            if let current = pending {
                pending = (current.text + " " + part, current.line)
            } else {
                pending = (part, number)
            }
            if !continues, let done = pending {
                result.append(done)
                pending = nil
            }
        }
        if let pending { throw NotUnderstood(line: pending.line, reason: "the command goes on past the end of its block") }
        return result
    }

    /// Words as a shell splits a simple command line.
    static func shellWords(_ text: String, line: Int) throws -> [String] {
        var words: [String] = []
        var word = ""
        var inWord = false
        var characters = Array(text)[...]
        while let c = characters.popFirst() {
            switch c {
            case " ", "\t":
                if inWord { words.append(word); word = ""; inWord = false }
            case "\"":
                inWord = true
                while true {
                    guard let d = characters.popFirst() else { throw NotUnderstood(line: line, reason: "a double quote is not closed") }
                    if d == "\"" { break }
                    if d == "\\", let e = characters.first, e == "\"" || e == "\\" {
                        word.append(e)
                        characters.removeFirst()
                    } else if d == "$" || d == "`" {
                        throw NotUnderstood(line: line, reason: "`\(d)` inside double quotes is not understood")
                    } else {
                        word.append(d)
                    }
                }
            case "'":
                inWord = true
                while true {
                    guard let d = characters.popFirst() else { throw NotUnderstood(line: line, reason: "a single quote is not closed") }
                    if d == "'" { break }
                    word.append(d)
                }
            case "\\":
                guard let d = characters.popFirst() else { throw NotUnderstood(line: line, reason: "a backslash ends the line") }
                word.append(d)
                inWord = true
            case "|", "&", ";", "<", ">", "`", "$", "(", ")", "*", "?", "[", "]", "{", "}", "~", "#":
                throw NotUnderstood(line: line, reason: "`\(c)` is not understood in a command (no pipes, redirections, variables, globs or comments)")
            default:
                word.append(c)
                inWord = true
            }
        }
        if inWord { words.append(word) }
        return words
    }

    /// The steps of the tutorial, in order; any block or line not understood throws.
    static func steps(_ text: String) throws -> [Step] {
        var steps: [Step] = []
        for block in try blocks(text) {
            guard let kind = block.info.first else {
                throw NotUnderstood(line: block.line, reason: "a code block without a kind (sh, text, policy, jsonl)")
            }
            switch kind {
            case "sh":
                let attributes = try attributes(block, allowed: ["exit", "setup"])
                let lines = try commandLines(block)
                if attributes["setup"] != nil {
                    for command in lines {
                        let first = command.text.split(separator: " ").first.map(String.init) ?? ""
                        guard setupCommands.contains(first) else {
                            throw NotUnderstood(line: command.line, reason: "`\(command.text)` is not a set-up command")
                        }
                    }
                    continue
                }
                var exit: Int32 = 0
                if let value = attributes["exit"] {
                    guard let status = Int32(value) else { throw NotUnderstood(line: block.line, reason: "`exit=\(value)` is not a number") }
                    exit = status
                }
                guard !lines.isEmpty else { throw NotUnderstood(line: block.line, reason: "a `sh` block without a command") }
                for command in lines {
                    var words = try shellWords(command.text, line: command.line)
                    var environment: [String: String] = [:]
                    while let first = words.first, let equals = first.firstIndex(of: "="),
                          first[..<equals].allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber || $0 == "_") }),
                          !first[..<equals].isEmpty {
                        environment[String(first[..<equals])] = String(first[first.index(after: equals)...])
                        words.removeFirst()
                    }
                    guard let program = words.first, program == "policy" || program == ".build/debug/policy" else {
                        throw NotUnderstood(line: command.line, reason: "`\(command.text)` is not a `policy` command")
                    }
                    steps.append(.run(arguments: Array(words.dropFirst()), environment: environment, exit: exit, line: command.line))
                }
            case "text":
                let attributes = try attributes(block, allowed: ["file"])
                let file = try attributes["file"].map { try checkedPath($0, line: block.line) }
                steps.append(.expect(lines: block.lines, file: file, line: block.line))
            case "policy":
                _ = try attributes(block, allowed: [])
                let marker = "# 文件："
                let appendMark = "（加在文件末尾）"
                guard let first = block.lines.first, first.hasPrefix(marker) else {
                    throw NotUnderstood(line: block.line, reason: "a `policy` block must start with `\(marker)PATH`")
                }
                var path = String(first.dropFirst(marker.count)).trimmingCharacters(in: .whitespaces)
                let append = path.hasSuffix(appendMark)
                if append { path = String(path.dropLast(appendMark.count)).trimmingCharacters(in: .whitespaces) }
                guard path.hasSuffix(".policy") else {
                    throw NotUnderstood(line: block.line, reason: "`\(path)` is not a `.policy` file")
                }
                steps.append(.write(path: try checkedPath(path, line: block.line), text: block.lines.joined(separator: "\n") + "\n",
                                    append: append, line: block.line))
            case "jsonl":
                let attributes = try attributes(block, allowed: ["path"])
                guard let path = attributes["path"], !path.isEmpty else {
                    throw NotUnderstood(line: block.line, reason: "a `jsonl` block needs `path=FILE`")
                }
                steps.append(.write(path: try checkedPath(path, line: block.line), text: block.lines.joined(separator: "\n") + "\n",
                                    append: false, line: block.line))
            default:
                throw NotUnderstood(line: block.line, reason: "a `\(kind)` code block is not understood (sh, text, policy, jsonl)")
            }
        }
        return steps
    }

    // MARK: Checking output

    /// The line of the expected text not found in `actual`, if any.
    static func missingLine(_ expected: [String], in actual: String) -> String? {
        let actualLines = actual.components(separatedBy: "\n")
        for line in expected {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || ["…", "……", "..."].contains(trimmed) { continue }
            let pieces = trimmed.components(separatedBy: "…").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let found = actualLines.contains { candidate in
                var rest = candidate[...]
                for piece in pieces {
                    guard let range = rest.range(of: piece) else { return false }
                    rest = rest[range.upperBound...]
                }
                return true
            }
            if !found { return trimmed }
        }
        return nil
    }

    // MARK: The tests

    @Test func theTutorialIsUnderstoodAndCoversEveryCommand() throws {
        let text = try String(contentsOfFile: CLI.path(Self.tutorial), encoding: .utf8)
        let steps = try Self.steps(text)
        var verbs: Set<String> = []
        var expectations = 0
        for step in steps {
            switch step {
            case .run(let arguments, _, _, _): if let verb = arguments.first { verbs.insert(verb) }
            case .expect: expectations += 1
            case .write: break
            }
        }
        #expect(verbs.isSuperset(of: ["new", "check", "show", "test", "eval", "explain"]), "\(verbs.sorted())")
        #expect(expectations >= 10)
        for heading in ["## 1. 准备", "## 2. 下一年的收入监测线", "## 3. 县里的变化", "## 4. 检查", "## 5. 测试", "## 6. 评估", "## 7. 解释"] {
            #expect(text.contains(heading), "missing section \(heading)")
        }
    }

    @Test func theParserReadsCommandsAsAShellWould() throws {
        #expect(try Self.shellWords(#"policy check "a b.policy" 'c d' e\ f"#, line: 1) == ["policy", "check", "a b.policy", "c d", "e f"])
        #expect(try Self.shellWords(#"policy x "say \"hi\"""#, line: 1) == ["policy", "x", #"say "hi""#])
        #expect(throws: NotUnderstood.self) { try Self.shellWords("policy eval | head", line: 1) }
        #expect(throws: NotUnderstood.self) { try Self.shellWords("policy eval > out", line: 1) }
        #expect(throws: NotUnderstood.self) { try Self.shellWords("policy show \"$HOME\"", line: 1) }
        #expect(throws: NotUnderstood.self) { try Self.steps("```sh\ncat policies/README.md\n```\n") }
        #expect(throws: NotUnderstood.self) { try Self.steps("```console\npolicy help\n```\n") }
        #expect(throws: NotUnderstood.self) { try Self.steps("```sh setup\nrm -rf /\n```\n") }
        #expect(throws: NotUnderstood.self) { try Self.steps("```policy\npolicy a/2023 {}\n```\n") }
        #expect(throws: NotUnderstood.self) { try Self.steps("```jsonl path=../x.jsonl\n{}\n```\n") }
        let steps = try Self.steps("```sh exit=3\nLANG=C policy eval --policy a \\\n  --format table\n```\n")
        guard case .run(let arguments, let environment, let exit, let line) = try #require(steps.first) else {
            Issue.record("not a command: \(steps)")
            return
        }
        #expect(arguments == ["eval", "--policy", "a", "--format", "table"])
        #expect(environment == ["LANG": "C"])
        #expect(exit == 3)
        #expect(line == 2)
        #expect(Self.missingLine(["已评估 5 户，用时 … 秒：纳入", "…"], in: "已评估 5 户，用时 0.0 秒：纳入监测 2 户") == nil)
        #expect(Self.missingLine(["秒：纳入 … 已评估"], in: "已评估 5 户，用时 0.0 秒：纳入监测 2 户") != nil)
    }

    @Test func everyCommandOfTheTutorialDoesWhatItSays() throws {
        let text = try String(contentsOfFile: CLI.path(Self.tutorial), encoding: .utf8)
        let steps = try Self.steps(text)
        let folder = try CLI.copyOfPolicies()
        defer { try? FileManager.default.removeItem(at: folder) }
        let place = Self.tutorial
        var last: (command: String, output: String)?
        var commands = 0
        for step in steps {
            switch step {
            case .write(let path, let text, let append, let line):
                let url = folder.appendingPathComponent(path)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                var contents = text
                if append {
                    guard let existing = try? String(contentsOf: url, encoding: .utf8) else {
                        Issue.record("\(place):\(line): \(path) does not exist to append to")
                        return
                    }
                    // After one blank line, as the tutorial says.
                    var body = existing
                    while body.hasSuffix("\n") { body.removeLast() }
                    contents = body + "\n\n" + text
                }
                try contents.write(to: url, atomically: true, encoding: .utf8)
            case .run(let arguments, let environment, let exit, let line):
                var variables = ["LANG": "zh_CN.UTF-8"]
                variables.merge(environment) { $1 }
                let run = try CLI.run(arguments, in: folder, environment: variables)
                commands += 1
                let shown = "policy " + arguments.joined(separator: " ")
                guard run.status == exit else {
                    Issue.record("\(place):\(line): `\(shown)` exited \(run.status), the tutorial says \(exit)\n\(run.stdout)\n\(run.stderr)")
                    return
                }
                last = (shown, run.stdout + "\n" + run.stderr)
            case .expect(let lines, let file, let line):
                let actual: String
                let what: String
                if let file {
                    guard let contents = try? String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8) else {
                        Issue.record("\(place):\(line): \(file) was not written")
                        return
                    }
                    (actual, what) = (contents, file)
                } else {
                    guard let last else {
                        Issue.record("\(place):\(line): output shown before any command")
                        return
                    }
                    (actual, what) = (last.output, "the output of `\(last.command)`")
                }
                if let missing = Self.missingLine(lines, in: actual) {
                    let shown = actual.components(separatedBy: "\n").prefix(60).joined(separator: "\n")
                    Issue.record("\(place):\(line): \(what) has no line with `\(missing)`; it begins:\n\(shown)")
                }
            }
        }
        #expect(commands >= 15, "only \(commands) commands ran")
    }
}
