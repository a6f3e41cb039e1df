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

extension LanguageTests {
    /// A spreadsheet export: Chinese headers and values, saved as GB18030.
    static let chineseCSV = """
    户编码,省,县,乡镇,村,户属性,工资性收入,生产经营性收入,财产性收入,转移性收入,生产经营性支出,风险类型,大额存款,姓名,性别,与户主关系,健康状况,劳动技能
    Z1,重庆市,丰都县,三合街道,双龙场村,一般农户,9000,0,0,0,0,因病,0,张三,男,户主,健康,普通劳动力
    Z1,重庆市,丰都县,三合街道,双龙场村,一般农户,9000,0,0,0,0,因病,0,李四,女,配偶,健康,弱劳动力或半劳动力
    Z2,重庆市,丰都县,三合街道,双龙场村,一般农户,4000,0,0,0,0,因病,120000,王五,男,户主,健康,普通劳动力

    """

    /// The same households as JSON Lines, in UTF-8.
    static let twinJSONL = """
    {"id":"Z1","region":{"province":"重庆市","county":"丰都县","township":"三合街道","village":"双龙场村"},"category":"general","income":{"wage":9000,"business":0,"property":0,"transfer":0,"business_expense":0},"risks":["illness"],"assets":{"deposits":0},"members":[{"name":"张三","sex":"male","relation":"head","health":"healthy","labour":"ordinary"},{"name":"李四","sex":"female","relation":"spouse","health":"healthy","labour":"weak"}]}
    {"id":"Z2","region":{"province":"重庆市","county":"丰都县","township":"三合街道","village":"双龙场村"},"category":"general","income":{"wage":4000,"business":0,"property":0,"transfer":0,"business_expense":0},"risks":["illness"],"assets":{"deposits":120000},"members":[{"name":"王五","sex":"male","relation":"head","health":"healthy","labour":"ordinary"}]}

    """

    @Test func aGB18030CSVWithChineseHeadersDecidesAsItsJSONLinesTwin() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("policy-gbk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let csv = folder.appendingPathComponent("导出.csv"), jsonl = folder.appendingPathComponent("twin.jsonl")
        try #require(Self.chineseCSV.data(using: String.Encoding(rawValue: 0x8000_0632))).write(to: csv)
        try Self.twinJSONL.write(to: jsonl, atomically: true, encoding: .utf8)
        func results(_ file: URL) throws -> (CLI.Run, [[String: Any]]) {
            let run = try CLI.run(["eval", "--policy", CLI.fengdu, "--records", file.path, "--as-of", "2021-09-30"], environment: ["LANG": "zh_CN.UTF-8"])
            return (run, run.lines.compactMap(CLI.decode))
        }
        let (csvRun, fromCSV) = try results(csv)
        let (_, fromJSONL) = try results(jsonl)
        #expect(csvRun.stderr.contains("按 GB18030（GBK）读取"), "\(csvRun.stderr)")
        #expect(fromCSV.count == 2 && fromJSONL.count == 2)
        for (a, b) in zip(fromCSV, fromJSONL) {
            for key in ["id", "decision", "category", "exclusions", "exception", "missing"] {
                #expect(String(describing: a[key] ?? "nil") == String(describing: b[key] ?? "nil"), "\(key): \(a) vs \(b)")
            }
        }
        #expect(fromCSV.map { $0["decision"] as? String } == ["include", "exclude"])
    }
}
