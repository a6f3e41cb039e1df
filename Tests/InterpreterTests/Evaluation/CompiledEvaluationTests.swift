import Foundation
import Testing
@testable import Interpreter

/// The compiled evaluation writes, for every household it decides, the bytes
/// the general path writes; it leaves every other household to the general
/// path; and it does decide the common ones.
@Suite struct CompiledEvaluationTests {
    static let plans: [Plan] = {
        guard let plans = PolicyEngine().loadAll(in: Fixtures.url("policies").path).plans, !plans.isEmpty else {
            fatalError("the shipped policies must load")
        }
        return plans
    }()

    static func raw(_ line: String, _ number: Int) -> RawRecord {
        var record = RawRecord(line: number, json: nil)
        record.unparsed = Array(line.utf8)
        return record
    }

    /// The outputs of both paths for each line, and how many the compiled one decided.
    static func compare(_ lines: [String], plan: Plan, asOf: CivilDate) -> (mismatches: [String], compiled: Int) {
        let evaluator = HouseholdEvaluator(plan: plan, asOf: asOf)
        var mismatches: [String] = []
        var compiled = 0
        for (index, line) in lines.enumerated() {
            let record = raw(line, index + 1)
            let general = evaluator.evaluateLineByGeneralPath(record, firstLineOfID: nil, format: .jsonl)
            let chosen = evaluator.evaluateLine(record, firstLineOfID: nil, format: .jsonl)
            if evaluator.isDecidedCompiled(record) { compiled += 1 }
            if general.output != chosen.output || general.id != chosen.id || general.decision != chosen.decision {
                mismatches.append("\(plan.metadata.id) line \(index + 1):\n  general:  \(String(decoding: general.output, as: UTF8.self))"
                                  + "  compiled: \(String(decoding: chosen.output, as: UTF8.self))")
            }
            // The result as the other writers and `impact` and `report` take it.
            let generalResult = evaluator.evaluateByGeneralPath(record, firstLineOfID: nil)
            let result = evaluator.evaluate(record, firstLineOfID: nil)
            if ResultWriter.line(result, .jsonl) != ResultWriter.line(generalResult, .jsonl)
                || ResultWriter.line(result, .csv) != ResultWriter.line(generalResult, .csv)
                || result.township != generalResult.township || result.village != generalResult.village {
                mismatches.append("\(plan.metadata.id) line \(index + 1): results differ\n  general:  \(ResultWriter.line(generalResult, .jsonl))"
                                  + "  compiled: \(ResultWriter.line(result, .jsonl))")
            }
        }
        return (mismatches, compiled)
    }

    @Test(arguments: ["2021-09-30", "2021-01-15", "2022-06-30", "2023-12-31"])
    func everyShippedPolicyGivesTheSameBytesBothWays(asOfText: String) throws {
        let asOf = try #require(CivilDate.parse(asOfText))
        let generator = HouseholdGenerator(seed: 41)
        let generated = (0..<400).map(generator.json)
        for plan in Self.plans {
            // Households of the policy's own region (else each has a warning to write).
            let lines = generated.map { Self.moved($0, to: plan.metadata.region) }
            let (mismatches, compiled) = Self.compare(lines, plan: plan, asOf: asOf)
            #expect(mismatches.isEmpty, "\(mismatches.prefix(3).joined(separator: "\n"))")
            // Generated households are the common case: most are decided compiled.
            #expect(compiled * 2 > lines.count, "\(plan.metadata.id): \(compiled) of \(lines.count) compiled")
        }
    }

