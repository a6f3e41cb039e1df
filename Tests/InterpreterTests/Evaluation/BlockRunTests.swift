import Foundation
import Testing
@testable import Interpreter

/// `BlockRun` evaluates a node for 64 households at once; every node of a
/// plan, read each way it can be (as values, as truth values, as numbers),
/// must give in each lane what `CompiledRun` gives for that household alone:
/// the same value, and a failure exactly where it gives up.
@Suite struct BlockRunTests {
    /// Rules with every kind of number node (and a truth value chosen by
    /// `if`, a date field against the evaluation date), and lanes that
    /// overflow, divide by zero, or leave a field unknown.
    static let numbers = """
    let per_head = income.wage / count(members)
    let thirds = round(per_head / 3, 1)
    let sevenths = floor(income.wage / 7)
    let upper = ceil(income.transfer / 9)
    let chosen = (if count(members) > 3 then income.wage else income.transfer) otherwise 0 yuan/year
    let oldest = year(today) - min(m in members: year(m.birth_date))
    let born = month(today) + day(today) - month(income.period_start) otherwise 0
    let swing = abs(income.wage - income.transfer * 3)
    let huge = income.wage * 100000000000000
    let by_zero = income.transfer / (count(members) - 6)
    let negative = -(income.previous_net_per_capita - per_head)
    let eaten = sum(m in members: 1) * 2 - 1
    let maybe = (income.previous_net_per_capita otherwise income.rigid_expense / count(members)) + 1 yuan/person/year
    let picked = (if income.rigid_expense > 100 yuan/year then income.wage else income.transfer) * 2
    let flag = if income.rigid_expense > 100 yuan/year then income.wage > 20000 yuan/year else count(members) > 3
    let started = income.period_start <= today
    let cars = count(assets.vehicles) + year(monitoring.identified_on) - 2000
    category started "开始" { when started or cars > 20 }
    category flagged "条件真值" { when flag and picked > 1 yuan/year }
    category maybe "或许" { when maybe > 3000 yuan/person/year or picked > 9000 yuan/year }
    exclude overflow "溢出" { when huge < 0 yuan/year otherwise false }
    exclude zero "除以零" { when by_zero < -1000 yuan/person/year otherwise false }
    category thirds "分数" { when thirds < 2000 yuan/person/year and sevenths > 100 yuan/year and upper >= 0 yuan/year }
    category chosen "条件" { when -chosen < -5000 yuan/year and swing > 10 yuan/year }
    category counted "计数" { when eaten > 1 and oldest > 40 and born > 3 }
    category previous "上年" { when negative >= 0 yuan/person/year otherwise false }
    """

    @Test func everyNodeOfTheShippedPoliciesHasItsValueOneByOne() throws {
        let asOf = try #require(CivilDate(year: 2021, month: 9, day: 30))
        var compared = 0
        for plan in CompiledEvaluationTests.plans {
            compared += try Self.compareNodes(plan: plan, lines: Self.households(seed: 3, count: 130), asOf: asOf)
        }
        #expect(compared > 2_000, "\(compared) nodes compared")
    }

    @Test func everyNumberNodeHasItsValueOneByOne() throws {
        let loaded = PolicyTesting.load(Self.numbers)
        let plan = try #require(loaded.plan, "\(loaded.diagnostics)")
        for asOf in ["2021-09-30", "2022-01-01"] {
            let compared = try Self.compareNodes(plan: plan, lines: Self.households(seed: 12, count: 200), asOf: #require(CivilDate.parse(asOf)))
            #expect(compared > 400, "\(compared) nodes compared")
        }
    }

    /// Generated households, with the unusual ones of `CompiledEvaluationTests.variants`
    /// mixed in, and others with fields left out (`withHoles`).
    static func households(seed: UInt64, count: Int) -> [String] {
        let generator = HouseholdGenerator(seed: seed)
        let variants = CompiledEvaluationTests.variants()
        return (0..<count).map { index in
            switch index % 3 {
            case 2: return variants[index / 3 % variants.count]
            case 1 where index % 6 == 1: return withHoles(generator.json(index), index)
            default: return generator.json(index)
            }
        }
    }

    /// The household with some fields that are not required left out, at
    /// every depth (truth values, enumeration members, amounts, dates), each
    /// member missing another one: the fields read as the slots keep them
    /// (`BlockRun.stored`) are then unknown in some lanes only.
    static func withHoles(_ line: String, _ index: Int) -> String {
        guard var object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else { return line }
        let memberKeys = ["labour", "health", "medical_insurance", "dibao", "relation", "tekun", "public_servant", "in_school", "birth_date",
                          "disability_grade", "sex"]
        if let members = object["members"] as? [[String: Any]] {
            object["members"] = members.enumerated().map { position, member in
                var member = member
                member[memberKeys[(index / 6 + position) % memberKeys.count]] = nil
                return member
            }
        }
        let sections: [(String, [String])] = [("guarantees", ["school_dropout", "medical_insured_all", "safe_water", "dangerous_house"]),
                                              ("income", ["previous_net_per_capita", "rigid_expense", "period_start"]),
                                              ("assets", ["deposits", "commercial_housing", "business", "vehicles"])]
        for (section, keys) in sections {
            guard var record = object[section] as? [String: Any] else { continue }
            record[keys[index / 6 % keys.count]] = nil
            object[section] = record
        }
        for key in ["monitored_type", "disaster_kind", "relocation_site"] where (index / 6) % 2 == 0 { object[key] = nil }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return line }
        return String(decoding: data, as: UTF8.self)
    }

