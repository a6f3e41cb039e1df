import Foundation
import Testing
@testable import Interpreter

/// A household's slots keep only the fields the compiled plan reads
/// (`SlotLayout`), and every field is read from where the layout keeps it.
@Suite struct SlotLayoutTests {
    static let asOf = CivilDate(year: 2021, month: 9, day: 30)!

    static func lane(_ plan: Plan) throws -> CompiledLane {
        try #require(CompiledLane(plan: plan, asOf: asOf, limits: .default), "the plan compiles")
    }

    /// The names of the fields of record type `name` the layout keeps.
    static func kept(_ lane: CompiledLane, _ name: String) throws -> [String] {
        let schema = lane.plan.plan.schema
        let type = try #require(schema.records.firstIndex { $0.name == name }, "record \(name)")
        return schema.records[type].fields.filter { lane.plan.layout.slot(type, $0.slot) >= 0 }.map(\.name)
    }

    @Test func fengduKeepsOnlyWhatItReads() throws {
        let plan = try #require(CompiledEvaluationTests.plans.first { $0.metadata.id == "chongqing/fengdu/2021" })
        let lane = try Self.lane(plan)
        // The name is required; the id number is read by a check and a
        // default, which fills in the birth date; the policy reads labour
        // and public servants.
        #expect(try Self.kept(lane, "member") == ["name", "id_number", "birth_date", "labour", "public_servant"])
        // The event's amount and note are read by nothing.
        #expect(try Self.kept(lane, "event") == ["kind", "date", "member", "self_paid"])
        // The region check and the reports by place read these; `city` and `group` nothing.
        #expect(try Self.kept(lane, "region") == ["province", "county", "township", "village"])
        let household = try Self.kept(lane, "household")
        #expect(!household.contains("relocation_site") && !household.contains("identification_review") && household.contains("events"))
        // Kept fields are numbered from 0 in the schema's order.
        let schema = plan.schema
        for type in schema.records.indices {
            let slots = schema.records[type].fields.map { lane.plan.layout.slot(type, $0.slot) }.filter { $0 >= 0 }
            #expect(slots == Array(0..<slots.count))
            #expect(Int(lane.plan.layout.width[type]) == slots.count)
        }
    }

    /// The shipped schema with a field no rule reads at the start of every
    /// record, so that every field the rules read is kept in another place
    /// than the schema numbers it.
    static func shiftedSchema() throws -> Schema {
        var text = try String(contentsOf: Fixtures.url("policies/schema/household/v1.policy"), encoding: .utf8)
        var lines: [String] = []
        for line in text.components(separatedBy: "\n") {
            lines.append(line)
            if line.hasPrefix("record "), line.hasSuffix("{") { lines.append("  extra: text \"附加\"") }
        }
        text = lines.joined(separator: "\n")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("policy-layout-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("v1.policy")
        try text.write(to: path, atomically: true, encoding: .utf8)
        let loaded = PolicyEngine().loadSchema(at: path.path)
        return try #require(loaded.schema, "\(loaded.diagnostics)")
    }

    /// Generated households, some with the unread `extra` field given at
    /// every depth (read and checked, not kept), and some with it of the
    /// wrong type (the general path's error either way).
    static func households(_ count: Int) -> [String] {
        let generator = HouseholdGenerator(seed: 19)
        return (0..<count).map { index in
            let line = generator.json(index)
            guard index % 3 != 0, var object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else { return line }
            let value: Any = index % 30 == 1 ? 7 : "附加\(index)"
            object["extra"] = value
            for key in ["region", "income", "assets", "monitoring"] {
                if var inner = object[key] as? [String: Any] {
                    inner["extra"] = value
                    object[key] = inner
                }
            }
            for key in ["members", "events"] {
                if let list = object[key] as? [[String: Any]] { object[key] = list.map { $0.merging(["extra": value]) { $1 } } }
            }
            guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return line }
            return String(decoding: data, as: UTF8.self)
        }
    }

    static let header = PolicyTesting.header

    /// Fields read every way a plan reads them: paths from the household,
    /// the quantifiers' variables at two depths, a `let` of a record and of
    /// a list, a field of a computed record, checks and defaults of nested
    /// records (the schema's), and events that trigger alerts.
    static let body = """
    let own_assets = assets
    let cars = assets.vehicles
    let money = if category == monitored then income else income
    category luxury "享受型用车" { when any(v in cars: v.kind == luxury_car) otherwise false }
    category eliminated "风险已消除" { when (if known(monitoring) then monitoring else monitoring).risk_eliminated otherwise false }
    category weak_and_paying "弱劳力且自付" {
      when any(m in members: m.labour == weak and any(e in events where e.kind == medical_expense: (e.self_paid > 500 yuan) otherwise false))
    }
    category high_wage "工资高" { when money.wage > 30000 yuan/year }
    category deposits "存款" { when own_assets.deposits >= 20000 yuan otherwise false }
    category rest "其余" { when true }
    exclude commercial_housing "商品房" { when assets.commercial_housing > 0 otherwise false }
    alert medical "医疗" {
      to "医保局"
      on e in events where e.kind == medical_expense
      immediately
    }
    alert dropout "辍学" {
      to "教委"
      on e in events where e.kind in [school_dropout, disaster]
      immediately
    }
    """

    /// Every record is read with its fields moved, one by one, in blocks, and
    /// as records the general reader has read: the bytes the general path gives.
    @Test func fieldsKeptElsewhereGiveTheSameBytes() throws {
        let schema = try Self.shiftedSchema()
        let loaded = PolicyEngine().load(text: Self.header + Self.body, schema: schema)
        let plan = try #require(loaded.plan, "\(loaded.diagnostics)")
        let fengduText = try String(contentsOf: Fixtures.url("policies/chongqing/fengdu/2021.policy"), encoding: .utf8)
        let fengdu = try #require(PolicyEngine().load(text: fengduText, schema: schema, calendar: PolicyTesting.calendar).plan)
        let lines = Self.households(600)
        for plan in [plan, fengdu] {
            let lane = try Self.lane(plan)
            for name in ["household", "region", "member", "income", "assets", "vehicle", "monitoring", "event"] {
                let kept = try Self.kept(lane, name)
                #expect(!kept.contains("extra") && !kept.isEmpty, "\(name) keeps \(kept)")
            }
            let (mismatches, compiled) = CompiledEvaluationTests.compare(lines, plan: plan, asOf: Self.asOf)
            #expect(mismatches.isEmpty, "\(mismatches.prefix(2).joined(separator: "\n"))")
            #expect(compiled > 500, "\(compiled) of 600 decided compiled")
            let (together, general) = CompiledEvaluationTests.compareInBlocks(lines, plan: plan, asOf: Self.asOf)
            #expect(together == general, "decided in blocks, the households get other bytes than by the general path")
        }
    }

    /// A plan whose paths cannot all be followed to their record types keeps
    /// every field where the schema numbers it.
    @Test func readsNotKnownKeepEverything() {
        var reads = FieldReads(PolicyTesting.schema)
        reads.read(0, 10_000)
        #expect(!reads.complete)
        reads.keepAll()
        #expect(reads.kept.allSatisfy { $0.allSatisfy { $0 } })
        #expect(zip(reads.kept, PolicyTesting.schema.records).allSatisfy { $0.count == $1.fields.count })
    }
}
