import Lexer

// `policy report`: one self-contained HTML page for a bureau head, made of
// counts only. `ReportCounts` is what a run keeps while the records stream by
// (memory grows with the number of townships, villages, departments and weeks,
// never with the number of households); `HTMLReport.render` turns the counts
// into the page and does nothing else, so both can be tested on their own.

/// What `policy report` keeps of the results: counts by decision, by place,
/// by exclusion, by category, by alert department and by alert week.
public struct ReportCounts: Sendable, Equatable {
    /// Households by decision, one count per `DecisionKind.allCases`.
    public struct Tally: Sendable, Equatable {
        public private(set) var counts: [Int] = Array(repeating: 0, count: DecisionKind.allCases.count)

        public init() {}

        public subscript(kind: DecisionKind) -> Int { counts[Tally.index(kind)] }

        public var total: Int { counts.reduce(0, +) }

        mutating func add(_ kind: DecisionKind, _ count: Int = 1) { counts[Tally.index(kind)] += count }

        mutating func merge(_ other: Tally) {
            for index in counts.indices { counts[index] += other.counts[index] }
        }

        private static func index(_ kind: DecisionKind) -> Int { DecisionKind.allCases.firstIndex(of: kind) ?? 0 }
    }

    /// A village within its township: two townships may each have a village of the same name.
    /// `nil` is a place the record does not give (or a record that could not be read).
    public struct Village: Hashable, Sendable {
        public let township: String?
        public let village: String?

        public init(township: String?, village: String?) {
            self.township = township
            self.village = village
        }
    }

    /// Alerts, and how many of them were overdue on the as-of date.
    public struct Alerts: Sendable, Equatable {
        public var count = 0
        public var overdue = 0

        public init(count: Int = 0, overdue: Int = 0) {
            self.count = count
            self.overdue = overdue
        }
    }

    public private(set) var households = 0
    public private(set) var decisions = Tally()
    /// By township; the key `nil` is "(unknown)".
    public private(set) var townships: [String?: Tally] = [:]
    public private(set) var villages: [Village: Tally] = [:]
    /// Households each exclusion rule applies to, by rule name (a household may count under several).
    public private(set) var exclusions: [String: Int] = [:]
    /// Households a village review's approval let in despite an exclusion.
    public private(set) var exceptions = 0
    /// Monitored households (include, continue, eliminate) by category.
    public private(set) var categories: [String: Int] = [:]
    public private(set) var alerts = Alerts()
    public private(set) var alertsByDepartment: [String: Alerts] = [:]
    /// By the Monday of the week the alert is due in.
    public private(set) var alertsByWeek: [CivilDate: Alerts] = [:]

    public init() {}

    /// Counts one household's result, in the township and village its record gives
    /// (`nil` or empty: not given, or the record could not be read).
    public mutating func add(_ result: HouseholdResult, township: String?, village: String?) {
        let township = ReportCounts.clean(township)
        let village = ReportCounts.clean(village)
        households += 1
        decisions.add(result.decision)
        townships[township, default: Tally()].add(result.decision)
        villages[Village(township: township, village: village), default: Tally()].add(result.decision)
        for name in Set(result.exclusions) { exclusions[name, default: 0] += 1 }
        if result.exception { exceptions += 1 }
        if let category = result.category, [.include, .continue, .eliminate].contains(result.decision) {
            categories[category, default: 0] += 1
        }
        for alert in result.alerts {
            let overdue = alert.overdue ? 1 : 0
            alerts.count += 1
            alerts.overdue += overdue
            alertsByDepartment[alert.department, default: Alerts()].count += 1
            alertsByDepartment[alert.department, default: Alerts()].overdue += overdue
            let monday = ReportCounts.monday(of: alert.due)
            alertsByWeek[monday, default: Alerts()].count += 1
            alertsByWeek[monday, default: Alerts()].overdue += overdue
        }
    }

    /// Adds the counts of another part of the same input (for a run split between workers).
    public mutating func merge(_ other: ReportCounts) {
        households += other.households
        decisions.merge(other.decisions)
        for (key, tally) in other.townships { townships[key, default: Tally()].merge(tally) }
        for (key, tally) in other.villages { villages[key, default: Tally()].merge(tally) }
        exclusions.merge(other.exclusions, uniquingKeysWith: +)
        exceptions += other.exceptions
        categories.merge(other.categories, uniquingKeysWith: +)
        alerts.count += other.alerts.count
        alerts.overdue += other.alerts.overdue
        let add = { (a: Alerts, b: Alerts) in Alerts(count: a.count + b.count, overdue: a.overdue + b.overdue) }
        alertsByDepartment.merge(other.alertsByDepartment, uniquingKeysWith: add)
        alertsByWeek.merge(other.alertsByWeek, uniquingKeysWith: add)
    }

    /// The township and village a parsed record gives (`region.township`, `region.village`);
    /// nil for what it does not give, and both nil when it could not be read.
    public static func place(of record: RawRecord) -> (township: String?, village: String?) {
        guard case .object(let household)? = record.json, case .object(let region)? = household["region"] else { return (nil, nil) }
        func text(_ key: String) -> String? {
            if case .string(let name)? = region[key] { return clean(name) }
            return nil
        }
        return (text("township"), text("village"))
    }

    /// The Monday of the ISO week a date is in.
    public static func monday(of date: CivilDate) -> CivilDate {
        date.adding(days: 1 - date.weekday) ?? date
    }

