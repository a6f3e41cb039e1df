import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Interpreter

/// `policy report`'s counting (`ReportCounts`) and page (`HTMLReport.render`),
/// without a run: results are made by hand.
@Suite struct HTMLReportTests {
    static let asOf = CivilDate(year: 2021, month: 9, day: 30)!

    static func result(_ decision: DecisionKind, category: String? = nil, exclusions: [String] = [],
                       alerts: [(department: String, due: String)] = []) -> HouseholdResult {
        var result = HouseholdResult(id: "h", line: 1, policy: "test/policy", asOf: asOf, decision: decision)
        result.category = category
        result.exclusions = exclusions
        result.alerts = alerts.map { alert in
            let due = CivilDate.parse(alert.due)!
            return AlertResult(rule: "alert", label: nil, department: alert.department, due: due, interval: "10 days",
                               eventDate: nil, overdue: due < asOf)
        }
        return result
    }

    static func parsed(_ json: String) -> RawRecord {
        var raw = RawRecord(line: 1, json: nil)
        raw.unparsed = Array(json.utf8)
        return raw.parsed()
    }

    /// Twelve households in two townships (and one whose record could not be read).
    static var sample: ReportCounts {
        var counts = ReportCounts()
        counts.add(result(.include, category: "marginal", alerts: [("民政局", "2021-10-08"), ("医保局", "2021-09-20")]),
                   township: "三合街道", village: "双龙场村")
        counts.add(result(.include, category: "unstable"), township: "三合街道", village: "双龙场村")
        counts.add(result(.exclude, exclusions: ["deposits", "vehicle"]), township: "三合街道", village: "新建村")
        counts.add(result(.exclude, exclusions: ["deposits"]), township: "社坛镇", village: "新建村")
        counts.add(result(.notEligible), township: "社坛镇", village: "金竹村")
        counts.add(result(.notEligible), township: "社坛镇", village: "金竹村")
        counts.add(result(.continue, category: "marginal", alerts: [("民政局", "2021-10-10")]), township: "社坛镇", village: "金竹村")
        counts.add(result(.eliminate, category: "unstable"), township: "社坛镇", village: nil)
        counts.add(result(.remove, exclusions: ["business"]), township: "社坛镇", village: "金竹村")
        counts.add(result(.needsData), township: " ", village: "")
        counts.add(result(.needsData), township: "三合街道", village: "双龙场村")
        counts.add(result(.error), township: nil, village: nil)
        return counts
    }

    static let labels = HTMLReport.Labels(
        exclusions: [("vehicle", "享受型用车"), ("commercial_housing", "城镇商品房"), ("business", "经商办企业"), ("deposits", "大额存款")],
        categories: [("unstable", "脱贫不稳定户"), ("marginal", "边缘易致贫户"), ("sudden_hardship", "突发严重困难户")])

    static func page(_ counts: ReportCounts = sample, language: Language = .en, title: String? = "丰都县工作方案",
                     transitions: [HTMLReport.Transition]? = nil) -> String {
        HTMLReport.render(counts, metadata: HTMLReport.Metadata(policyID: "chongqing/fengdu/2021", title: title, asOf: asOf,
                                                                records: "households.jsonl", generated: "2021-10-01 09:00"),
                          labels: labels, language: language, transitions: transitions)
    }

    /// The number in `id="ID" data-value="N"`, or nil.
    static func value(of id: String, in html: String) -> Int? {
        guard let range = html.range(of: "id=\"\(id)\" data-value=\"") else { return nil }
        return Int(html[range.upperBound...].prefix { $0.isNumber })
    }

    // MARK: Counting

    @Test func countsHouseholdsByDecisionTownshipAndVillage() {
        let counts = Self.sample
        #expect(counts.households == 12)
        #expect(counts.decisions.total == 12)
        #expect(counts.decisions[.include] == 2)
        #expect(counts.decisions[.exclude] == 2)
        #expect(counts.decisions[.notEligible] == 2)
        #expect(counts.decisions[.needsData] == 2)
        #expect(counts.decisions[.error] == 1)
        #expect(counts.townships["三合街道"]?.total == 4)
        #expect(counts.townships["社坛镇"]?.total == 6)
        // A blank township and a record that could not be read are both "(unknown)".
        #expect(counts.townships[nil]?.total == 2)
        #expect(counts.townships[nil]?[.error] == 1)
        // Villages are told apart by their township: two 新建村.
        #expect(counts.villages[.init(township: "三合街道", village: "新建村")]?.total == 1)
        #expect(counts.villages[.init(township: "社坛镇", village: "新建村")]?.total == 1)
        #expect(counts.villages[.init(township: "社坛镇", village: "金竹村")]?[.notEligible] == 2)
        #expect(counts.villages[.init(township: "社坛镇", village: nil)]?.total == 1)
        #expect(counts.villages.values.reduce(0) { $0 + $1.total } == 12)
    }