    /// Compares, block by block, every node that reads no quantifier's
    /// variable it does not bind; how many (node, block) pairs were compared.
    static func compareNodes(plan: Plan, lines: [String], asOf: CivilDate) throws -> Int {
        let lane = try #require(CompiledLane(plan: plan, asOf: asOf, limits: .default))
        let compiled = lane.plan
        let prepared = PreparedHouseholds(lines.compactMap { lane.prepare(Array($0.utf8)) })
        #expect(prepared.count > lines.count / 2, "most households are prepared")
        let roots = BlockRoots(nodes: Array(compiled.nodes), operands: Array(compiled.operands), constants: Array(compiled.constants),
                               derivedRoots: Array(compiled.derivedRoots), decisionNodes: [], triggerFilters: [])
        let nodes = compiled.nodes.indices.map(Int32.init).filter { !roots.readsVariables($0) }
        let scratch = CompiledScratch(compiled)
        var compared = 0
        var differing = 0
        var examples: [String] = []
        func check(_ inBlock: SlotValue?, _ alone: SlotValue?, _ place: @autoclosure () -> String) {
            guard !same(inBlock, alone) else { return }
            differing += 1
            if examples.count < 5 { examples.append("\(place()): \(describe(inBlock)) in blocks, \(describe(alone)) alone") }
        }
        var start = 0
        while start < prepared.count {
            let count = min(BlockRun.width, prepared.count - start)
            for index in 0..<count {
                let (fields, items, line) = prepared[start + index]
                scratch.block.setLane(index, CompiledRun(plan: compiled, fields: fields, items: items, line: line, scratch: scratch, today: asOf))
            }
            // Each way of reading a node in its own run, so that no read finds another's `let`s already worked out.
            for node in nodes {
                let alone = (0..<count).map { index -> SlotValue? in
                    scratch.forgetDerived()
                    scratch.current = -1
                    return try? scratch.block.runs[index].value(node)
                }
                let mask: UInt64 = count == 64 ? .max : (1 << UInt64(count)) - 1
                let where_ = "node \(node) (\(compiled.nodes[Int(node)])) of \(plan.metadata.id), households from \(start)"

                let values = UnsafeMutablePointer<SlotValue>.allocate(capacity: BlockRun.width)
                defer { values.deallocate() }
                let failed = BlockRun(plan: compiled, block: scratch.block, count: count, today: asOf).evaluate(node, mask, values)
                for index in 0..<count {
                    let blockValue: SlotValue? = failed & (1 << UInt64(index)) != 0 ? nil : values[index]
                    check(blockValue, alone[index], "\(where_), lane \(index)")
                }
                if compiled.isTruth[Int(node)] {
                    let truth = BlockRun(plan: compiled, block: scratch.block, count: count, today: asOf).truth(node, mask)
                    for index in 0..<count {
                        let bit = UInt64(1) << UInt64(index)
                        let blockValue: SlotValue? = truth.failed & bit != 0 ? nil
                            : truth.yes & bit != 0 ? .bool(true) : truth.no & bit != 0 ? .bool(false) : .unknown
                        check(blockValue, alone[index], "\(where_) as a truth value, lane \(index)")
                    }
                }
                if compiled.isNumber[Int(node)] {
                    let numbers = UnsafeMutablePointer<Rational>.allocate(capacity: BlockRun.width)
                    defer { numbers.deallocate() }
                    let result = BlockRun(plan: compiled, block: scratch.block, count: count, today: asOf).numbers(node, mask, numbers)
                    for index in 0..<count {
                        let bit = UInt64(1) << UInt64(index)
                        let blockValue: SlotValue? = result.failed & bit != 0 ? nil : result.unknown & bit != 0 ? .unknown : .number(numbers[index])
                        check(blockValue, alone[index], "\(where_) as numbers, lane \(index)")
                    }
                }
                compared += 1
            }
            start += count
        }
        #expect(differing == 0, "\(differing) lanes differ, such as:\n\(examples.joined(separator: "\n"))")
        return compared
    }

    /// A value as the messages show it (nil: failed); a number by its parts, whatever they are.
    static func describe(_ value: SlotValue?) -> String {
        guard let value else { return "failed" }
        if case .number(let number) = value { return "number \(number.numerator)/\(number.denominator)" }
        return "\(value)"
    }

    /// Whether two values (nil: failed) are the same.
    static func same(_ a: SlotValue?, _ b: SlotValue?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case (.unknown?, .unknown?): return true
        case (.bool(let x)?, .bool(let y)?): return x == y
        case (.number(let x)?, .number(let y)?): return x == y
        case (.date(let x)?, .date(let y)?): return x == y
        case (.duration(let x)?, .duration(let y)?): return x == y
        case (.enumeration(let x)?, .enumeration(let y)?): return x == y
        case (.text(let x)?, .text(let y)?): return (x.start, x.count, x.isConstant) == (y.start, y.count, y.isConstant)
        case (.record(let x)?, .record(let y)?): return x == y
        case (.list(let x)?, .list(let y)?): return (x.start, x.count, x.isConstant) == (y.start, y.count, y.isConstant)
        default: return false
        }
    }
}