    /// The ISO 8601 week of a date: `2021-W39`.
    public static func isoWeek(of date: CivilDate) -> String {
        // The week belongs to the year of its Thursday.
        let thursday = monday(of: date).adding(days: 3) ?? date
        let januaryFirst = CivilDate(year: thursday.year, month: 1, day: 1) ?? thursday
        let week = Int(thursday.daysSinceEpoch - januaryFirst.daysSinceEpoch) / 7 + 1
        return "\(thursday.year)-W\(week < 10 ? "0" : "")\(week)"
    }

    private static func clean(_ name: String?) -> String? {
        guard let trimmed = name?.trimmingWhitespace, !trimmed.isEmpty else { return nil }
        return trimmed
    }
}

private extension String {
    var trimmingWhitespace: String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}

/// The HTML page of `policy report`: a pure function of the counts, so that it
/// can be tested without a run. The page is one file, readable offline: inline
/// CSS, inline SVG charts and a small inline script that sorts the tables; it
/// refers to nothing outside itself. It holds counts and place names only, no
/// household's name or id.
///
/// Every text that comes from data is escaped, and the page is well-formed
/// XML as well as HTML (every element closed, attributes quoted, the script
/// in a CDATA section), so tests can parse it.
public enum HTMLReport {
    /// What the page says about the run.
    public struct Metadata: Sendable {
        public var policyID: String
        public var title: String?
        public var asOf: CivilDate
        /// The records file, as the user named it.
        public var records: String?
        /// When the page was made, as it should be shown (the caller's clock: `render` reads none).
        public var generated: String?

        public init(policyID: String, title: String?, asOf: CivilDate, records: String? = nil, generated: String? = nil) {
            self.policyID = policyID
            self.title = title
            self.asOf = asOf
            self.records = records
            self.generated = generated
        }
    }

    /// The labels of the policy's rules, in the policy's order (`CheckedPolicy.exclusions`, `.categories`).
    public struct Labels: Sendable {
        public var exclusions: [(name: String, label: String?)]
        public var categories: [(name: String, label: String?)]

        public init(exclusions: [(name: String, label: String?)] = [], categories: [(name: String, label: String?)] = []) {
            self.exclusions = exclusions
            self.categories = categories
        }
    }

    /// Households whose decision went from one value to another between two
    /// runs (for an impact report: last year's policy against this year's).
    public typealias Transition = (from: String, to: String, count: Int)

    /// How many villages the village chart shows at most (the table lists them all).
    public static let chartedVillages = 20
    /// How many townships the township chart shows at most.
    public static let chartedTownships = 40
    /// How many rows the village table lists at most.
    public static let listedVillages = 2000

    /// The page. `transitions`, when given, adds a matrix of decisions before
    /// and after (rows: from, columns: to).
    public static func render(_ counts: ReportCounts, metadata: Metadata, labels: Labels = Labels(), language: Language,
                              transitions: [Transition]? = nil) -> String {
        var page = HTMLReportPage(counts: counts, metadata: metadata, labels: labels, language: language)
        return page.render(transitions: transitions)
    }

    /// `&`, `<`, `>`, quotes escaped, and characters that may not appear in
    /// HTML or XML (controls other than tab and newline, unpaired surrogates
    /// cannot occur in a Swift string) replaced with U+FFFD.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n": out.unicodeScalars.append(scalar)
            case "\r": out += " "
            default:
                let value = scalar.value
                if value < 0x20 || (0x7F...0x9F).contains(value) || value == 0xFFFE || value == 0xFFFF {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// `12,345` (thousands separated by commas, as Chinese reports write them).
    public static func number(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return value < 0 ? "-" + out : out
    }

    /// `27.9%`, rounded half up to one decimal; `—` when there is nothing to divide by.
    public static func percent(_ part: Int, of whole: Int) -> String {
        guard whole > 0 else { return "—" }
        let tenths = (part * 1000 * 2 + whole) / (whole * 2)
        return "\(tenths / 10).\(tenths % 10)%"
    }

    /// The colour of each decision in charts, legends and cards.
    public static func colour(_ kind: DecisionKind) -> String {
        switch kind {
        case .include: return "#c8102e"
        case .exclude: return "#7b4f9d"
        case .notEligible: return "#a3adb8"
        case .continue: return "#e8a33d"
        case .eliminate: return "#2e8b57"
        case .remove: return "#8c5a3c"
        case .needsData: return "#3a8fc7"
        case .error: return "#3d4450"
        }
    }

    /// The decision as the reader calls it.
    public static func label(_ kind: DecisionKind, _ language: Language) -> String {
        if language == .zh { return kind.chineseLabel }
        switch kind {
        case .include: return "Include"
        case .exclude: return "Exclude"
        case .notEligible: return "Not eligible"
        case .continue: return "Continue monitoring"
        case .eliminate: return "Risk eliminated"
        case .remove: return "Remove"
        case .needsData: return "Needs data"
        case .error: return "Record error"
        }
    }
}

// MARK: - The page

private struct HTMLReportPage {
    let counts: ReportCounts
    let metadata: HTMLReport.Metadata
    let labels: HTMLReport.Labels
    let language: Language
    private var out = ""

    init(counts: ReportCounts, metadata: HTMLReport.Metadata, labels: HTMLReport.Labels, language: Language) {
        self.counts = counts
        self.metadata = metadata
        self.labels = labels
        self.language = language
    }

    func say(_ english: String, _ chinese: String) -> String { language.pick(english, chinese) }
    func esc(_ text: String) -> String { HTMLReport.escape(text) }
    func num(_ value: Int) -> String { HTMLReport.number(value) }
    func pct(_ part: Int, _ whole: Int) -> String { HTMLReport.percent(part, of: whole) }
    var unknown: String { say("(unknown)", "（未知）") }

    /// The decisions that occur, in their order (all of them when none does).
    var present: [DecisionKind] {
        let some = DecisionKind.allCases.filter { counts.decisions[$0] > 0 }
        return some.isEmpty ? DecisionKind.allCases : some
    }

