import Foundation
import Testing

/// `policy` answers in Chinese or English: `--lang`, else the locale.
@Suite("languages")
struct LanguageTests {
    static let broken = "Tests/Fixtures/diagnostics/E0301.policy"

    @Test func aChineseLocaleGetsChineseMessagesAndSummaries() throws {
        let check = try CLI.run(["check", Self.broken], environment: ["LANG": "zh_CN.UTF-8"])
        #expect(check.stderr.contains("error[E0305]: 找不到数据模式 `household/v1`"), "\(check.stderr)")
        #expect(check.stderr.contains("已检查 1 个文件："), "\(check.stderr)")
        #expect(check.stderr.contains("= 提示："), "\(check.stderr)")
        let eval = try CLI.run(["eval", "--policy", CLI.fengdu, "--records", EvalCommandTests.samples, "--as-of", "2021-09-30", "--format", "table"],
                               environment: ["LC_ALL": "zh_CN.UTF-8"])
        #expect(eval.stdout.hasPrefix("户编码"), "\(eval.stdout.prefix(200))")
        #expect(eval.stdout.contains("纳入监测"))
        #expect(eval.stderr.contains("已评估 43 户"), "\(eval.stderr)")
        #expect(eval.stdout.contains("error[E0601]: 第 "), "messages name the line in Chinese")
    }

    @Test func theCLocaleGetsEnglish() throws {
        let check = try CLI.run(["check", Self.broken], environment: ["LANG": "C"])
        #expect(check.stderr.contains("checked 1 file: "), "\(check.stderr)")
        #expect(!check.stderr.contains("已检查"))
    }

    @Test func langOverridesTheLocale() throws {
        let english = try CLI.run(["check", Self.broken, "--lang", "en"], environment: ["LANG": "zh_CN.UTF-8"])
        #expect(english.stderr.contains("checked 1 file: "))
        let chinese = try CLI.run(["--lang=zh", "check", Self.broken], environment: ["LANG": "C"])
        #expect(chinese.stderr.contains("已检查 1 个文件"))
        let wrong = try CLI.run(["check", Self.broken, "--lang", "fr"])
        #expect(wrong.status == 2 && wrong.stderr.contains("`--lang` is zh or en"))
    }

    @Test func jsonResultsKeepTheirKeysAndValuesInEveryLanguage() throws {
        let arguments = ["eval", "--policy", CLI.fengdu, "--records", EvalCommandTests.samples, "--as-of", "2021-09-30"]
        let english = try CLI.run(arguments, environment: ["LANG": "C"]).lines.compactMap(CLI.decode)
        let chinese = try CLI.run(arguments, environment: ["LANG": "zh_CN.UTF-8"]).lines.compactMap(CLI.decode)
        #expect(english.count == chinese.count)
        for (a, b) in zip(english, chinese) {
            #expect(Set(a.keys) == Set(b.keys))
            for key in ["id", "decision", "category", "exclusions"] {
                #expect(String(describing: a[key] ?? "") == String(describing: b[key] ?? ""))
            }
        }
    }

    @Test func csvHeadersFollowTheLanguage() throws {
        let arguments = ["eval", "--policy", CLI.fengdu, "--records", EvalCommandTests.samples, "--as-of", "2021-09-30", "--format", "csv", "--bom"]
        let chinese = try CLI.run(arguments + ["--lang", "zh"])
        #expect(chinese.stdout.hasPrefix("\u{FEFF}户编码,政策,评估日期,结论,"), "\(chinese.stdout.prefix(80))")
        let english = try CLI.run(arguments)
        #expect(english.stdout.hasPrefix("\u{FEFF}id,policy,as_of,decision,"))
    }
}
