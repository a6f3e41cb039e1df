/// Made-up household records for benchmarks and tests: every field of the
/// record contract (`household-record.md`), with distributions that look like
/// a rural county's (most households general, a fifth alleviated, some
/// monitored; incomes spread around the monitoring line; a few vehicles,
/// deposits, businesses; dated events). The same seed and index always give
/// the same household, so any slice can be made on its own, in any order.
public struct HouseholdGenerator: Sendable {
    public let seed: UInt64
    /// Province and county written in every record.
    public var region: (province: String, county: String) = ("重庆市", "丰都县")
    /// The as-of date the dates are made around.
    public var asOf = CivilDate(year: 2021, month: 9, day: 30)!

    public init(seed: UInt64) {
        self.seed = seed
    }

    /// The random numbers of one household.
    struct Stream {
        var numbers: SplitMix64

        init(state: UInt64) { numbers = SplitMix64(seed: state) }

        mutating func next() -> UInt64 { numbers.next() }

        /// 0 ..< bound
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(bound, 1))) }
        /// True with the given chance in percent.
        mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
        mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
        /// Picks by weights.
        mutating func weighted<T>(_ items: [(T, Int)]) -> T {
            let total = items.reduce(0) { $0 + $1.1 }
            var roll = below(total)
            for (item, weight) in items {
                if roll < weight { return item }
                roll -= weight
            }
            return items[items.count - 1].0
        }
    }

    static let townships = ["三合街道", "名山街道", "龙河镇", "高家镇", "社坛镇", "虎威镇", "兴义镇", "董家镇", "包鸾镇", "湛普镇"]
    static let villages = ["双龙场村", "新建村", "长江村", "白果村", "大堰村", "桂花村", "金竹村", "青龙村", "红旗村", "团结村"]
    static let surnames = ["张", "王", "李", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙", "马", "胡", "朱", "郭", "何", "罗", "高", "林"]
    static let given = ["德明", "秀英", "建国", "桂兰", "国强", "玉兰", "志刚", "淑珍", "春生", "小红", "家豪", "思雨", "子轩", "欣怡", "文华", "光明"]
    static let risks = ["illness", "schooling", "disaster", "disability", "natural_disaster", "accident", "epidemic", "industry_failure",
                        "unstable_employment", "lack_of_labour", "lack_of_motivation", "other"]
    static let measures = ["industry", "employment", "finance", "ecology", "public_welfare_job", "education", "health",
                           "living_conditions", "infrastructure", "social_security", "motivation"]
    static let eventKinds: [(String, Int)] = [
        ("medical_expense", 30), ("disaster", 6), ("epidemic", 3), ("accident", 5), ("traffic_accident", 4), ("school_dropout", 2),
        ("serious_illness", 6), ("dibao_granted", 5), ("tekun_granted", 2), ("temporary_assistance", 4), ("severe_disability", 3),
        ("unemployment", 8), ("industry_failure", 4), ("housing_risk", 4), ("water_risk", 3), ("uninsured", 3), ("petition", 3),
        ("online_report", 3), ("poor_freshman", 2),
    ]

    /// The household of an index, as one line of JSON (no line end).
    public func json(_ index: Int) -> String {
        var stream = Stream(state: seed &* 0x2545_F491_4F6C_DD1D ^ UInt64(truncatingIfNeeded: index) &* 0x9E37_79B9_7F4A_7C15)
        var out = JSONText()
        out.open()
        out.key("id"); out.string("\(500230 + index % 1000)-\(index)")
        out.key("region")
        out.open()
        out.key("province"); out.string(region.province)
        out.key("city"); out.string(region.province)
        out.key("county"); out.string(region.county)
        out.key("township"); out.string(stream.pick(Self.townships))
        out.key("village"); out.string(stream.pick(Self.villages))
        out.key("group"); out.string("\(1 + stream.below(9))组")
        out.close()
        let category = stream.weighted([("general", 70), ("alleviated", 20), ("monitored", 10)])
        out.key("category"); out.string(category)
        if category == "alleviated" { out.key("alleviated_type"); out.string(stream.weighted([("enjoying", 60), ("not_enjoying", 40)])) }
        if category == "monitored" { out.key("monitored_type"); out.string(stream.weighted([("unstable", 40), ("marginal", 45), ("sudden_hardship", 15)])) }

        // Members: a head, often a spouse, children, elders.
        let size = stream.weighted([(1, 10), (2, 20), (3, 25), (4, 25), (5, 12), (6, 8)])
        let surname = stream.pick(Self.surnames)
        out.key("members")
        out.openList()
        for number in 0..<size {
            out.open()
            out.key("name"); out.string(surname + stream.pick(Self.given))
            out.key("sex"); out.string(stream.chance(50) ? "male" : "female")
            let relation = number == 0 ? "head" : number == 1 ? "spouse" : stream.weighted([("child", 70), ("parent", 20), ("grandchild", 10)])
            out.key("relation"); out.string(relation)
            let year = relation == "child" || relation == "grandchild" ? 1995 + stream.below(25) : relation == "parent" ? 1935 + stream.below(25) : 1955 + stream.below(40)
            out.key("birth_date"); out.string(CivilDate(year: year, month: 1 + stream.below(12), day: 1 + stream.below(28))!.description)
            let health = stream.weighted([("healthy", 78), ("chronic", 12), ("serious_illness", 5), ("disabled", 5)])
            out.key("health"); out.string(health)
            if health == "disabled" { out.key("disability_grade"); out.number(String(1 + stream.below(4))) }
            out.key("labour"); out.string(year > 2004 || year < 1950 ? "none" : stream.weighted([("skilled", 10), ("ordinary", 55), ("weak", 20), ("lost", 8), ("none", 7)]))
            if year > 2003 { out.key("in_school"); out.bool(stream.chance(85)) }
            out.key("medical_insurance"); out.bool(stream.chance(97))
            out.key("dibao"); out.bool(stream.chance(category == "general" ? 3 : 15))
            out.key("tekun"); out.bool(stream.chance(1))
            out.key("public_servant"); out.bool(stream.chance(2))
            out.close()
        }
        out.closeList()

        // Income around the monitoring line: a quarter of households below 6000 per person.
        let perPerson = stream.weighted([(2000 + stream.below(4000), 25), (6000 + stream.below(6000), 45), (12000 + stream.below(30000), 30)])
        let net = perPerson * size
        let business = stream.chance(30) ? stream.below(net / 2 + 1) : 0
        let transfer = stream.below(net / 5 + 1)
        let property = stream.chance(10) ? stream.below(2000) : 0
        let expense = business > 0 ? stream.below(business / 2 + 1) : 0
        let wage = max(0, net - business - transfer - property + expense)
        out.key("income")
        out.open()
        out.key("period_start"); out.string("2020-10-01")
        out.key("period_end"); out.string("2021-09-30")
        out.key("business"); out.number(String(business))
        out.key("wage"); out.number(String(wage))
        out.key("property"); out.number(String(property))
        out.key("transfer"); out.number(String(transfer))
        out.key("business_expense"); out.number(String(expense))
        out.key("total"); out.number(String(business + wage + property + transfer))
        if stream.chance(20) { out.key("rigid_expense"); out.number(String(1000 + stream.below(40000))) }
        if stream.chance(70) { out.key("previous_net_per_capita"); out.number(String(perPerson + stream.below(4000)) + ".50") }
        out.close()

        out.key("guarantees")
        out.open()
        out.key("school_dropout"); out.bool(stream.chance(1))
        out.key("medical_insured_all"); out.bool(stream.chance(96))
        out.key("safe_water"); out.bool(stream.chance(97))
        out.key("dangerous_house"); out.bool(stream.chance(3))
        out.close()

        out.key("assets")
        out.open()
        out.key("deposits"); out.number(String(stream.weighted([(stream.below(10000), 70), (10000 + stream.below(40000), 22), (50000 + stream.below(200000), 8)])))
        out.key("vehicles")
        out.openList()
        if stream.chance(15) {
            out.open()
            out.key("kind"); out.string(stream.weighted([("car", 50), ("luxury_car", 10), ("truck", 15), ("farm_vehicle", 20), ("ship", 2), ("engineering_machinery", 3)]))
            out.key("value"); out.number(String(10000 + stream.below(200000)))
            out.close()
        }
        out.closeList()
        out.key("commercial_housing"); out.number(stream.chance(4) ? "1" : "0")
        out.key("business")
        out.open()
        let owns = stream.chance(4)
        out.key("owns"); out.bool(owns)
        if owns {
            out.key("employees"); out.number(String(stream.below(12)))
            out.key("tax_paying"); out.bool(stream.chance(60))
        }
        out.close()
        out.close()

        let riskCount = stream.weighted([(0, 40), (1, 45), (2, 15)])
        out.key("risks")
        out.openList()
        for _ in 0..<riskCount { out.string(stream.pick(Self.risks)) }
        out.closeList()

        if category == "monitored" {
            out.key("monitoring")
            out.open()
            out.key("identified_on"); out.string(asOf.adding(days: -(30 + stream.below(700)))!.description)
            out.key("measures")
            out.openList()
            for _ in 0..<(1 + stream.below(3)) { out.string(stream.pick(Self.measures)) }
            out.closeList()
            let eliminated = stream.chance(10)
            out.key("risk_eliminated"); out.bool(eliminated)
            if eliminated {
                out.key("elimination_method"); out.string(stream.chance(50) ? "natural" : "assisted")
                out.key("eliminated_on"); out.string(asOf.adding(days: -stream.below(300))!.description)
            }
            out.close()
        }

        let eventCount = stream.weighted([(0, 45), (1, 30), (2, 15), (3, 7), (4, 3)])
        out.key("events")
        out.openList()
        for _ in 0..<eventCount {
            out.open()
            let kind = stream.weighted(Self.eventKinds)
            out.key("kind"); out.string(kind)
            out.key("date"); out.string(asOf.adding(days: -stream.below(400))!.description)
            out.key("member"); out.number(String(stream.below(size)))
            if kind == "medical_expense" {
                let amount = 500 + stream.below(stream.chance(10) ? 60000 : 8000)
                out.key("amount"); out.number(String(amount))
                out.key("self_paid"); out.number(String(amount * (20 + stream.below(50)) / 100))
            }
            out.close()
        }
        out.closeList()

        if stream.chance(2) {
            out.key("village_review")
            out.open()
            out.key("exception_approved"); out.bool(stream.chance(50))
            out.key("date"); out.string(asOf.adding(days: -stream.below(100))!.description)
            out.close()
        }
        out.close()
        return out.text
    }

    /// JSON text written field by field.
    struct JSONText {
        var text = ""
        /// Whether the next value in the current object or list needs a comma first.
        private var needsComma = false

        mutating func separate() {
            if needsComma { text += "," }
            needsComma = true
        }

        mutating func open() { separateValue(); text += "{"; needsComma = false }
        mutating func close() { text += "}"; needsComma = true }
        mutating func openList() { separateValue(); text += "["; needsComma = false }
        mutating func closeList() { text += "]"; needsComma = true }

        /// A key is followed by its value, which must not get another comma.
        private var afterKey = false

        mutating func separateValue() {
            if afterKey {
                afterKey = false
                return
            }
            separate()
        }

        mutating func key(_ name: String) {
            separate()
            text += "\"" + name + "\":"
            afterKey = true
        }

        mutating func string(_ value: String) { separateValue(); text += "\"" + value + "\"" }
        mutating func number(_ value: String) { separateValue(); text += value }
        mutating func bool(_ value: Bool) { separateValue(); text += value ? "true" : "false" }
    }
}