    mutating func render(transitions: [HTMLReport.Transition]?) -> String {
        let heading = metadata.title.map { "\($0)" } ?? metadata.policyID
        let pageTitle = say("Monitoring report", "防返贫监测报告") + " · " + metadata.policyID + (metadata.title.map { " · " + $0 } ?? "")
        out += "<!DOCTYPE html>\n"
        out += "<html lang=\"\(language == .zh ? "zh-CN" : "en")\">\n<head>\n<meta charset=\"utf-8\"/>\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
        out += "<meta name=\"generator\" content=\"policy report\"/>\n"
        out += "<title>\(esc(pageTitle))</title>\n<style>\n\(HTMLReportPage.css)</style>\n</head>\n<body>\n<main>\n"
        out += "<header>\n<p class=\"kicker\">\(say("Return-to-poverty monitoring · evaluation report", "防止返贫动态监测 · 评估报告"))</p>\n"
        out += "<h1 id=\"report-title\">\(esc(heading))</h1>\n<dl class=\"meta\">\n"
        meta(say("Policy", "政策"), "<code id=\"policy-id\">\(esc(metadata.policyID))</code>")
        meta(say("As of", "评估日期"), "<span id=\"as-of\">\(metadata.asOf)</span>")
        if let records = metadata.records { meta(say("Records", "记录文件"), "<code>\(esc(records))</code>") }
        if let generated = metadata.generated { meta(say("Generated", "生成时间"), esc(generated)) }
        out += "</dl>\n</header>\n"
        totals()
        townships()
        villages()
        exclusions()
        categories()
        alerts()
        // An impact report adds what changed between two runs here.
        if let transitions { matrix(transitions) }
        out += "<footer>\(say("Made by <code>policy report</code> from counts only: the page holds no household's name or ID number. Click a column heading to sort a table.", "由 <code>policy report</code> 根据统计数生成，不含任何户的姓名或身份证号。点击表头可排序。"))</footer>\n"
        out += "</main>\n<script>\n//<![CDATA[\n\(HTMLReportPage.script)//]]>\n</script>\n</body>\n</html>\n"
        return out
    }

    mutating func meta(_ term: String, _ html: String) {
        out += "<div><dt>\(esc(term))</dt><dd>\(html)</dd></div>\n"
    }

    mutating func sectionStart(_ id: String, _ title: String) {
        out += "<section id=\"\(id)\">\n<h2>\(esc(title))</h2>\n"
    }

    // MARK: Totals

    mutating func totals() {
        let total = counts.households
        sectionStart("totals", say("Totals", "总体情况"))
        out += "<div class=\"cards\">\n"
        out += "<div class=\"card card-all\"><div class=\"card-label\">\(say("Households evaluated", "评估户数"))</div>"
        out += "<div class=\"card-number\" id=\"total-households\" data-value=\"\(total)\">\(num(total))</div>"
        out += "<div class=\"card-share\">100%</div></div>\n"
        for kind in DecisionKind.allCases {
            let count = counts.decisions[kind]
            out += "<div class=\"card\" style=\"border-top-color:\(HTMLReport.colour(kind))\">"
            out += "<div class=\"card-label\">\(esc(HTMLReport.label(kind, language)))"
            if language == .zh { out += " <span class=\"code\">\(kind.rawValue)</span>" }
            out += "</div><div class=\"card-number\" id=\"total-\(kind.rawValue)\" data-value=\"\(count)\">\(num(count))</div>"
            out += "<div class=\"card-share\">\(pct(count, total))</div></div>\n"
        }
        out += "</div>\n"
        if total > 0 {
            // The whole distribution as one bar.
            out += "<svg class=\"strip\" viewBox=\"0 0 1000 18\" width=\"100%\" height=\"18\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"\(say("Households by decision", "按结论分布"))\">\n"
            var x = 0.0
            for kind in DecisionKind.allCases where counts.decisions[kind] > 0 {
                let width = 1000.0 * Double(counts.decisions[kind]) / Double(total)
                out += "<rect x=\"\(fmt(x))\" y=\"0\" width=\"\(fmt(width))\" height=\"18\" fill=\"\(HTMLReport.colour(kind))\"><title>\(esc(HTMLReport.label(kind, language))): \(num(counts.decisions[kind])) (\(pct(counts.decisions[kind], total)))</title></rect>\n"
                x += width
            }
            out += "</svg>\n"
        }
        var notes: [String] = []
        if total == 0 { notes.append(say("The records hold no household.", "记录中没有任何户。")) }
        let errors = counts.decisions[.error]
        if errors > 0 {
            notes.append(say("\(num(errors)) record\(errors == 1 ? "" : "s") could not be evaluated (decision <code>error</code>); run <code>policy eval</code> to see why.",
                             "\(num(errors)) 条记录有误，未能评估（结论“记录有误”），请用 <code>policy eval</code> 查看原因。"))
        }
        if counts.exceptions > 0 {
            notes.append(say("\(num(counts.exceptions)) household\(counts.exceptions == 1 ? " was" : "s were") included despite an exclusion, on the village review's approval.",
                             "\(num(counts.exceptions)) 户虽有排除情形，经村民代表会议评议同意后纳入。"))
        }
        for note in notes { out += "<p class=\"note\">\(note)</p>\n" }
        out += "</section>\n"
    }

    // MARK: Places