    /// The lines through `policy eval`'s pipeline, its parts decided together
    /// (households in blocks of up to 64: `BlockRun`), and through the same
    /// pipeline by the general path, one by one.
    static func compareInBlocks(_ lines: [String], plan: Plan, asOf: CivilDate, threads: Int = 2)
        -> (together: [UInt8], general: [UInt8]) {
        let evaluator = HouseholdEvaluator(plan: plan, asOf: asOf)
        let input = Array((lines.joined(separator: "\n") + "\n").utf8)
        func run(together: Bool) -> [UInt8] {
            var source = JSONLinesRecordSource(reader: JSONLinesReader(source: MemoryByteSource(input, chunkSize: 4096)), defersParsing: true)
            var output: [UInt8] = []
            let work: @Sendable (RecordBlock, Int, Int?, ByteBuffer) -> (id: String?, decision: DecisionKind) = { block, index, first, out in
                if together { return evaluator.evaluateLine(block, index, firstLineOfID: first, format: .jsonl, into: out) }
                let result = evaluator.evaluateLineByGeneralPath(block.record(index), firstLineOfID: first, format: .jsonl)
                out.append(result.output)
                return (result.id, result.decision)
            }
            let parts: @Sendable (RecordBlock, Range<Int>, ByteBuffer, (String?, DecisionKind) -> Void) -> Void = { block, range, out, done in
                evaluator.evaluateLines(block, range, format: .jsonl, into: out, done)
            }
            EvaluationPipeline(threads: threads, batchSize: 256).runBlocks(&source, work: work, parts: together ? parts : nil,
                                                                           emit: { line, _ in output += line })
            return output
        }
        return (run(together: true), run(together: false))
    }

    /// Households decided 64 at a time (`BlockRun`, as `policy eval` does)
    /// get the bytes the general path gives them one by one, for every
    /// shipped policy, on dates inside and outside their years.
    @Test(arguments: ["2021-09-30", "2022-06-30", "2023-12-31"])
    func householdsDecidedInBlocksGiveTheSameBytes(asOfText: String) throws {
        let asOf = try #require(CivilDate.parse(asOfText))
        let generator = HouseholdGenerator(seed: 43)
        let generated = (0..<300).map(generator.json)
        var blocked = 0
        for plan in Self.plans {
            let lines = generated.enumerated().map { index, line in index % 50 == 7 ? Self.variants()[index % 5] : Self.moved(line, to: plan.metadata.region) }
            let (together, general) = Self.compareInBlocks(lines, plan: plan, asOf: asOf)
            #expect(together.count == general.count && together.elementsEqual(general), "\(plan.metadata.id): the outputs differ")
            if together != general {
                let a = String(decoding: together, as: UTF8.self).split(separator: "\n"), b = String(decoding: general, as: UTF8.self).split(separator: "\n")
                if let first = zip(a, b).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset { Issue.record("line \(first + 1):\n  blocks:  \(a[first])\n  general: \(b[first])") }
            }
            if CompiledPlan.compile(plan)?.decidesInBlocks == true { blocked += 1 }
        }
        #expect(blocked == Self.plans.count, "every shipped policy is decided in blocks: \(blocked) of \(Self.plans.count)")
    }

    /// A policy of the rules `body` on generated households: whether it is
    /// decided in blocks, and its outputs both ways (`compareInBlocks`).
    static func inBlocks(_ body: String, seed: UInt64, count: Int) throws -> (decidesInBlocks: Bool?, together: [UInt8], general: [UInt8]) {
        let loaded = PolicyTesting.load(body)
        let plan = try #require(loaded.plan, "\(loaded.diagnostics)")
        let lines = (0..<count).map(HouseholdGenerator(seed: seed).json)
        let (together, general) = compareInBlocks(lines, plan: plan, asOf: CivilDate(year: 2021, month: 9, day: 30)!)
        return (CompiledPlan.compile(plan)?.decidesInBlocks, together, general)
    }

    /// A `let` with a quantifier, read inside another quantifier, would
    /// change that one's variable where it is computed, and blocks compute
    /// the rules in another order than one household alone: such a plan is
    /// decided one household at a time, with the same bytes as the general path.
    @Test func aQuantifiedLetReadInsideAQuantifierIsNotDecidedInBlocks() throws {
        let inside = try Self.inBlocks("""
        let adults = count(m in members: m.labour == ordinary)
        exclude busy "每人都有劳力" {
          when all(m in members: adults > 0 and m.labour == ordinary) otherwise false
        }
        category everyone "所有家庭" { when true }
        """, seed: 8, count: 120)
        #expect(inside.decidesInBlocks == false)
        #expect(inside.together.elementsEqual(inside.general))
        // The same rule with the `let` read outside the quantifier is decided in blocks.
        let outside = try Self.inBlocks("""
        let adults = count(m in members: m.labour == ordinary)
        exclude busy "每人都有劳力" {
          when adults > 0 and all(m in members: m.labour == ordinary) otherwise false
        }
        category everyone "所有家庭" { when true }
        """, seed: 8, count: 120)
        #expect(outside.decidesInBlocks == true)
        #expect(outside.together.elementsEqual(outside.general))
    }