/// The generated households as CSV, in the layout of the record contract:
/// household columns repeated on one row per member; events are not carried.
extension HouseholdGenerator {
    static let householdColumns: [(column: String, path: [String])] = [
        ("id", ["id"]), ("province", ["region", "province"]), ("city", ["region", "city"]), ("county", ["region", "county"]),
        ("township", ["region", "township"]), ("village", ["region", "village"]), ("group", ["region", "group"]),
        ("category", ["category"]), ("alleviated_type", ["alleviated_type"]), ("monitored_type", ["monitored_type"]),
        ("income_business", ["income", "business"]), ("income_wage", ["income", "wage"]), ("income_property", ["income", "property"]),
        ("income_transfer", ["income", "transfer"]), ("income_business_expense", ["income", "business_expense"]),
        ("income_total", ["income", "total"]), ("income_rigid_expense", ["income", "rigid_expense"]),
        ("income_previous_net_per_capita", ["income", "previous_net_per_capita"]),
        ("school_dropout", ["guarantees", "school_dropout"]), ("medical_insured_all", ["guarantees", "medical_insured_all"]),
        ("safe_water", ["guarantees", "safe_water"]), ("dangerous_house", ["guarantees", "dangerous_house"]),
        ("deposits", ["assets", "deposits"]), ("commercial_housing", ["assets", "commercial_housing"]),
        ("business_owns", ["assets", "business", "owns"]), ("business_employees", ["assets", "business", "employees"]),
        ("business_tax_paying", ["assets", "business", "tax_paying"]),
        ("vehicles", ["assets", "vehicles"]), ("risks", ["risks"]),
        ("identified_on", ["monitoring", "identified_on"]), ("risk_eliminated", ["monitoring", "risk_eliminated"]),
        ("exception_approved", ["village_review", "exception_approved"]),
    ]
    static let memberColumns = ["name", "sex", "relation", "birth_date", "health", "disability_grade", "labour", "in_school",
                                "medical_insurance", "dibao", "tekun", "public_servant"]