    mutating func townships() {
        let rows = counts.townships.map { (key: $0.key, tally: $0.value) }
            .sorted { order($0.tally.total, $0.key ?? "", $1.tally.total, $1.key ?? "") }
        sectionStart("by-township", say("Decisions by township", "按乡镇（街道）统计"))
        let charted = Array(rows.prefix(HTMLReport.chartedTownships))
        if rows.count > charted.count {
            out += "<p class=\"note\">\(say("The chart shows the \(charted.count) largest of \(num(rows.count)) townships; the table lists them all.", "图中为户数最多的 \(charted.count) 个乡镇（共 \(num(rows.count)) 个），下表列出全部。"))</p>\n"
        }
        legend()
        stackedChart(charted.map { (label: $0.key ?? unknown, tally: $0.tally) }, id: "chart-townships")
        placeTable(id: "table-townships", rows: rows.map { (cells: [$0.key ?? unknown], tally: $0.tally) },
                   headings: [say("Township", "乡镇（街道）")])
        out += "</section>\n"
    }

    mutating func villages() {
        let rows = counts.villages.map { (key: $0.key, tally: $0.value) }
            .sorted { order($0.tally.total, ($0.key.township ?? "") + "\u{1}" + ($0.key.village ?? ""),
                            $1.tally.total, ($1.key.township ?? "") + "\u{1}" + ($1.key.village ?? "")) }
        sectionStart("by-village", say("Decisions by village", "按村（社区）统计"))
        let charted = Array(rows.prefix(HTMLReport.chartedVillages))
        if rows.count > charted.count {
            out += "<p class=\"note\" id=\"villages-note\">\(say("The chart shows the \(charted.count) largest of \(num(rows.count)) villages (by households evaluated).", "图中为评估户数最多的 \(charted.count) 个村（共 \(num(rows.count)) 个）。"))</p>\n"
        }
        legend()
        stackedChart(charted.map { (label: villageName($0.key), tally: $0.tally) }, id: "chart-villages")
        let listed = Array(rows.prefix(HTMLReport.listedVillages))
        if rows.count > listed.count {
            out += "<p class=\"note\">\(say("The table lists the \(num(listed.count)) largest villages of \(num(rows.count)).", "下表列出户数最多的 \(num(listed.count)) 个村（共 \(num(rows.count)) 个）。"))</p>\n"
        }
        placeTable(id: "table-villages", tall: listed.count > 25, rows: listed.map { (cells: [$0.key.village ?? unknown, $0.key.township ?? unknown], tally: $0.tally) },
                   headings: [say("Village", "村（社区）"), say("Township", "乡镇（街道）")])
        out += "</section>\n"
    }

    func villageName(_ key: ReportCounts.Village) -> String {
        let village = key.village ?? unknown
        guard let township = key.township else { return village }
        return language == .zh ? "\(village)（\(township)）" : "\(village) (\(township))"
    }

    /// Larger first, then by name.
    func order(_ a: Int, _ nameA: String, _ b: Int, _ nameB: String) -> Bool {
        a != b ? a > b : nameA < nameB
    }

    mutating func legend() {
        out += "<ul class=\"legend\">"
        for kind in present {
            out += "<li><span class=\"swatch\" style=\"background:\(HTMLReport.colour(kind))\"></span>\(esc(HTMLReport.label(kind, language)))</li>"
        }
        out += "</ul>\n"
    }

    mutating func placeTable(id: String, tall: Bool = false, rows: [(cells: [String], tally: ReportCounts.Tally)], headings: [String]) {
        let kinds = present
        out += "<div class=\"scroll\(tall ? " tall" : "")\"><table class=\"sortable\" id=\"\(id)\">\n<thead><tr>"
        for heading in headings { out += "<th scope=\"col\">\(esc(heading))</th>" }
        out += "<th scope=\"col\" data-type=\"number\">\(say("Households", "户数"))</th>"
        for kind in kinds {
            out += "<th scope=\"col\" data-type=\"number\" class=\"decision\" style=\"border-bottom-color:\(HTMLReport.colour(kind))\">\(esc(HTMLReport.label(kind, language)))</th>"
        }
        out += "<th scope=\"col\" data-type=\"number\">\(say("Included share", "纳入占比"))</th></tr></thead>\n<tbody>\n"
        for row in rows {
            out += "<tr>"
            for cell in row.cells { out += "<td>\(esc(cell))</td>" }
            out += numberCell(row.tally.total)
            for kind in kinds { out += numberCell(row.tally[kind]) }
            out += shareCell(row.tally[.include], row.tally.total)
            out += "</tr>\n"
        }
        out += "</tbody>\n<tfoot><tr><th scope=\"row\" colspan=\"\(headings.count)\">\(say("Total", "合计"))</th>"
        out += numberCell(counts.households, tag: "th")
        for kind in kinds { out += numberCell(counts.decisions[kind], tag: "th") }
        out += shareCell(counts.decisions[.include], counts.households, tag: "th")
        out += "</tr></tfoot>\n</table></div>\n"
    }

    func numberCell(_ value: Int, tag: String = "td") -> String {
        "<\(tag) class=\"num\" data-value=\"\(value)\">\(value == 0 ? "<span class=\"zero\">0</span>" : num(value))</\(tag)>"
    }

    func shareCell(_ part: Int, _ whole: Int, tag: String = "td") -> String {
        let value = whole > 0 ? fmt(Double(part) * 100 / Double(whole)) : "-1"
        return "<\(tag) class=\"num\" data-value=\"\(value)\">\(pct(part, whole))</\(tag)>"
    }

    // MARK: Charts

    /// Horizontal bars, one per row, stacked by decision, with the total at the end.
    mutating func stackedChart(_ rows: [(label: String, tally: ReportCounts.Tally)], id: String) {
        bars(rows.map { row in
            (label: row.label, segments: DecisionKind.allCases.compactMap { kind in
                row.tally[kind] > 0 ? (value: row.tally[kind], colour: HTMLReport.colour(kind), name: HTMLReport.label(kind, language)) : nil
            }, total: row.tally.total)
        }, id: id)
    }