    /// In a block, a household whose rule cannot be worked out (a division
    /// by zero for households of two, a quantifier's body for some members)
    /// goes to the general path alone; the others of the block are decided there.
    @Test func aLaneThatFailsLeavesOnlyItsHouseholdToTheGeneralPath() throws {
        let (decidesInBlocks, together, general) = try Self.inBlocks("""
        let share = income.wage / (count(members) - 2)
        exclude odd "除以零" {
          when (share > 1000 yuan/person/year or any(m in members: m.labour == none and income.wage / (count(members) - 3) > 0)) otherwise false
        }
        category everyone "所有家庭" { when true }
        """, seed: 9, count: 200)
        #expect(decidesInBlocks == true)
        #expect(together.elementsEqual(general))
        let text = String(decoding: general, as: UTF8.self)
        #expect(text.contains("\"decision\":\"error\""), "some households divide by zero")
        #expect(text.contains("\"decision\":\"include\""), "others do not")
    }

    /// Numbers are worked out in columns of numbers (`BlockRun.numbers`):
    /// every kind of node it reads that way, with unknown values, fractions,
    /// overflow and division by zero in some lanes, gives the general path's
    /// bytes; so does an alert whose condition fails in some lanes and is
    /// false in others (passed over at once, `LaneRoots.isNotTrue`).
    @Test func numbersWorkedOutInColumnsGiveTheSameBytes() throws {
        let (decidesInBlocks, together, general) = try Self.inBlocks("""
        let per_head = income.wage / count(members)
        let thirds = round(per_head / 3, 1)
        let sevenths = floor(income.wage / 7)
        let chosen = (if count(members) > 3 then income.wage else income.transfer) otherwise 0 yuan/year
        let oldest = year(today) - min(m in members: year(m.birth_date))
        let swing = abs(income.wage - income.transfer * 3)
        let huge = income.wage * 100000000000000
        let by_zero = income.transfer / (count(members) - 6)
        exclude overflow "溢出" { when huge < 0 yuan/year otherwise false }
        exclude zero "除以零" { when by_zero < -1000 yuan/person/year otherwise false }
        category thirds "分数" { when thirds < 2000 yuan/person/year and sevenths > 100 yuan/year }
        category chosen "条件" { when -chosen < -5000 yuan/year }
        category dates "日期" { when month(today) == 9 and day(today) >= 30 and ceil(swing / 1000) > 3 yuan/year }
        category counted "计数" { when sum(m in members: 1) > 2 and count(m in members: m.labour == none) * 2 >= 2 and oldest > 40 }
        category previous "上年" { when income.previous_net_per_capita * 2 <= per_head + 0.5 yuan/person/year otherwise false }
        alert shares "分摊" {
          to "县民政局"
          when income.wage / (count(members) - 5) < 0 yuan/person/year
          every month
        }
        """, seed: 11, count: 300)
        #expect(decidesInBlocks == true)
        #expect(together.elementsEqual(general))
        let text = String(decoding: general, as: UTF8.self)
        for decision in ["error", "include", "exclude", "not_eligible"] {
            #expect(text.contains("\"decision\":\"\(decision)\""), "some households are \(decision)")
        }
        #expect(text.contains("\"rule\":\"shares\""), "the alert fires for some households")
    }

