import Foundation
import Testing
import Lexer
@testable import Interpreter

/// `policy fmt`: one canonical layout, the same tokens and comments, idempotent.
@Suite struct FormatterTests {
    static func format(_ text: String) -> String? {
        if case .success(let formatted) = Formatter.format(SourceFile(path: "t.policy", text: text)) { return formatted }
        return nil
    }

    static var shippedFiles: [String] {
        Workspace().policyFiles(in: [Fixtures.url("policies").path]).files
    }

    @Test func everyShippedFileIsAlreadyFormatted() throws {
        #expect(Self.shippedFiles.count >= 14)
        for path in Self.shippedFiles {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(Self.format(text) == text, "\(path) is not formatted")
        }
    }

    /// Whitespace moved around between the tokens: indentation, spaces, line
    /// breaks inside declarations. Blank lines and comments stay.
    static func scramble(_ text: String, _ random: inout Random) -> String {
        let source = SourceFile(path: "s.policy", text: text)
        let lexed = Lexer.tokenize(source)
        var out = ""
        var position = 0
        let scalars = source.scalars
        // Offsets where a comment starts: whitespace before them is left alone.
        let commentStarts = Set(lexed.comments.map(\.range.start))
        for token in lexed.tokens where token.kind != .endOfFile {
            let gap = String(String.UnicodeScalarView(scalars[position..<token.range.start]))
            if gap.contains("#") || commentStarts.contains(token.range.start) || gap.contains("\n\n") || position == 0 {
                // Keep comments and blank lines; re-indent the line the token starts.
                var kept = gap
                if kept.contains("\n") {
                    while kept.hasSuffix(" ") { kept.removeLast() }
                    kept += String(repeating: " ", count: Int(random.next() % 7))
                }
                out += kept
            } else if gap.contains("\n") {
                out += random.next() % 3 == 0 ? " " : "\n" + String(repeating: " ", count: Int(random.next() % 9))
            } else {
                switch random.next() % 4 {
                case 0: out += gap.isEmpty ? "" : "   "
                case 1: out += gap.isEmpty ? "" : "\n" + String(repeating: " ", count: Int(random.next() % 5))
                default: out += gap.isEmpty ? "" : " "
                }
            }
            out += String(String.UnicodeScalarView(scalars[token.range.start..<token.range.end]))
            position = token.range.end
        }
        out += String(String.UnicodeScalarView(scalars[position...]))
        return out
    }

    @Test func aScrambledCopyIsRestoredByteForByte() throws {
        var random = Random(seed: 4)
        for path in Self.shippedFiles {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            for _ in 0..<3 {
                let scrambled = Self.scramble(text, &random)
                #expect(scrambled != text)
                #expect(Self.format(scrambled) == text, "\(path) is not restored")
            }
        }
    }

    @Test func formattingTwiceChangesNothing() throws {
        let fixtures = try FileManager.default.contentsOfDirectory(atPath: Fixtures.url("Tests/Fixtures/diagnostics").path).filter { $0.hasSuffix(".policy") }
        var formatted = 0
        for name in fixtures {
            guard let text = try? Fixtures.text("Tests/Fixtures/diagnostics/\(name)"), let once = Self.format(text) else { continue }
            formatted += 1
            #expect(Self.format(once) == once, "\(name)")
        }
        #expect(formatted > 40)
    }

    @Test func theLayoutIsCanonical() {
        let text = """
        # 说明
        policy   test/fmt/2021{region "重庆市"  "丰都县" year 2021
        schema household/v1 calendar cn}
        param   line=6000 yuan/person/year source "低于6000元" at "一"
        category marginal "边缘户" {when income.wage<line*count(members) and not(income.total>0)}
        exclude vehicle "车辆" { when any( v in assets.vehicles : v.kind in [ luxury_car,ship ] )otherwise false
        source "1.家庭成员拥有享受型用车" }   # 第1种情形
        enum colour { red "红" blue_green "蓝绿" }
        test t "测试" { as_of 2021-09-30 household { members: [{ name: "张三", labour: ordinary }] income: { wage: -1.5 } }
        expect decision include }
        """
        let expected = """
        # 说明
        policy test/fmt/2021 {
          region   "重庆市" "丰都县"
          year     2021
          schema   household/v1
          calendar cn
        }

        param line = 6000 yuan/person/year
          source "低于6000元" at "一"

        category marginal "边缘户" { when income.wage < line * count(members) and not (income.total > 0) }

        exclude vehicle "车辆" {
          when any(v in assets.vehicles: v.kind in [luxury_car, ship]) otherwise false
          source "1.家庭成员拥有享受型用车"
        }  # 第1种情形

        enum colour {
          red        "红"
          blue_green "蓝绿"
        }

        test t "测试" {
          as_of 2021-09-30
          household {
            members: [
              { name: "张三", labour: ordinary }
            ]
            income: { wage: -1.5 }
          }
          expect decision include
        }

        """
        #expect(Self.format(text) == expected)
    }

    @Test func columnsAlignByDisplayWidth() {
        let text = """
        schema test/v1 { title "测试" }
        record test {
          id: text required "编码"
          收入: yuan/year "收入"
          population_count: int "人口"
        }
        """
        let formatted = Self.format(text) ?? ""
        let lines = formatted.split(separator: "\n").filter { $0.hasPrefix("  ") && $0.contains(":") }
        let columns = lines.map { line in DisplayWidth.of(line.prefix { $0 != ":" }) + 1 + line.drop { $0 != ":" }.dropFirst().prefix { $0 == " " }.count }
        #expect(Set(columns).count == 1, "\(formatted)")
        #expect(formatted.contains("  收入:             yuan/year"), "收入 is four columns wide")
    }

    @Test func aFileWithSyntaxErrorsIsNotFormatted() {
        guard case .failure(.syntax(let diagnostics)) = Formatter.format(SourceFile(path: "t.policy", text: "param x = (1\n")) else {
            Issue.record("a broken file must not be formatted")
            return
        }
        #expect(diagnostics.hasErrors)
    }
}