    /// A horizontal bar chart in inline SVG: labels on the left (cut with … when
    /// long, whole in the tooltip), a scale with round steps, the total after each bar.
    mutating func bars(_ rows: [(label: String, segments: [(value: Int, colour: String, name: String)], total: Int)], id: String) {
        guard !rows.isEmpty else {
            out += "<p class=\"empty\">\(say("Nothing to show.", "无数据。"))</p>\n"
            return
        }
        let maxColumns = 40
        let labelColumns = min(maxColumns, rows.map { DisplayWidth.of($0.label) }.max() ?? 8)
        let labelWidth = Double(max(6, labelColumns)) * 7.0 + 14
        let width = 1000.0
        let valueWidth = 64.0
        let barLeft = labelWidth
        let barWidth = width - barLeft - valueWidth
        let rowHeight = 26.0, barHeight = 17.0, top = 22.0
        let height = top + Double(rows.count) * rowHeight + 6
        let largest = max(1, rows.map(\.total).max() ?? 1)
        let step = niceStep(largest)
        let scaleMax = Int((Double(largest) / Double(step)).rounded(.up)) * step
        let scale = barWidth / Double(max(scaleMax, 1))
        out += "<svg class=\"chart\" id=\"\(id)\" viewBox=\"0 0 \(fmt(width)) \(fmt(height))\" width=\"100%\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\">\n"
        // The scale: a line and a number at each step.
        var tick = 0
        while tick <= scaleMax {
            let x = barLeft + Double(tick) * scale
            out += "<line class=\"grid\" x1=\"\(fmt(x))\" y1=\"\(fmt(top - 4))\" x2=\"\(fmt(x))\" y2=\"\(fmt(height - 4))\"/>"
            out += "<text class=\"tick\" x=\"\(fmt(x))\" y=\"\(fmt(top - 8))\" text-anchor=\"middle\">\(num(tick))</text>\n"
            tick += step
        }
        for (index, row) in rows.enumerated() {
            let y = top + Double(index) * rowHeight + (rowHeight - barHeight) / 2
            let label = cut(row.label, columns: maxColumns)
            out += "<g class=\"bar\">"
            out += "<text class=\"label\" x=\"\(fmt(barLeft - 8))\" y=\"\(fmt(y + barHeight / 2))\" text-anchor=\"end\" dominant-baseline=\"central\">"
            out += "<title>\(esc(row.label))</title>\(esc(label))</text>"
            var x = barLeft
            for segment in row.segments {
                let w = Double(segment.value) * scale
                out += "<rect x=\"\(fmt(x))\" y=\"\(fmt(y))\" width=\"\(fmt(w))\" height=\"\(fmt(barHeight))\" fill=\"\(segment.colour)\">"
                out += "<title>\(esc(row.label)) · \(esc(segment.name)): \(num(segment.value)) (\(pct(segment.value, row.total)))</title></rect>"
                x += w
            }
            out += "<text class=\"value\" x=\"\(fmt(x + 6))\" y=\"\(fmt(y + barHeight / 2))\" dominant-baseline=\"central\">\(num(row.total))</text>"
            out += "</g>\n"
        }
        out += "</svg>\n"
    }

    /// 1, 2 or 5 times a power of ten, giving about five steps up to `largest`.
    func niceStep(_ largest: Int) -> Int {
        let rough = max(1.0, Double(largest) / 5)
        var power = 1
        while Double(power * 10) <= rough { power *= 10 }
        for factor in [1, 2, 5, 10] where Double(power * factor) >= rough { return power * factor }
        return power * 10
    }

    /// The text cut to `columns` display columns (a Chinese character is two), with … when cut.
    func cut(_ text: String, columns: Int) -> String {
        guard DisplayWidth.of(text) > columns else { return text }
        var kept = ""
        var used = 0
        for character in text {
            let width = DisplayWidth.of(String(character))
            if used + width > columns - 1 { break }
            kept.append(character)
            used += width
        }
        return kept + "…"
    }