    /// Slots keep a number in eight bytes when its denominator divides
    /// 1,000 and its numerator fits in 56 bits, and apart in the household's
    /// items otherwise (`StoredSlot`): amounts of every length and sign,
    /// whole or with decimals, in fields and in list elements, give the
    /// general path's bytes, and those kept apart are still decided compiled.
    @Test func amountsOfEveryLengthGiveTheSameBytesBothWays() throws {
        // Each category tells an amount from its neighbours (odd or even, or with a fraction).
        let loaded = PolicyTesting.load("""
        category wage "工资" { when floor(income.wage / 2) * 2 != income.wage }
        category deposits "存款" { when (floor(assets.deposits / 2) * 2 != assets.deposits) otherwise false }
        category vehicle "车辆" { when any(v in assets.vehicles: (floor(v.value / 2) * 2 != v.value) otherwise false) otherwise false }
        category previous "上年" { when (floor(income.previous_net_per_capita / 2) * 2 != income.previous_net_per_capita) otherwise false }
        category even "其余" { when true }
        """)
        let plan = try #require(loaded.plan, "\(loaded.diagnostics)")
        let generator = HouseholdGenerator(seed: 12)
        let amounts: [Any] = [40_000_000_000_000_001, 36_028_797_018_963_968, 36_028_797_018_963_967, -40_000_000_000_000_001,
                              Decimal(string: "12345678901234.56")!, Decimal(string: "0.05")!, Decimal(string: "-0.5")!, 0, 1]
        var lines: [String] = []
        var apart: [Int] = []
        for index in 0..<(amounts.count * 4) {
            guard var object = (try? JSONSerialization.jsonObject(with: Data(generator.json(index).utf8))) as? [String: Any] else { continue }
            let amount = amounts[index % amounts.count]
            var income = object["income"] as? [String: Any] ?? [:]
            var assets = object["assets"] as? [String: Any] ?? [:]
            switch index / amounts.count {
            case 0: income["wage"] = amount
            case 1: assets["deposits"] = amount
            case 2: assets["vehicles"] = [["kind": "car", "value": amount], ["kind": "truck", "value": 1]]
            default: income["previous_net_per_capita"] = amount
            }
            object["income"] = income
            object["assets"] = assets
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            if index % amounts.count < 4 { apart.append(lines.count) }
            lines.append(String(decoding: data, as: UTF8.self))
        }
        #expect(lines.count == amounts.count * 4)
        let (mismatches, _) = Self.compare(lines, plan: plan, asOf: CivilDate(year: 2021, month: 9, day: 30)!)
        #expect(mismatches.isEmpty, "\(mismatches.prefix(3).joined(separator: "\n"))")
        let evaluator = HouseholdEvaluator(plan: plan, asOf: CivilDate(year: 2021, month: 9, day: 30)!)
        let decided = apart.filter { evaluator.isDecidedCompiled(Self.raw(lines[$0], $0 + 1)) }
        #expect(decided.count >= apart.count / 2, "households with amounts kept apart decided compiled: \(decided.count) of \(apart.count)")
        let (together, general) = Self.compareInBlocks(lines, plan: plan, asOf: CivilDate(year: 2021, month: 9, day: 30)!)
        let same = together == general
        #expect(same, "decided in blocks, the households get other bytes than by the general path")
    }

    @Test func fengduDecidesNearlyEveryGeneratedHouseholdCompiled() throws {
        let plan = try #require(Self.plans.first { $0.metadata.id == "chongqing/fengdu/2021" })
        let generator = HouseholdGenerator(seed: 5)
        let lines = (0..<3000).map(generator.json)
        let (mismatches, compiled) = Self.compare(lines, plan: plan, asOf: CivilDate(year: 2021, month: 9, day: 30)!)
        #expect(mismatches.isEmpty, "\(mismatches.prefix(3).joined(separator: "\n"))")
        #expect(compiled >= 2900, "\(compiled) of 3000")
    }