    @Test func countsExclusionsCategoriesAndAlerts() {
        let counts = Self.sample
        #expect(counts.exclusions == ["deposits": 2, "vehicle": 1, "business": 1])
        // Only monitored decisions count under a category.
        #expect(counts.categories == ["marginal": 2, "unstable": 2])
        #expect(counts.alerts == ReportCounts.Alerts(count: 3, overdue: 1))
        #expect(counts.alertsByDepartment["民政局"] == ReportCounts.Alerts(count: 2, overdue: 0))
        #expect(counts.alertsByDepartment["医保局"] == ReportCounts.Alerts(count: 1, overdue: 1))
        // 2021-10-08 (Friday) and 2021-10-10 (Sunday) are in the week of Monday 2021-10-04.
        #expect(counts.alertsByWeek[CivilDate(year: 2021, month: 10, day: 4)!] == ReportCounts.Alerts(count: 2, overdue: 0))
        #expect(counts.alertsByWeek[CivilDate(year: 2021, month: 9, day: 20)!] == ReportCounts.Alerts(count: 1, overdue: 1))
    }

    @Test func anExclusionNamedTwiceInOneResultCountsOnce() {
        var counts = ReportCounts()
        counts.add(Self.result(.exclude, exclusions: ["deposits", "deposits"]), township: "t", village: "v")
        #expect(counts.exclusions == ["deposits": 1])
    }

    @Test func mergingPartsGivesTheCountsOfTheWhole() {
        let whole = Self.sample
        var first = ReportCounts(), second = ReportCounts()
        first.add(Self.result(.include, category: "marginal", alerts: [("民政局", "2021-10-08"), ("医保局", "2021-09-20")]),
                  township: "三合街道", village: "双龙场村")
        first.add(Self.result(.include, category: "unstable"), township: "三合街道", village: "双龙场村")
        first.add(Self.result(.exclude, exclusions: ["deposits", "vehicle"]), township: "三合街道", village: "新建村")
        second.add(Self.result(.exclude, exclusions: ["deposits"]), township: "社坛镇", village: "新建村")
        second.add(Self.result(.notEligible), township: "社坛镇", village: "金竹村")
        second.add(Self.result(.notEligible), township: "社坛镇", village: "金竹村")
        second.add(Self.result(.continue, category: "marginal", alerts: [("民政局", "2021-10-10")]), township: "社坛镇", village: "金竹村")
        second.add(Self.result(.eliminate, category: "unstable"), township: "社坛镇", village: nil)
        second.add(Self.result(.remove, exclusions: ["business"]), township: "社坛镇", village: "金竹村")
        second.add(Self.result(.needsData), township: nil, village: nil)
        second.add(Self.result(.needsData), township: "三合街道", village: "双龙场村")
        second.add(Self.result(.error), township: nil, village: nil)
        first.merge(second)
        #expect(first == whole)
    }