    func fmt(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    // MARK: Exclusions and categories

    mutating func exclusions() {
        sectionStart("exclusions", say("Exclusions by reason", "排除情形统计"))
        var rules = labels.exclusions
        for name in counts.exclusions.keys.sorted() where !rules.contains(where: { $0.name == name }) { rules.append((name, nil)) }
        guard !rules.isEmpty else {
            out += "<p class=\"empty\">\(say("No exclusion applied.", "无排除情形。"))</p>\n</section>\n"
            return
        }
        let excluded = counts.decisions[.exclude] + counts.decisions[.remove]
        out += "<p class=\"note\">\(say("A household may meet several exclusions; it counts under each. Excluded or removed households: \(num(excluded)).", "一户可同时符合多种排除情形，分别计入。不纳入（排除）及清退共 \(num(excluded)) 户。"))</p>\n"
        let sorted = rules.enumerated().sorted { a, b in
            let (x, y) = (counts.exclusions[a.element.name] ?? 0, counts.exclusions[b.element.name] ?? 0)
            return x != y ? x > y : a.offset < b.offset
        }.map(\.element)
        bars(sorted.map { rule in
            let count = counts.exclusions[rule.name] ?? 0
            return (label: rule.label ?? rule.name, segments: count > 0 ? [(count, HTMLReport.colour(.exclude), say("Households", "户数"))] : [], total: count)
        }, id: "chart-exclusions")
        out += "<div class=\"scroll\"><table class=\"sortable\" id=\"table-exclusions\">\n<thead><tr>"
        out += "<th scope=\"col\">\(say("Rule", "规则"))</th><th scope=\"col\">\(say("Situation", "排除情形"))</th>"
        out += "<th scope=\"col\" data-type=\"number\">\(say("Households", "户数"))</th>"
        out += "<th scope=\"col\" data-type=\"number\">\(say("Share of households evaluated", "占评估户数"))</th></tr></thead>\n<tbody>\n"
        for rule in sorted {
            let count = counts.exclusions[rule.name] ?? 0
            out += "<tr><td><code>\(esc(rule.name))</code></td><td>\(esc(rule.label ?? "—"))</td>\(numberCell(count))\(shareCell(count, counts.households))</tr>\n"
        }
        out += "</tbody>\n</table></div>\n</section>\n"
    }

    mutating func categories() {
        var known = labels.categories
        for name in counts.categories.keys.sorted() where !known.contains(where: { $0.name == name }) { known.append((name, nil)) }
        guard !known.isEmpty else { return }
        let monitored = counts.categories.values.reduce(0, +)
        sectionStart("categories", say("Monitored households by category", "监测对象类别"))
        out += "<p class=\"note\">\(say("Households decided include, continue or eliminate, by their category.", "结论为纳入监测、继续监测或风险消除的户，按监测对象类别统计。"))</p>\n"
        out += "<div class=\"scroll\"><table class=\"sortable\" id=\"table-categories\">\n<thead><tr>"
        out += "<th scope=\"col\">\(say("Category", "类别"))</th><th scope=\"col\">\(say("Name", "名称"))</th>"
        out += "<th scope=\"col\" data-type=\"number\">\(say("Households", "户数"))</th><th scope=\"col\" data-type=\"number\">\(say("Share", "占比"))</th></tr></thead>\n<tbody>\n"
        for category in known {
            let count = counts.categories[category.name] ?? 0
            out += "<tr><td><code>\(esc(category.name))</code></td><td>\(esc(category.label ?? "—"))</td>\(numberCell(count))\(shareCell(count, monitored))</tr>\n"
        }
        out += "</tbody>\n</table></div>\n</section>\n"
    }

    // MARK: Alerts

    mutating func alerts() {
        sectionStart("alerts", say("Alerts", "预警推送"))
        let all = counts.alerts
        guard all.count > 0 else {
            out += "<p class=\"empty\" id=\"total-alerts\" data-value=\"0\">\(say("No alert fired.", "无预警。"))</p>\n</section>\n"
            return
        }
        out += "<p class=\"note\">\(say("Alerts fired: <strong id=\"total-alerts\" data-value=\"\(all.count)\">\(num(all.count))</strong>, of which overdue on \(metadata.asOf): <strong id=\"total-overdue-alerts\" data-value=\"\(all.overdue)\">\(num(all.overdue))</strong>.", "共推送预警 <strong id=\"total-alerts\" data-value=\"\(all.count)\">\(num(all.count))</strong> 条，截至 \(metadata.asOf) 已逾期 <strong id=\"total-overdue-alerts\" data-value=\"\(all.overdue)\">\(num(all.overdue))</strong> 条。"))</p>\n"

        out += "<h3>\(say("By department", "按责任部门"))</h3>\n"
        let departments = counts.alertsByDepartment.map { (name: $0.key, alerts: $0.value) }
            .sorted { order($0.alerts.count, $0.name, $1.alerts.count, $1.name) }
        alertLegend()
        bars(departments.map { alertRow($0.name, $0.alerts) }, id: "chart-departments")
        out += "<div class=\"scroll\"><table class=\"sortable\" id=\"table-departments\">\n<thead><tr>"
        out += "<th scope=\"col\">\(say("Department", "部门"))</th>"
        out += alertHeadings()
        for department in departments {
            out += "<tr><td>\(esc(department.name))</td>\(alertCells(department.alerts))</tr>\n"
        }
        out += "</tbody>\n<tfoot><tr><th scope=\"row\">\(say("Total", "合计"))</th>\(alertCells(all, tag: "th"))</tr></tfoot>\n</table></div>\n"