    /// A generated household moved to a region (province, county, township).
    static func moved(_ line: String, to region: [String]) -> String {
        guard var object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any],
              var place = object["region"] as? [String: Any] else { return line }
        for (key, name) in zip(["province", "county", "township"], region) { place[key] = name }
        object["region"] = place
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return line }
        return String(decoding: data, as: UTF8.self)
    }

    /// Households changed the ways real records differ from generated ones.
    static func variants() -> [String] {
        let generator = HouseholdGenerator(seed: 8)
        var lines: [String] = []
        for index in 0..<120 {
            let line = generator.json(index)
            guard var object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else { continue }
            var income = object["income"] as? [String: Any] ?? [:]
            var region = object["region"] as? [String: Any] ?? [:]
            var members = object["members"] as? [[String: Any]] ?? []
            switch index % 12 {
            case 0: income["wage"] = nil                                     // needs data
            case 1: income["total"] = 1                                      // a data check's warning
            case 2: region["county"] = "石柱县"                               // outside the policy's region
            case 3: object["id"] = "户\u{2028}一"                              // an id the writer escapes
            case 4: object["id"] = "丰都-\(index)"                             // an id in Chinese
            case 5: object["category"] = "monitored"; object["monitored_type"] = "unstable"  // monitored, no identification date
            case 6: income["rigid_expense"] = 90_000                         // sudden hardship
            case 7: members = members.map { var m = $0; m["labour"] = "lost"; return m }
            case 8: region = [:]                                             // no region
            case 9: object["assets"] = ["deposits": 80_000, "vehicles": [["kind": "luxury_car"]]]
            case 10: income["previous_net_per_capita"] = 999_999
            default: members = members.map { var m = $0; m["birth_date"] = nil; return m }  // birth dates by default
            }
            object["income"] = income
            object["region"] = region
            object["members"] = members
            guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { continue }
            lines.append(String(decoding: data, as: UTF8.self))
        }
        return lines
    }

    @Test(arguments: ["2021-09-30", "2022-03-15"])
    func unusualHouseholdsGiveTheSameBytesBothWays(asOfText: String) throws {
        let asOf = try #require(CivilDate.parse(asOfText))
        let lines = Self.variants()
        #expect(lines.count == 120)
        for plan in Self.plans {
            let (mismatches, _) = Self.compare(lines, plan: plan, asOf: asOf)
            #expect(mismatches.isEmpty, "\(mismatches.prefix(3).joined(separator: "\n"))")
        }
    }

    /// Keys are matched with their closing quote and colon in two words,
    /// guessed from the key before: a key spelled or spaced otherwise, longer
    /// or shorter than the guess, escaped or out of order is read the longer
    /// way or left to the general path, with the same result.
    @Test func keysSpelledOtherwiseGiveTheSameBytesBothWays() throws {
        let plan = try #require(Self.plans.first { $0.metadata.id == "chongqing/fengdu/2021" })
        let generator = HouseholdGenerator(seed: 12)
        let spellings: [(String, String)] = [
            (#""wage":"#, #""wage" :"#), (#""wage":"#, #""wage": "#), (#""wage":"#, #""wages":"#), (#""wage":"#, #""wag":"#),
            (#""wage":"#, #""wage":"#), (#""labour":"#, #""labour"\#t:"#), (#""name":"#, #""name":\#n"#),
            (#""previous_net_per_capita":"#, #""previous_net_per_capita" : "#), (#""medical_insured_all":"#, #""medical_insured_al":"#),
            (#""business":"#, #""businesses":"#), (#""id":"#, #""i":"#),
        ]
        var lines: [String] = []
        for index in 0..<(spellings.count * 6) {
            let line = generator.json(index)
            // Every other line as generated, so that the guesses are the generated order's.
            lines.append(line)
            let (from, to) = spellings[index % spellings.count]
            lines.append(line.replacingOccurrences(of: from, with: to))
        }
        let (mismatches, compiled) = Self.compare(lines, plan: plan, asOf: CivilDate(year: 2021, month: 9, day: 30)!)
        #expect(mismatches.isEmpty, "\(mismatches.prefix(3).joined(separator: "\n"))")
        // Spaces between a key and its colon are read fast all the same.
        let spaced = lines.enumerated().filter { $0.offset % 2 == 1 && $0.element.contains(#""wage" :"#) }.map(\.element)
        let evaluator = HouseholdEvaluator(plan: plan, asOf: CivilDate(year: 2021, month: 9, day: 30)!)
        #expect(!spaced.isEmpty && spaced.contains { evaluator.isDecidedCompiled(Self.raw($0, 1)) })
        #expect(compiled > lines.count / 2)
    }

    /// A data check whose left side is unknown is not evaluated further in
    /// the compiled path (its right side could only make it unknown or
    /// fail, and a check that fails says nothing): households whose right
    /// side would divide by zero, overflow or hold, with the left side
    /// given or not, give the same bytes both ways.
    @Test func dataChecksWithAnUnknownSideGiveTheSameBytesBothWays() throws {
        let plan = try #require(Self.plans.first { $0.metadata.id == "chongqing/fengdu/2021" })
        let generator = HouseholdGenerator(seed: 21)
        var lines: [String] = []
        for index in 0..<40 {
            guard var object = (try? JSONSerialization.jsonObject(with: Data(generator.json(index).utf8))) as? [String: Any] else { continue }
            var income = object["income"] as? [String: Any] ?? [:]
            switch index % 5 {
            case 0: object["members"] = []                                            // a division by zero on the right
            case 1: object["members"] = []; income["net_per_capita"] = 100            // the same, the left given
            case 2: income["wage"] = 999_999_999_999_999; income["business"] = 999_999_999_999_999  // large sums on the right
            case 3: income["net_per_capita"] = 1; income["total"] = nil               // a check that fails, one unknown
            default: income["net_per_capita"] = nil                                  // the common case
            }
            object["income"] = income
            guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { continue }
            lines.append(String(decoding: data, as: UTF8.self))
        }
        #expect(lines.count == 40)
        for asOf in [CivilDate(year: 2021, month: 9, day: 30)!, CivilDate(year: 2022, month: 3, day: 15)!] {
            let (mismatches, compiled) = Self.compare(lines, plan: plan, asOf: asOf)
            #expect(mismatches.isEmpty, "\(mismatches.prefix(3).joined(separator: "\n"))")
            #expect(compiled >= 8, "the common case is decided compiled: \(compiled)")
        }
    }

    /// A data check that cannot be worked out (here a division by zero) says
    /// nothing, as docs/language.md has it, in both paths.
    @Test func aDataCheckThatCannotBeWorkedOutSaysNothing() throws {
        let shipped = try String(contentsOf: Fixtures.url("policies/schema/household/v1.policy"), encoding: .utf8)
        let anchor = "record income \"收支情况\" {\n"
        try #require(shipped.contains(anchor))
        let check = "  check by_nobody \"除以零\" warning on wage:\n    wage / (count(members) - count(members)) > 1 yuan/person/year\n"
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("policy-schema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("v1.policy")
        try shipped.replacingOccurrences(of: anchor, with: anchor + check).write(to: path, atomically: true, encoding: .utf8)
        let loadedSchema = PolicyEngine().loadSchema(at: path.path)
        let schema = try #require(loadedSchema.schema, "\(loadedSchema.diagnostics)")
        let loaded = PolicyEngine().load(text: PolicyTesting.header + "category any_household { when true }\n", schema: schema)
        let plan = try #require(loaded.plan, "\(loaded.diagnostics)")
        let lines = (0..<10).map(HouseholdGenerator(seed: 6).json)
        let (mismatches, _) = Self.compare(lines, plan: plan, asOf: CivilDate(year: 2021, month: 9, day: 30)!)
        #expect(mismatches.isEmpty, "\(mismatches.prefix(3).joined(separator: "\n"))")
        let evaluator = HouseholdEvaluator(plan: plan, asOf: CivilDate(year: 2021, month: 9, day: 30)!)
        for (index, line) in lines.enumerated() {
            let output = String(decoding: evaluator.evaluateLine(Self.raw(line, index + 1), firstLineOfID: nil, format: .jsonl).output, as: UTF8.self)
            #expect(!output.contains("by_nobody") && output.contains("\"decision\":\"include\""), "\(output)")
        }
    }

    /// Outside data checks an error is an answer: a rule whose left side
    /// is unknown and whose right side divides by zero is an error in the
    /// general path, so the compiled one evaluates the right side too (and
    /// gives up), even where `otherwise` would turn unknown into false.
    @Test func outsideChecksTheRightSideIsEvaluatedAfterAnUnknownLeft() throws {
        let loaded = PolicyTesting.load("""
        exclude odd "除以零" {
          when (income.rigid_expense / count(members) < income.wage / (count(members) - count(members))) otherwise false
        }
        """)
        let plan = try #require(loaded.plan, "\(loaded.diagnostics)")
        let generator = HouseholdGenerator(seed: 4)
        let lines = (0..<20).map(generator.json).filter { !$0.contains("rigid_expense") }
        #expect(!lines.isEmpty)
        let (mismatches, compiled) = Self.compare(lines, plan: plan, asOf: CivilDate(year: 2021, month: 9, day: 30)!)
        #expect(mismatches.isEmpty, "\(mismatches.prefix(3).joined(separator: "\n"))")
        #expect(compiled == 0, "each is an error, which the general path writes")
    }

    @Test func whatNeedsAMessageIsLeftToTheGeneralPath() throws {
        let plan = try #require(Self.plans.first { $0.metadata.id == "chongqing/fengdu/2021" })
        let evaluator = HouseholdEvaluator(plan: plan, asOf: CivilDate(year: 2021, month: 9, day: 30)!)
        let lines = Self.variants()
        // Needs data (the wage missing), a data check's warning, a region outside the policy, an escaped id.
        for index in [0, 1, 2, 3] {
            #expect(!evaluator.isDecidedCompiled(Self.raw(lines[index], 1)), "variant \(index)")
        }
        #expect(evaluator.isDecidedCompiled(Self.raw(lines[4], 1)), "an id in Chinese is plain text")
        #expect(!HouseholdEvaluator(plan: plan, asOf: CivilDate(year: 2021, month: 9, day: 30)!, explain: true).isCompiled)
        #expect(!HouseholdEvaluator(plan: plan, asOf: CivilDate(year: 2021, month: 9, day: 30)!, maskPersonalData: true).isCompiled)
    }

    /// A whole input as `policy eval` reads it (a byte-order mark, CRLF line
    /// ends, a broken line, an empty one, a repeated id, an array), through the
    /// pipeline: the compiled path and the general path write the same bytes.
    @Test(arguments: [1, 2])
    func aMixedInputGivesTheSameBytesBothWays(threads: Int) throws {
        let plan = try #require(Self.plans.first { $0.metadata.id == "chongqing/fengdu/2021" })
        let generator = HouseholdGenerator(seed: 21)
        var lines = (0..<700).map(generator.json)
        lines.insert("{\"id\": \"broken\", \"members\": [", at: 10)
        lines.insert("", at: 20)
        lines.insert(lines[30], at: 500)
        lines.insert("[1, 2]", at: 40)
        let text = "\u{FEFF}" + lines.joined(separator: "\r\n") + "\n"
        let evaluator = HouseholdEvaluator(plan: plan, asOf: CivilDate(year: 2021, month: 9, day: 30)!)
        func run(compiled: Bool) -> [UInt8] {
            var source = JSONLinesRecordSource(reader: JSONLinesReader(source: MemoryByteSource(Array(text.utf8), chunkSize: 4096)),
                                               defersParsing: true)
            var output: [UInt8] = []
            EvaluationPipeline(threads: threads, batchSize: 64).run(&source, work: { raw, first in
                let result = compiled ? evaluator.evaluateLine(raw, firstLineOfID: first, format: .jsonl)
                    : evaluator.evaluateLineByGeneralPath(raw, firstLineOfID: first, format: .jsonl)
                return (result.id, result.output)
            }, emit: { output.append(contentsOf: $0) })
            return output
        }
        let general = run(compiled: false)
        #expect(run(compiled: true) == general)
        #expect(String(decoding: general, as: UTF8.self).split(separator: "\n").count == 703, "the empty line gives no result")
    }

    /// `--policies`: the region a household states chooses its policy; read
    /// into slots once, it gets the same bytes as the general path gives.
    @Test(arguments: ["2021-09-30", "2023-12-31"])
    func choosingThePolicyByRegionGivesTheSameBytesBothWays(asOfText: String) throws {
        let asOf = try #require(CivilDate.parse(asOfText))
        let selector = PolicySelector(plans: Self.plans, asOf: asOf, folder: "policies")
        let regions = Self.plans.map(\.metadata.region) + [["西藏自治区"], []]
        let generator = HouseholdGenerator(seed: 77)
        var compiled = 0
        for index in 0..<600 {
            let line = Self.moved(generator.json(index), to: regions[index % regions.count])
            let record = Self.raw(line, index + 1)
            let general = Array(ResultWriter.line(selector.evaluate(record, firstLineOfID: nil), .jsonl).utf8)
            let chosen = selector.evaluateLine(record, firstLineOfID: nil, format: .jsonl)
            #expect(chosen.output == general, "line \(index + 1): \(String(decoding: general, as: UTF8.self))")
            if chosen.output != general { return }
            if let reader = selector.evaluators.lazy.compactMap(\.lane).first,
               selector.compiledLine(Array(line.utf8), line: index + 1, reader: reader) != nil { compiled += 1 }
        }
        // Those with a policy for their region and year are decided compiled.
        #expect(compiled > 150, "\(compiled) of 600 decided compiled")
    }

    /// Records the general reader reads (CSV here) are decided compiled too,
    /// once read: the same results as the general path's.
    @Test func csvRecordsGiveTheSameResultsBothWays() throws {
        let plan = try #require(Self.plans.first { $0.metadata.id == "chongqing/fengdu/2021" })
        let generator = HouseholdGenerator(seed: 31)
        var text = HouseholdGenerator.csvHeader + "\n"
        for index in 0..<400 { for row in generator.csvRows(index) { text += row + "\n" } }
        var source = CSVRecordSource(rows: CSVReader(source: MemoryByteSource(Array(text.utf8), chunkSize: 4096)), schema: plan.schema)
        let evaluator = HouseholdEvaluator(plan: plan, asOf: CivilDate(year: 2021, month: 9, day: 30)!)
        var count = 0
        while let record = source.next() {
            count += 1
            let result = evaluator.evaluate(record, firstLineOfID: nil)
            let general = evaluator.evaluateByGeneralPath(record, firstLineOfID: nil)
            #expect(ResultWriter.line(result, .jsonl) == ResultWriter.line(general, .jsonl), "record \(count)")
            #expect(ResultWriter.line(result, .csv) == ResultWriter.line(general, .csv))
            #expect(result.township == general.township && result.village == general.village)
        }
        #expect(count == 400)
    }

    @Test func aDuplicateIDIsReportedAsByTheGeneralPath() throws {
        let plan = try #require(Self.plans.first { $0.metadata.id == "chongqing/fengdu/2021" })
        let evaluator = HouseholdEvaluator(plan: plan, asOf: CivilDate(year: 2021, month: 9, day: 30)!)
        let line = HouseholdGenerator(seed: 2).json(0)
        let repeated = evaluator.evaluateLine(Self.raw(line, 9), firstLineOfID: 3, format: .jsonl)
        #expect(repeated.decision == .error)
        #expect(String(decoding: repeated.output, as: UTF8.self).contains("E0607"))
    }

    /// The reader finds the end of a string eight bytes at a time; it must
    /// find what a byte-by-byte scan finds, wherever the end falls.
    @Test func theEndOfAStringIsFoundAsByteByByte() {
        var generator = SplitMix64(seed: 99)
        let alphabet: [UInt8] = [0x41, 0x7A, 0x20, 0x7F, 0x80, 0xE4, 0xFF, 0x22, 0x5C, 0x00, 0x1F, 0x0A, 0x21, 0x5B]
        for _ in 0..<5000 {
            let count = Int(generator.next() % 40)
            let bytes = (0..<count).map { _ in generator.next() % 4 == 0 ? alphabet[Int(generator.next() % UInt64(alphabet.count))] : 0x61 }
            let start = count == 0 ? 0 : Int(generator.next() % UInt64(count))
            var end = start
            var ascii = true
            while end < count, bytes[end] != 0x22, bytes[end] != 0x5C, bytes[end] >= 0x20 {
                if bytes[end] >= 0x80 { ascii = false }
                end += 1
            }
            let found = (bytes + [0]).withUnsafeBufferPointer { buffer in
                FastRecordDecoder.Reader(bytes: UnsafeBufferPointer(rebasing: buffer[0..<count]), tables: Self.tables, limits: .default)
                    .stringEnd(from: start)
            }
            #expect(found.end == end && found.ascii == ascii, "\(bytes) from \(start)")
        }
    }

    static let tables = FastRecordDecoder(schema: plans[0].schema).tables

    @Test func textIsValidatedAsUTF8() {
        let valid = Array("丰都县 ok é 😀".utf8)
        #expect(valid.withUnsafeBufferPointer(UTF8Validation.isValid))
        for invalid: [UInt8] in [[0xFF], [0xC0, 0x80], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE4, 0xB8]] {
            #expect(!invalid.withUnsafeBufferPointer(UTF8Validation.isValid), "\(invalid)")
            #expect(String(validating: invalid, as: UTF8.self) == nil)
        }
        // Three-byte sequences (Chinese is read by a shorter way), alone and
        // after a character: the same answer as the standard library's.
        for lead in UInt8(0xE0)...0xEF {
            for second in UInt8(0x70)...0xC5 {
                for third: UInt8 in [0x41, 0x7F, 0x80, 0x9F, 0xA0, 0xBF, 0xC0] {
                    for sequence: [UInt8] in [[lead, second, third], Array("县".utf8) + [lead, second, third], [lead, second]] {
                        let fast = sequence.withUnsafeBufferPointer(UTF8Validation.isValid)
                        #expect(fast == (String(validating: sequence, as: UTF8.self) != nil), "\(sequence)")
                    }
                }
            }
        }
    }
}
