import Foundation
@testable import Interpreter

/// Small policies written in tests, checked against the shipped schema.
enum PolicyTesting {
    static let schema: Schema = {
        let path = Fixtures.url("policies/schema/household/v1.policy").path
        guard let schema = PolicyEngine().loadSchema(at: path).schema else { fatalError("the shipped schema must load") }
        return schema
    }()

    static let header = """
    policy test/unit/2021 {
      region "重庆市" "丰都县"
      year 2021
      schema household/v1
    }

    """

    /// Loads `body` under a standard header; a body without a category gets one.
    static func load(_ body: String) -> PolicyEngine.Loaded {
        let declaresCategory = body.hasPrefix("category ") || body.contains("\ncategory ")
        let text = header + body + (declaresCategory ? "" : "\ncategory any_household { when true }\n")
        return PolicyEngine().load(text: text, path: "test.policy", schema: schema)
    }

    /// The shipped working-day calendar (`policies/calendar/cn/`).
    static let calendar: WorkingCalendar = {
        let near = Fixtures.url("policies/schema/household/v1.policy").path
        guard let calendar = PolicyEngine().loadCalendar("cn", near: near)?.calendar else { fatalError("the shipped calendar must load") }
        return calendar
    }()

    /// Loads `body` under a standard header, with the shipped calendar.
    static func loadWithCalendar(_ body: String) -> PolicyEngine.Loaded {
        let declaresCategory = body.hasPrefix("category ") || body.contains("\ncategory ")
        let text = header + body + (declaresCategory ? "" : "\ncategory any_household { when true }\n")
        return PolicyEngine().load(text: text, path: "test.policy", schema: schema, calendar: calendar)
    }

    /// The codes of the errors and warnings `body` gives.
    static func codes(_ body: String) -> [String] {
        load(body).diagnostics.map(\.code.rawValue)
    }

    /// A household record with sensible defaults, changed by `changes`
    /// (paths such as `income.wage` to JSON values; `nil` removes the key).
    static func household(_ changes: [String: Any?] = [:]) -> JSONValue {
        var object: [String: Any] = [
            "id": "h1", "region": ["province": "重庆市", "county": "丰都县"], "category": "general",
            "members": [["name": "张三", "labour": "ordinary"], ["name": "李四", "labour": "weak"]],
            "income": ["business": 0, "wage": 9000, "property": 0, "transfer": 0, "business_expense": 0],
        ]
        for (path, value) in changes.sorted(by: { $0.key < $1.key }) { set(&object, path.split(separator: ".").map(String.init), value) }
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
        return (try? JSONParser.parse([UInt8](data)).get()) ?? .null
    }

    private static func set(_ object: inout [String: Any], _ path: [String], _ value: Any?) {
        guard let first = path.first else { return }
        if path.count == 1 {
            object[first] = value ?? nil
            if value == nil { object.removeValue(forKey: first) }
            return
        }
        var inner = object[first] as? [String: Any] ?? [:]
        set(&inner, Array(path.dropFirst()), value)
        object[first] = inner
    }

    static let asOf = CivilDate(year: 2021, month: 9, day: 30)!

    /// Evaluates records against a loaded plan.
    static func evaluate(_ plan: Plan, _ records: [JSONValue], explain: Bool = false, asOf: CivilDate = asOf) -> [HouseholdResult] {
        var evaluator = HouseholdEvaluator(plan: plan, asOf: asOf, explain: explain)
        return records.enumerated().map { index, json in evaluator.evaluate(RawRecord(line: index + 1, json: json)) }
    }

    /// The value of `let probe = EXPRESSION` for a household, shown as text
    /// (`unknown [paths]` for an unknown), or the decision's messages on error.
    static func probe(_ expression: String, _ changes: [String: Any?] = [:], extra: String = "") -> String {
        let loaded = load("\(extra)\nlet probe = \(expression)\ncategory probe_holds { when known(probe) and probe == probe }\n")
        guard let plan = loaded.plan else { return "check: " + loaded.diagnostics.map { "\($0.code) \($0.message)" }.joined(separator: "; ") }
        let evaluator = Evaluator(plan: plan)
        let decoded = RecordDecoder(schema: plan.schema).decode(household(changes))
        guard let record = decoded.record else { return "record: \(decoded.errors.map(\.message))" }
        let prepared = evaluator.prepare(record, asOf: asOf).record
        var frame = evaluator.makeFrame(prepared, today: asOf)
        guard let index = plan.derived.firstIndex(where: { $0.name == "probe" }) else { return "no probe" }
        do {
            let value = try evaluator.value(.derived(index), &frame)
            if case .unknown(let missing) = value { return "unknown \(missing.paths)" }
            return display(value)
        } catch {
            return "error: \(error.diagnosticKind)"
        }
    }

    static func display(_ value: Value) -> String {
        switch value {
        case .unknown(let missing): return "unknown \(missing.paths)"
        case .bool(let truth): return "\(truth)"
        case .number(let number): return number.description
        case .text(let text): return text
        case .date(let date): return date.description
        case .duration(let amount): return "\(amount)"
        case .enumeration(let index): return "#\(index)"
        case .record: return "{record}"
        case .list(let items): return "[" + items.map(display).joined(separator: ", ") + "]"
        }
    }
}