        out += "<h3>\(say("By week due", "按到期周"))</h3>\n"
        let weeks = counts.alertsByWeek.map { (monday: $0.key, alerts: $0.value) }.sorted { $0.monday < $1.monday }
        alertLegend()
        bars(weeks.map { alertRow("\(ReportCounts.isoWeek(of: $0.monday)) · \($0.monday)", $0.alerts) }, id: "chart-weeks")
        out += "<div class=\"scroll\"><table class=\"sortable\" id=\"table-weeks\">\n<thead><tr>"
        out += "<th scope=\"col\">\(say("ISO week", "周次（ISO）"))</th><th scope=\"col\">\(say("Monday", "当周周一"))</th>"
        out += alertHeadings()
        for week in weeks {
            let current = ReportCounts.monday(of: metadata.asOf) == week.monday
            out += "<tr\(current ? " class=\"current\"" : "")><td>\(ReportCounts.isoWeek(of: week.monday))\(current ? say(" (as-of week)", "（评估日所在周）") : "")</td><td data-value=\"\(week.monday)\">\(week.monday)</td>\(alertCells(week.alerts))</tr>\n"
        }
        out += "</tbody>\n<tfoot><tr><th scope=\"row\" colspan=\"2\">\(say("Total", "合计"))</th>\(alertCells(all, tag: "th"))</tr></tfoot>\n</table></div>\n"
        out += "</section>\n"
    }

    static let overdueColour = "#c8102e"
    static let pendingColour = "#3a8fc7"

    mutating func alertLegend() {
        out += "<ul class=\"legend\"><li><span class=\"swatch\" style=\"background:\(HTMLReportPage.overdueColour)\"></span>\(say("Overdue", "已逾期"))</li>"
        out += "<li><span class=\"swatch\" style=\"background:\(HTMLReportPage.pendingColour)\"></span>\(say("Not yet due", "未到期"))</li></ul>\n"
    }

    func alertRow(_ label: String, _ alerts: ReportCounts.Alerts) -> (label: String, segments: [(value: Int, colour: String, name: String)], total: Int) {
        var segments: [(value: Int, colour: String, name: String)] = []
        if alerts.overdue > 0 { segments.append((alerts.overdue, HTMLReportPage.overdueColour, say("Overdue", "已逾期"))) }
        if alerts.count > alerts.overdue { segments.append((alerts.count - alerts.overdue, HTMLReportPage.pendingColour, say("Not yet due", "未到期"))) }
        return (label, segments, alerts.count)
    }

    func alertHeadings() -> String {
        "<th scope=\"col\" data-type=\"number\">\(say("Alerts", "预警数"))</th><th scope=\"col\" data-type=\"number\">\(say("Overdue", "已逾期"))</th>"
            + "<th scope=\"col\" data-type=\"number\">\(say("Share of alerts", "占全部预警"))</th></tr></thead>\n<tbody>\n"
    }

    func alertCells(_ alerts: ReportCounts.Alerts, tag: String = "td") -> String {
        numberCell(alerts.count, tag: tag) + numberCell(alerts.overdue, tag: tag) + shareCell(alerts.count, counts.alerts.count, tag: tag)
    }

    // MARK: Transitions (impact report)

    /// Households by decision before (rows) and after (columns).
    mutating func matrix(_ transitions: [HTMLReport.Transition]) {
        sectionStart("transitions", say("Changes of decision", "结论变化（转移矩阵）"))
        func rank(_ value: String) -> (Int, String) {
            (DecisionKind(rawValue: value).flatMap { DecisionKind.allCases.firstIndex(of: $0) } ?? DecisionKind.allCases.count, value)
        }
        let froms = Array(Set(transitions.map(\.from))).sorted { rank($0) < rank($1) }
        let tos = Array(Set(transitions.map(\.to))).sorted { rank($0) < rank($1) }
        var cells: [String: Int] = [:]
        for transition in transitions { cells[transition.from + "\u{0}" + transition.to, default: 0] += transition.count }
        func name(_ value: String) -> String { DecisionKind(rawValue: value).map { HTMLReport.label($0, language) } ?? value }
        let total = transitions.reduce(0) { $0 + $1.count }
        out += "<p class=\"note\">\(say("Rows: the decision before; columns: the decision after. Cells on the diagonal did not change.", "行为变化前的结论，列为变化后的结论；对角线上的户结论未变。"))</p>\n"
        out += "<div class=\"scroll\"><table class=\"matrix\" id=\"table-transitions\">\n<thead><tr><th scope=\"col\">\(say("Before \\ after", "变化前 \\ 变化后"))</th>"
        for to in tos { out += "<th scope=\"col\">\(esc(name(to)))</th>" }
        out += "<th scope=\"col\">\(say("Total", "合计"))</th></tr></thead>\n<tbody>\n"
        for from in froms {
            out += "<tr><th scope=\"row\">\(esc(name(from)))</th>"
            var rowTotal = 0
            for to in tos {
                let count = cells[from + "\u{0}" + to] ?? 0
                rowTotal += count
                out += "<td class=\"num\(from == to ? " same" : "")\" data-value=\"\(count)\">\(count == 0 ? "<span class=\"zero\">0</span>" : num(count))</td>"
            }
            out += numberCell(rowTotal) + "</tr>\n"
        }
        out += "</tbody>\n<tfoot><tr><th scope=\"row\">\(say("Total", "合计"))</th>"
        for to in tos { out += numberCell(froms.reduce(0) { $0 + (cells[$1 + "\u{0}" + to] ?? 0) }, tag: "th") }
        out += numberCell(total, tag: "th") + "</tr></tfoot>\n</table></div>\n</section>\n"
    }

    // MARK: Style and script

    static let css = """
    :root { color-scheme: light; }
    * { box-sizing: border-box; }
    body { margin: 0; background: #f3f1ec; color: #1f2328;
      font-family: "Microsoft YaHei", "微软雅黑", "PingFang SC", "Hiragino Sans GB", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", SimSun, "Segoe UI", Arial, sans-serif;
      font-size: 14px; line-height: 1.55; }
    main { max-width: 1080px; margin: 0 auto; padding: 28px 32px 40px; background: #fff; min-height: 100vh; }
    header { border-bottom: 3px solid #b3121f; padding-bottom: 14px; margin-bottom: 8px; }
    .kicker { margin: 0; color: #b3121f; font-weight: bold; letter-spacing: 0.06em; font-size: 13px; }
    h1 { margin: 4px 0 10px; font-size: 26px; line-height: 1.3; }
    h2 { font-size: 18px; margin: 30px 0 10px; padding-left: 10px; border-left: 4px solid #b3121f; }
    h3 { font-size: 15px; margin: 20px 0 6px; color: #3d4450; }
    .meta { display: flex; flex-wrap: wrap; gap: 4px 28px; margin: 0; color: #57606a; font-size: 13px; }
    .meta div { display: flex; gap: 6px; }
    .meta dt { font-weight: bold; }
    .meta dd { margin: 0; }
    code, .code { font-family: Consolas, "DejaVu Sans Mono", monospace; font-size: 0.92em; }
    .code { color: #8a929c; font-size: 11px; }
    .cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 6px 0 12px; }
    .card { flex: 1 1 150px; border: 1px solid #e1e4e8; border-top: 4px solid #8a929c; border-radius: 4px; padding: 8px 12px; background: #fafbfc; }
    .card-all { flex-basis: 190px; border-top-color: #1f2328; background: #fff; }
    .card-label { font-size: 13px; color: #3d4450; white-space: nowrap; }
    .card-number { font-size: 26px; font-weight: bold; font-variant-numeric: tabular-nums; line-height: 1.3; }
    .card-share { font-size: 12px; color: #57606a; }
    .strip { display: block; margin: 4px 0 8px; border-radius: 3px; }
    .note { color: #57606a; font-size: 13px; margin: 6px 0; }
    .empty { color: #8a929c; font-style: italic; }
    .legend { list-style: none; display: flex; flex-wrap: wrap; gap: 4px 18px; padding: 0; margin: 6px 0 4px; font-size: 13px; }
    .legend li { display: flex; align-items: center; }
    .swatch { display: inline-block; width: 11px; height: 11px; border-radius: 2px; margin-right: 5px; vertical-align: -1px; }
    .chart { display: block; max-width: 1000px; margin: 4px 0 12px; }
    .chart text { font-family: inherit; font-size: 13px; fill: #1f2328; }
    .chart .tick { font-size: 11px; fill: #8a929c; }
    .chart .value { font-size: 12px; fill: #3d4450; }
    .chart .grid { stroke: #e6e8eb; stroke-width: 1; }
    .chart .bar:hover rect { opacity: 0.85; }
    .scroll { overflow-x: auto; margin: 6px 0 10px; }
    .scroll.tall { max-height: 600px; overflow-y: auto; border-bottom: 1px solid #d0d7de; }
    .scroll.tall thead th { position: sticky; top: 0; z-index: 1; }
    table { border-collapse: collapse; width: 100%; font-size: 13px; }
    th, td { border-bottom: 1px solid #e1e4e8; padding: 5px 6px; text-align: left; }
    thead th { background: #f6f8fa; border-bottom: 2px solid #d0d7de; font-weight: bold; vertical-align: bottom; line-height: 1.35; }
    html[lang="zh-CN"] thead th { white-space: nowrap; }
    td:first-child { min-width: 6em; }
    td.num, th.num, tfoot th { white-space: nowrap; }
    thead th[data-type="number"] { text-align: right; }
    table.sortable thead th { cursor: pointer; user-select: none; }
    table.sortable thead th:hover { background: #eaeef2; }
    thead th.decision { border-bottom-width: 3px; }
    table.sortable thead th::after { content: "\\2195"; color: #b0b7bf; font-size: 10px; margin-left: 2px; }
    table.sortable thead th[aria-sort="ascending"]::after { content: "\\25B2"; color: #b3121f; }
    table.sortable thead th[aria-sort="descending"]::after { content: "\\25BC"; color: #b3121f; }
    tfoot th { background: #f6f8fa; border-top: 2px solid #d0d7de; }
    td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
    .zero { color: #c0c6cc; }
    tbody tr:nth-child(even) { background: #fbfbfc; }
    tr.current td { background: #fff6e0; }
    table.matrix td.same { background: #eef5ee; }
    footer { margin-top: 34px; padding-top: 10px; border-top: 1px solid #e1e4e8; color: #8a929c; font-size: 12px; }
    @media print {
      body { background: #fff; }
      main { max-width: none; padding: 0; }
      .scroll.tall { max-height: none; overflow: visible; }
      section { break-inside: avoid; }
      table.sortable thead th::after { content: ""; }
    }

    """

    /// Sorts a table when a heading is clicked (again: the other way); numbers
    /// by their `data-value`, text in Chinese order. Plain ES5, for old office browsers.
    static let script = """
    (function () {
      function sortBy(table, column, heading) {
        var numeric = heading.getAttribute('data-type') === 'number';
        var current = heading.getAttribute('aria-sort');
        var ascending = current ? current === 'descending' : !numeric;
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = key(a.cells[column]), y = key(b.cells[column]), c;
          if (numeric) { c = parseFloat(x) - parseFloat(y); } else { c = String(x).localeCompare(String(y), 'zh-CN'); }
          if (!ascending) { c = -c; }
          return c || (a.getAttribute('data-order') - b.getAttribute('data-order'));
        });
        for (var i = 0; i < rows.length; i++) { body.appendChild(rows[i]); }
        var headings = table.tHead.rows[0].cells;
        for (var j = 0; j < headings.length; j++) { headings[j].removeAttribute('aria-sort'); }
        heading.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
      }
      function key(cell) {
        if (!cell) { return ''; }
        var value = cell.getAttribute('data-value');
        return value === null ? (cell.textContent || '') : value;
      }
      function prepare(table) {
        if (!table.tHead || !table.tBodies.length) { return; }
        var rows = table.tBodies[0].rows;
        for (var r = 0; r < rows.length; r++) { rows[r].setAttribute('data-order', r); }
        var headings = table.tHead.rows[0].cells;
        for (var i = 0; i < headings.length; i++) {
          (function (heading, column) {
            heading.setAttribute('tabindex', '0');
            heading.setAttribute('title', '\(sortHint)');
            heading.onclick = function () { sortBy(table, column, heading); };
            heading.onkeydown = function (event) {
              var k = event.key || event.keyCode;
              if (k === 'Enter' || k === 13 || k === ' ' || k === 32) { if (event.preventDefault) { event.preventDefault(); } sortBy(table, column, heading); }
            };
          })(headings[i], i);
        }
      }
      var tables = document.querySelectorAll('table.sortable');
      for (var t = 0; t < tables.length; t++) { prepare(tables[t]); }
      document.body.setAttribute('data-ready', 'yes');
    })();

    """

    static let sortHint = "Sort / 排序"
}