    public static var csvHeader: String {
        (householdColumns.map(\.column) + memberColumns.map { "member_" + $0 }).joined(separator: ",")
    }

    /// The CSV rows of a household (one per member), each without a line end.
    public func csvRows(_ index: Int) -> [String] {
        guard case .success(let json) = JSONParser.parse(Array(self.json(index).utf8)), case .object(let household) = json else { return [] }
        func value(_ path: [String]) -> JSONValue? {
            var current: JSONValue = .object(household)
            for key in path {
                guard case .object(let object) = current, let next = object[key] else { return nil }
                current = next
            }
            return current
        }
        func cell(_ value: JSONValue?) -> String {
            switch value {
            case .string(let text)?: return text
            case .number(let text)?: return text
            case .bool(let truth)?: return truth ? "true" : "false"
            case .array(let items)?:
                if items.isEmpty { return "无" }
                return items.map { item -> String in
                    if case .object(let vehicle) = item, case .string(let kind)? = vehicle["kind"] {
                        if case .number(let amount)? = vehicle["value"] { return "\(kind):\(amount)" }
                        return kind
                    }
                    return cell(item)
                }.joined(separator: ";")
            default: return ""
            }
        }
        let shared = Self.householdColumns.map { cell(value($0.path)) }
        guard case .array(let members)? = value(["members"]) else { return [] }
        return members.map { member in
            guard case .object(let fields) = member else { return "" }
            return (shared + Self.memberColumns.map { cell(fields[$0]) }).joined(separator: ",")
        }
    }
}