    @Test func readsTheTownshipAndVillageOfAParsedRecord() {
        let record = Self.parsed(#"{"id":"1","region":{"province":"重庆市","county":"丰都县","township":"三合街道","village":" 双龙场村 "}}"#)
        #expect(ReportCounts.place(of: record) == ("三合街道", "双龙场村"))
        let noVillage = Self.parsed(#"{"id":"1","region":{"province":"重庆市","county":"丰都县","township":"三合街道"}}"#)
        #expect(ReportCounts.place(of: noVillage) == ("三合街道", nil))
        let broken = Self.parsed(#"{"id":"1","region":{"township":"三合街道""#)
        #expect(broken.json == nil)
        #expect(ReportCounts.place(of: broken) == (nil, nil))
        #expect(ReportCounts.place(of: Self.parsed(#"{"region":"三合街道"}"#)) == (nil, nil))
    }

    @Test func weeksAreISOWeeksStartingOnMonday() {
        let date = { (text: String) in CivilDate.parse(text)! }
        #expect(ReportCounts.monday(of: date("2021-09-30")) == date("2021-09-27"))
        #expect(ReportCounts.monday(of: date("2021-09-27")) == date("2021-09-27"))
        #expect(ReportCounts.monday(of: date("2021-10-03")) == date("2021-09-27"))
        #expect(ReportCounts.isoWeek(of: date("2021-09-30")) == "2021-W39")
        #expect(ReportCounts.isoWeek(of: date("2021-01-03")) == "2020-W53")
        #expect(ReportCounts.isoWeek(of: date("2021-01-04")) == "2021-W01")
        #expect(ReportCounts.isoWeek(of: date("2019-12-30")) == "2020-W01")
    }

    // MARK: Numbers

    @Test func numbersHaveThousandsSeparatorsAndPercentagesOneDecimal() {
        #expect(HTMLReport.number(0) == "0")
        #expect(HTMLReport.number(999) == "999")
        #expect(HTMLReport.number(1000) == "1,000")
        #expect(HTMLReport.number(12345) == "12,345")
        #expect(HTMLReport.number(1_234_567) == "1,234,567")
        #expect(HTMLReport.number(-12345) == "-12,345")
        #expect(HTMLReport.percent(1, of: 3) == "33.3%")
        #expect(HTMLReport.percent(2, of: 3) == "66.7%")
        #expect(HTMLReport.percent(1, of: 8) == "12.5%")
        #expect(HTMLReport.percent(1, of: 1) == "100.0%")
        #expect(HTMLReport.percent(0, of: 7) == "0.0%")
        #expect(HTMLReport.percent(0, of: 0) == "—")
    }

    // MARK: The page

    @Test func totalsAreInElementsWithStableIDs() {
        let html = Self.page()
        #expect(Self.value(of: "total-households", in: html) == 12)
        for kind in DecisionKind.allCases {
            #expect(Self.value(of: "total-\(kind.rawValue)", in: html) == Self.sample.decisions[kind], "\(kind)")
        }
        #expect(Self.value(of: "total-alerts", in: html) == 3)
        #expect(Self.value(of: "total-overdue-alerts", in: html) == 1)
    }

    @Test func bigNumbersAreShownWithSeparators() {
        var counts = ReportCounts()
        for _ in 0..<1234 { counts.add(Self.result(.notEligible), township: "t", village: "v") }
        let html = Self.page(counts)
        #expect(html.contains(">1,234</div>"))
        #expect(Self.value(of: "total-households", in: html) == 1234)
    }

    @Test func theTitleNamesThePolicyAndLabelsFollowTheLanguage() {
        let english = Self.page(language: .en)
        #expect(english.contains("<title>Monitoring report · chongqing/fengdu/2021 · 丰都县工作方案</title>"))
        #expect(english.contains("<html lang=\"en\">"))
        #expect(english.contains(">Include<") && english.contains("Totals"))
        #expect(english.contains("(unknown)"))
        let chinese = Self.page(language: .zh)
        #expect(chinese.contains("<html lang=\"zh-CN\">"))
        #expect(chinese.contains("<title>防返贫监测报告 · chongqing/fengdu/2021 · 丰都县工作方案</title>"))
        for kind in DecisionKind.allCases { #expect(chinese.contains(kind.chineseLabel), "\(kind)") }
        #expect(chinese.contains("总体情况") && chinese.contains("（未知）"))
        #expect(!chinese.contains("(unknown)"))
        // Without a title, the heading is the policy's id.
        #expect(Self.page(title: nil).contains("<h1 id=\"report-title\">chongqing/fengdu/2021</h1>"))
    }

    @Test func exclusionsAreListedWithTheirRuleNamesAndLabels() {
        let html = Self.page(language: .zh)
        for (name, label) in [("deposits", "大额存款"), ("vehicle", "享受型用车"), ("business", "经商办企业"), ("commercial_housing", "城镇商品房")] {
            #expect(html.contains("<td><code>\(name)</code></td><td>\(label)</td>"), "\(name)")
        }
        // Largest first: deposits (2) before vehicle (1).
        let table = html.range(of: "id=\"table-exclusions\"")!.upperBound
        #expect(html[table...].range(of: "deposits")!.lowerBound < html[table...].range(of: "vehicle")!.lowerBound)
    }

    @Test func alertsAreShownByDepartmentAndByWeek() {
        let html = Self.page()
        #expect(html.contains("id=\"table-departments\"") && html.contains("id=\"table-weeks\""))
        #expect(html.contains("<td>民政局</td>") && html.contains("<td>医保局</td>"))
        #expect(html.contains("2021-W40") && html.contains("2021-10-04"))
        #expect(html.contains("2021-W38") && html.contains("2021-09-20"))
    }

    @Test func everyTextFromDataIsEscaped() {
        var counts = ReportCounts()
        let hostile = #"<script>alert("x")</script> & 'y'"#
        var result = Self.result(.exclude, exclusions: ["<img src=x onerror=alert(1)>"],
                                 alerts: [(department: "</td><b>dept</b>", due: "2021-10-01")])
        result.category = nil
        counts.add(result, township: hostile, village: "\"><svg onload=alert(1)>\u{0}")
        let html = HTMLReport.render(counts, metadata: .init(policyID: "a<b>&c", title: "\"quoted\" & <tagged>", asOf: Self.asOf,
                                                             records: "x\"y<z>.jsonl"),
                                     labels: .init(exclusions: [("deposits", "<i>label</i>")]), language: .en)
        for raw in ["<script>alert", "<img", "<svg onload", "</td><b>", "<i>label", "<tagged>", "a<b>", "x\"y<z>", "\u{0}"] {
            #expect(!html.contains(raw), "\(raw) is not escaped")
        }
        #expect(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"))
        #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;"))
        #expect(html.contains("&quot;quoted&quot; &amp; &lt;tagged&gt;"))
        #expect(html.contains("&lt;i&gt;label&lt;/i&gt;"))
        // The only script is the page's own.
        #expect(html.components(separatedBy: "<script").count == 2)
        #expect(HTMLReport.escape("a\u{1}b\u{7F}c\td\ne") == "a\u{FFFD}b\u{FFFD}c\td\ne")
    }

    @Test func thePageRefersToNothingOutsideItself() {
        for html in [Self.page(language: .en), Self.page(language: .zh)] {
            #expect(!html.contains("src="), "no element loads anything")
            #expect(!html.contains("@import") && !html.contains("url("), "the style loads nothing")
            #expect(!html.contains("<link"), "no stylesheet, icon or font from elsewhere")
            // Every href is a link inside the page.
            var rest = Substring(html)
            while let range = rest.range(of: "href=\"") {
                #expect(rest[range.upperBound...].hasPrefix("#"), "href outside the page: \(rest[range.upperBound...].prefix(40))")
                rest = rest[range.upperBound...]
            }
            // `http` occurs only as the SVG namespace, which names and loads nothing.
            let withoutNamespace = html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
            #expect(!withoutNamespace.lowercased().contains("http:"))
            #expect(!withoutNamespace.lowercased().contains("https:"))
            #expect(!withoutNamespace.contains("//www."), "no protocol-relative address")
            #expect(html.contains("<style>") && html.contains("<svg") && html.contains("data-ready"))
        }
    }

    @Test func thePageIsWellFormedWithUniqueIDs() throws {
        #if canImport(FoundationXML)
        var counts = Self.sample
        counts.add(Self.result(.include), township: "<&\"'>", village: "]]>")
        for html in [Self.page(counts, language: .en), Self.page(counts, language: .zh),
                     Self.page(counts, transitions: [("include", "continue", 3), ("exclude", "remove", 1)]), Self.page(ReportCounts())] {
            let collector = IDCollector()
            let parser = XMLParser(data: Data(html.utf8))
            parser.delegate = collector
            #expect(parser.parse(), "not well-formed: \(parser.parserError.map { "\($0)" } ?? "") at line \(parser.lineNumber)")
            let duplicates = Dictionary(grouping: collector.ids, by: { $0 }).filter { $0.value.count > 1 }.keys
            #expect(duplicates.isEmpty, "ids used twice: \(duplicates.sorted())")
            #expect(collector.ids.contains("total-households"))
        }
        #endif
    }

    @Test func manyVillagesChartTheTwentyLargestAndSaySo() {
        var counts = ReportCounts()
        for village in 0..<25 {
            for _ in 0...village { counts.add(Self.result(.include), township: "镇", village: "村\(village)") }
        }
        let html = Self.page(counts, language: .en)
        #expect(html.contains("The chart shows the 20 largest of 25 villages"))
        let chart = html.range(of: "id=\"chart-villages\"").map { html[$0.upperBound...] }
        let end = chart?.range(of: "</svg>")
        let bars = chart.flatMap { chart in end.map { chart[..<$0.lowerBound] } }?.components(separatedBy: "<g class=\"bar\">").count
        #expect(bars == 21, "20 bars")
        #expect(html.contains(">村24（镇）<") || html.contains(">村24 (镇)<"))
        #expect(!html.contains(">村0 (镇)<"), "the smallest village is not charted")
        // The table lists every village.
        #expect(html.contains("<td>村0</td>"))
        let few = Self.page(language: .en)
        #expect(!few.contains("The chart shows the"))
    }

    @Test func aTransitionMatrixIsShownOnlyWhenGiven() {
        #expect(!Self.page().contains("table-transitions"))
        let html = Self.page(language: .zh, transitions: [("include", "continue", 3), ("include", "include", 1), ("exclude", "remove", 2)])
        #expect(html.contains("id=\"table-transitions\""))
        #expect(html.contains("纳入监测") && html.contains("继续监测") && html.contains("清退"))
        #expect(html.contains("data-value=\"3\">3</td>"))
        #expect(html.contains("class=\"num same\" data-value=\"1\""), "the diagonal is marked")
    }

    @Test func anEmptyRunStillGivesAPage() {
        let html = Self.page(ReportCounts())
        #expect(Self.value(of: "total-households", in: html) == 0)
        #expect(html.contains("The records hold no household."))
        #expect(html.hasSuffix("</html>\n"))
    }
}

#if canImport(FoundationXML)
/// The `id` attributes of a parsed page.
private final class IDCollector: NSObject, XMLParserDelegate {
    var ids: [String] = []

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        if let id = attributes["id"] { ids.append(id) }
    }
}
#endif
