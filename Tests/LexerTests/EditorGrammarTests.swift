import Testing
import Foundation
@testable import Lexer

/// The VS Code extension under `editors/vscode/`, read from the checkout this file is in.
private enum Extension {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let folder = root.appendingPathComponent("editors/vscode")

    static func json(_ path: String) throws -> Any {
        let data = try Data(contentsOf: folder.appendingPathComponent(path))
        return try JSONSerialization.jsonObject(with: data)
    }

    static func object(_ path: String) throws -> [String: Any] {
        try #require(try json(path) as? [String: Any], "\(path) is not a JSON object")
    }

    static func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: folder.appendingPathComponent(path).path)
    }

    static let grammarPath = "syntaxes/policy.tmLanguage.json"
}

/// The name VS Code's tab stops without a default (`$1`, `${2}`, `$0`) are filled with.
private let filler = "sample_name"

/// A snippet body as VS Code inserts it when every placeholder keeps its default:
/// `${1:default}` gives the default (placeholders inside it expanded too),
/// `${1|a,b|}` option `choice` (the last one when there are fewer), `$1`,
/// `${1}` and `$0` the filler name, and `\$`, `\}`, `\\` the character.
private func expand(_ body: String, choice: Int = 0) -> String {
    let characters = Array(body)
    var index = 0

    func readNumberOrName() -> String {
        var text = ""
        while index < characters.count, characters[index].isLetter || characters[index].isNumber || characters[index] == "_" {
            text.append(characters[index])
            index += 1
        }
        return text
    }

    /// Expands up to an unescaped `}` (consumed) or the end.
    func expandUntilBrace(nested: Bool) -> String {
        var out = ""
        while index < characters.count {
            let character = characters[index]
            if character == "\\", index + 1 < characters.count, "$}\\".contains(characters[index + 1]) {
                out.append(characters[index + 1])
                index += 2
            } else if character == "}", nested {
                index += 1
                return out
            } else if character == "$" {
                index += 1
                if index < characters.count, characters[index] == "{" {
                    index += 1
                    _ = readNumberOrName()
                    guard index < characters.count else { return out }
                    switch characters[index] {
                    case ":":
                        index += 1
                        out += expandUntilBrace(nested: true)
                    case "|":
                        index += 1
                        var options = [""]
                        while index < characters.count, !(characters[index] == "|" && index + 1 < characters.count && characters[index + 1] == "}") {
                            if characters[index] == "\\", index + 1 < characters.count {
                                options[options.count - 1].append(characters[index + 1])
                                index += 2
                            } else if characters[index] == "," {
                                options.append("")
                                index += 1
                            } else {
                                options[options.count - 1].append(characters[index])
                                index += 1
                            }
                        }
                        index += 2
                        out += options[min(choice, options.count - 1)]
                    default:
                        index += 1  // the `}` of `${1}`
                        out += filler
                    }
                } else if readNumberOrName().isEmpty {
                    out.append("$")
                } else {
                    out += filler
                }
            } else {
                out.append(character)
                index += 1
            }
        }
        return out
    }

    return expandUntilBrace(nested: false)
}

@Suite struct EditorGrammarTests {
    // MARK: - (a) The grammar's keywords are the lexer's

    @Test func keywordsRuleListsExactlyTheLexersKeywords() throws {
        let grammar = try Extension.object(Extension.grammarPath)
        let repository = try #require(grammar["repository"] as? [String: Any], "the grammar has no repository")
        let rule = try #require(repository["keywords"] as? [String: Any], "the grammar has no repository rule `keywords`")
        let match = try #require(rule["match"] as? String, "repository.keywords has no `match`")

        let prefix = #"\b(?:"#
        let suffix = #")\b"#
        try #require(match.hasPrefix(prefix) && match.hasSuffix(suffix) && match.count > prefix.count + suffix.count,
                     #"repository.keywords.match must be \b(?:kw1|kw2|...)\b, found \#(match)"#)
        let alternatives = match.dropFirst(prefix.count).dropLast(suffix.count)
            .split(separator: "|", omittingEmptySubsequences: false).map(String.init)

        let plain = alternatives.filter { word in !word.isEmpty && word.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") } }
        #expect(plain.count == alternatives.count, "alternatives that are not plain words: \(alternatives.filter { !plain.contains($0) })")

        let listed = Set(alternatives)
        let keywords = Set(Keyword.allCases.map(\.rawValue))
        let missing = keywords.subtracting(listed).sorted()
        let extra = listed.subtracting(keywords).sorted()
        #expect(listed == keywords, "repository.keywords is missing \(missing) and has extra \(extra)")

        let repeated = Dictionary(grouping: alternatives, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
        #expect(repeated.isEmpty, "repository.keywords lists these more than once: \(repeated)")
        #expect(alternatives == alternatives.sorted(), "repository.keywords is not in alphabetical order")
    }

    @Test func keywordsRuleIsUsedAndMatchesWholeWordsOnly() throws {
        let grammar = try Extension.object(Extension.grammarPath)
        let patterns = try #require(grammar["patterns"] as? [[String: Any]], "the grammar has no top-level patterns")
        #expect(patterns.contains { $0["include"] as? String == "#keywords" }, "no top-level pattern includes #keywords")

        let repository = try #require(grammar["repository"] as? [String: Any])
        let match = try #require((repository["keywords"] as? [String: Any])?["match"] as? String)
        let regex = try NSRegularExpression(pattern: match)
        func matches(_ text: String) -> [String] {
            let range = NSRange(text.startIndex..., in: text)
            return regex.matches(in: text, range: range).compactMap { Range($0.range, in: text).map { String(text[$0]) } }
        }
        for keyword in Keyword.allCases {
            #expect(matches(" \(keyword.rawValue) ") == [keyword.rawValue], "`\(keyword.rawValue)` alone is not matched as a keyword")
        }
        #expect(matches("categoryx not_eligible 监测when x_source") == [], "a keyword was found inside a name")
    }

    @Test func everyGrammarRegexCompiles() throws {
        // ICU stands in for Oniguruma here: the grammar uses only syntax both read alike.
        let grammar = try Extension.object(Extension.grammarPath)
        #expect(grammar["scopeName"] as? String == "source.policy")
        var regexes: [(String, String)] = []
        func collect(_ value: Any, at path: String) {
            if let object = value as? [String: Any] {
                for (key, inner) in object {
                    if ["match", "begin", "end"].contains(key), let pattern = inner as? String {
                        regexes.append(("\(path).\(key)", pattern))
                    } else {
                        collect(inner, at: "\(path).\(key)")
                    }
                }
            } else if let array = value as? [Any] {
                for (offset, inner) in array.enumerated() { collect(inner, at: "\(path)[\(offset)]") }
            }
        }
        collect(grammar, at: "grammar")
        #expect(regexes.count > 20)
        for (path, pattern) in regexes {
            do {
                _ = try NSRegularExpression(pattern: pattern)
            } catch {
                Issue.record("\(path) does not compile: \(pattern)")
            }
        }
        // Every include names a rule of the repository.
        let repository = try #require(grammar["repository"] as? [String: Any])
        var includes: [String] = []
        func collectIncludes(_ value: Any) {
            if let object = value as? [String: Any] {
                if let include = object["include"] as? String { includes.append(include) }
                object.values.forEach(collectIncludes)
            } else if let array = value as? [Any] {
                array.forEach(collectIncludes)
            }
        }
        collectIncludes(grammar)
        for include in includes {
            #expect(include.hasPrefix("#") && repository[String(include.dropFirst())] != nil, "include \(include) names no repository rule")
        }
    }

    // MARK: - (b) The manifest and the configuration

    @Test func manifestPointsAtFilesThatExist() throws {
        let manifest = try Extension.object("package.json")
        #expect(manifest["name"] as? String == "policy-language")
        #expect(manifest["publisher"] as? String == "policy")
        #expect(manifest["version"] as? String == "0.1.0")
        #expect((manifest["engines"] as? [String: Any])?["vscode"] as? String == "^1.60.0")

        let contributes = try #require(manifest["contributes"] as? [String: Any], "package.json contributes nothing")
        let languages = try #require(contributes["languages"] as? [[String: Any]])
        let language = try #require(languages.first { $0["id"] as? String == "policy" }, "no language `policy`")
        #expect(language["extensions"] as? [String] == [".policy"])
        let configuration = try #require(language["configuration"] as? String)
        #expect(Extension.exists(configuration), "\(configuration) does not exist")

        let grammars = try #require(contributes["grammars"] as? [[String: Any]])
        let grammar = try #require(grammars.first { $0["scopeName"] as? String == "source.policy" }, "no grammar source.policy")
        #expect(grammar["language"] as? String == "policy")
        let grammarPath = try #require(grammar["path"] as? String)
        #expect(Extension.exists(grammarPath), "\(grammarPath) does not exist")
        #expect(URL(fileURLWithPath: grammarPath).standardized == URL(fileURLWithPath: Extension.grammarPath).standardized)

        let snippets = try #require(contributes["snippets"] as? [[String: Any]])
        #expect(!snippets.isEmpty)
        for entry in snippets {
            let path = try #require(entry["path"] as? String)
            #expect(Extension.exists(path), "\(path) does not exist")
            _ = try Extension.object(path)
        }
    }

    @Test func languageConfigurationAgreesWithTheLexer() throws {
        let configuration = try Extension.object("language-configuration.json")
        let lineComment = try #require((configuration["comments"] as? [String: Any])?["lineComment"] as? String)
        let lexed = Lexer.tokenize(SourceFile(path: "t", text: "x \(lineComment) 注释 y"))
        #expect(lexed.comments.count == 1 && lexed.tokens.count == 2, "`\(lineComment)` does not start a comment for the lexer")

        let brackets = try #require(configuration["brackets"] as? [[String]])
        #expect(Set(brackets.map { $0.joined() }) == ["{}", "[]", "()"])
        for pair in brackets {
            #expect(pair.allSatisfy { Punctuation(rawValue: $0) != nil }, "\(pair) is not punctuation of the language")
        }

        let closing = try #require(configuration["autoClosingPairs"] as? [[String: Any]])
        let opens = Set(closing.compactMap { $0["open"] as? String })
        #expect(opens.isSuperset(of: ["{", "[", "(", "\""]))
        // Typographic quotes are errors outside strings; the editor must not add them.
        #expect(opens.isDisjoint(with: ["“", "‘", "「", "『"]), "a Chinese quote is auto-closed")
    }

    // MARK: - (c) Snippets give text the language reads

    @Test func snippetsExpandToTextTheLexerReads() throws {
        let snippets = try #require(try Extension.json("snippets/policy.json") as? [String: [String: Any]], "snippets/policy.json is not an object of snippets")
        let prefixes = Set(snippets.values.compactMap { $0["prefix"] as? String })
        for wanted in ["policy", "param", "let", "category", "exclude", "exception", "eliminate", "alert", "procedure", "test"] {
            #expect(prefixes.contains(wanted), "no snippet with prefix `\(wanted)`")
        }

        for (name, snippet) in snippets.sorted(by: { $0.key < $1.key }) {
            let lines: [String]
            if let body = snippet["body"] as? [String] {
                lines = body
            } else {
                lines = [try #require(snippet["body"] as? String, "snippet \(name) has no body")]
            }
            let body = lines.joined(separator: "\n")
            // Every option of the choices, one expansion per option index.
            var expansions: [String] = []
            for choice in 0..<32 {
                let text = expand(body, choice: choice)
                if expansions.last == text { break }
                expansions.append(text)
            }
            for text in expansions {
                #expect(!text.contains("$"), "snippet \(name) keeps a placeholder: \(text)")
                let tokens = Lexer.tokenize(SourceFile(path: name, text: text)).tokens
                let errors = tokens.filter { if case .error = $0.kind { return true } else { return false } }
                #expect(errors.isEmpty, "snippet \(name) expands to text the lexer refuses (\(errors.map(\.kind.description))): \(text)")

                var open: [Punctuation] = []
                var balanced = true
                for token in tokens {
                    guard case .punctuation(let punctuation) = token.kind else { continue }
                    switch punctuation {
                    case .leftBrace, .leftBracket, .leftParen: open.append(punctuation)
                    case .rightBrace: balanced = balanced && open.popLast() == .leftBrace
                    case .rightBracket: balanced = balanced && open.popLast() == .leftBracket
                    case .rightParen: balanced = balanced && open.popLast() == .leftParen
                    default: break
                    }
                }
                #expect(balanced && open.isEmpty, "snippet \(name) has unbalanced brackets: \(text)")

                let first = try #require(tokens.first)
                #expect(first.word.flatMap(Keyword.init(rawValue:)) != nil, "snippet \(name) does not start with a word of the language: \(text)")
            }
        }
    }

    @Test func expansionFillsDefaultsChoicesAndTabStops() {
        #expect(expand("param ${1:line} = ${2:6000} ${3|yuan,days|}$0") == "param line = 6000 yuan\(filler)")
        #expect(expand("${3|yuan,days|} ${4|a|}", choice: 1) == "days a")
        #expect(expand("when $1 and ${2} ${3:a ${4:b}} \\$x") == "when \(filler) and \(filler) a b $x")
    }
}
