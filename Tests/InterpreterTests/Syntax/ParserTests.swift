import Foundation
import Testing
import Lexer
@testable import Interpreter

private func parse(_ text: String) -> (file: PolicyFile, diagnostics: [Diagnostic]) {
    Parser.parse(SourceFile(path: "t.policy", text: text))
}

/// An expression as an S-expression, to show how it was grouped.
private func sexpr(_ expr: Expr) -> String {
    switch expr.kind {
    case .number(let text, let unit): return unit.map { "\(text)[\($0.words.map(\.text).joined(separator: "/"))]" } ?? text
    case .percent(let text): return "\(text)%"
    case .string(let text): return "\"\(text)\""
    case .date(let text): return text
    case .bool(let value): return "\(value)"
    case .name(let name): return name.text
    case .member(let base, let field): return "\(sexpr(base)).\(field.text)"
    case .unary(let op, let operand): return "(\(op.rawValue) \(sexpr(operand)))"
    case .binary(let op, let a, let b): return "(\(op.rawValue) \(sexpr(a)) \(sexpr(b)))"
    case .conditional(let c, let a, let b): return "(if \(sexpr(c)) \(sexpr(a)) \(sexpr(b)))"
    case .otherwise(let a, let b): return "(otherwise \(sexpr(a)) \(sexpr(b)))"
    case .call(let name, let arguments): return "(\(name.text) \(arguments.map(sexpr).joined(separator: " ")))"
    case .quantifier(let kind, let variable, let list, let filter, let body):
        let parts = [variable.text, sexpr(list)] + [filter.map { "where " + sexpr($0) }, body.map { ": " + sexpr($0) }].compactMap { $0 }
        return "(\(kind.rawValue) \(parts.joined(separator: " ")))"
    case .list(let elements): return "[\(elements.map(sexpr).joined(separator: " "))]"
    case .invalid: return "<invalid>"
    }
}

/// The expression of `let x = TEXT`.
private func expression(_ text: String) -> (String, [Diagnostic]) {
    let (file, diagnostics) = parse("let x = \(text)\n")
    guard case .value(let value)? = file.declarations.first else { return ("<none>", diagnostics) }
    return (sexpr(value.value), diagnostics)
}

@Suite struct ParserTests {
    @Test(arguments: [
        ("a and b or c", "(or (and a b) c)"),
        ("a or b and c", "(or a (and b c))"),
        ("not a == b", "(not (== a b))"),
        ("not not a", "(not (not a))"),
        ("a - b - c", "(- (- a b) c)"),
        ("a + b * c", "(+ a (* b c))"),
        ("(a + b) * c", "(* (+ a b) c)"),
        ("-a * b", "(* (- a) b)"),
        ("a and b otherwise false", "(otherwise (and a b) false)"),
        ("a otherwise b otherwise c", "(otherwise (otherwise a b) c)"),
        ("if a then 1 else if b then 2 else 3", "(if a 1 (if b 2 3))"),
        ("x in [a, b]", "(in x [a b])"),
        ("x not in [a, b,]", "(not in x [a b])"),
        ("m.labour in [lost, none]", "(in m.labour [lost none])"),
        ("assets.business.owns", "assets.business.owns"),
        ("6000 yuan/person/year", "6000[yuan/person/year]"),
        ("6000 元/人/年", "6000[元/人/年]"),
        ("6 个月", "6[个月]"),
        ("5 working days", "5[working days]"),
        ("6000 yuan / count(members)", "(/ 6000[yuan] (count members))"),
        ("50%", "50%"),
        ("2021-06-30", "2021-06-30"),
        ("round(x / 3, 2)", "(round (/ x 3) 2)"),
        ("any(v in assets.vehicles: v.kind == ship)", "(any v assets.vehicles : (== v.kind ship))"),
        ("sum(e in events where e.kind == medical_expense: e.self_paid)", "(sum e events where (== e.kind medical_expense) : e.self_paid)"),
        ("count(members)", "(count members)"),
        ("count(m in members: m.labour == none)", "(count m members : (== m.labour none))"),
        ("min(a, b)", "(min a b)"),
    ])
    func expressionsGroupByPrecedence(text: String, expected: String) {
        let (shape, diagnostics) = expression(text)
        #expect(diagnostics.isEmpty, "\(diagnostics.map(\.message))")
        #expect(shape == expected)
    }

    @Test func aHeaderReadsEveryClause() throws {
        let (file, diagnostics) = parse("""
        policy chongqing/fengdu/2021 {
          title  "丰都县方案"
          region "重庆市" "丰都县"
          year   2021
          schema household/v1
          source "001.txt" at "第四篇"
        }
        """)
        #expect(diagnostics.isEmpty)
        let header = try #require(file.header)
        #expect(header.kind == .policy)
        #expect(header.id.description == "chongqing/fengdu/2021")
        #expect(header.title?.value == "丰都县方案")
        #expect(header.region.map(\.value) == ["重庆市", "丰都县"])
        #expect(header.year?.value == "2021")
        #expect(header.schema?.description == "household/v1")
        #expect(header.document?.value == "001.txt")
    }

    @Test func valuesCarryTheirCitationsAndAssumptions() throws {
        let (file, diagnostics) = parse("""
        param large_deposit = 50000 yuan
          source "5.家庭成员有大额的银行存款" at "第5种情形" from "001.txt"
          assumption "原文未给出金额"
        let total = income.wage
        """)
        #expect(diagnostics.isEmpty)
        guard case .value(let param)? = file.declarations.first, case .value(let total)? = file.declarations.last else {
            Issue.record("expected two values")
            return
        }
        #expect(param.kind == .param && param.name.text == "large_deposit")
        #expect(param.provenance.citations.first?.quote.value == "5.家庭成员有大额的银行存款")
        #expect(param.provenance.citations.first?.location?.value == "第5种情形")
        #expect(param.provenance.citations.first?.document?.value == "001.txt")
        #expect(param.provenance.assumptions.map(\.value) == ["原文未给出金额"])
        #expect(total.kind == .let && total.provenance.isEmpty)
    }

    @Test func rulesAndEliminationParse() throws {
        let (file, diagnostics) = parse("""
        category marginal "边缘易致贫户" {
          when below_line and has_risk
          source "监测边缘易致贫户"
        }
        exclude deposits "大额存款" { when assets.deposits >= large_deposit otherwise false }
        exception village_review "村民代表会议" { when village_review.exception_approved otherwise false }
        monitored "已纳入监测" {
          when category == monitored
          category monitored_type
        }
        eliminate "标注风险消除" {
          require min_months "半年以上": months_between(monitoring.identified_on, today) >= 6 months
            source "原则上监测帮扶半年以上"
          forbid no_labour: all(m in members: m.labour in [lost, none])
        }
        """)
        #expect(diagnostics.isEmpty, "\(diagnostics.map(\.message))")
        let rules = file.declarations.compactMap { declaration -> RuleDeclaration? in
            if case .rule(let rule) = declaration { return rule }
            return nil
        }
        #expect(rules.map(\.kind) == [.category, .exclude, .exception, .monitored])
        #expect(rules.map(\.name.text) == ["marginal", "deposits", "village_review", "monitored"])
        #expect(rules[0].label?.value == "边缘易致贫户")
        #expect(rules[0].provenance.citations.count == 1)
        #expect(rules[3].categoryExpression.map(sexpr) == "monitored_type")
        guard case .eliminate(let elimination)? = file.declarations.last else {
            Issue.record("expected eliminate last")
            return
        }
        #expect(elimination.conditions.map(\.kind) == [.require, .forbid])
        #expect(elimination.conditions.map(\.name.text) == ["min_months", "no_labour"])
        #expect(elimination.conditions[0].provenance.citations.count == 1)
        #expect(elimination.conditions[1].label == nil)
    }

    @Test func schemaDeclarationsParse() throws {
        let (file, diagnostics) = parse("""
        schema household/v1 { title "农户" }
        enum labour "劳动技能" {
          skilled "技能劳动力"
          weak "弱劳动力或半劳动力" alias "弱劳动力" alias "半劳动力",
          none
        }
        record member "家庭成员" unit person {
          name: text required "姓名"
          birth_date: date "出生日期" default resident_id_birth_date(id_number)
          id_number: text alias "身份证号"
          disability_grade: int 1..4
          members: list of member nonempty csv rows "member"
          events: list of event csv none
          income: income csv ""
          check id_valid "身份证号不正确" warning on id_number: resident_id_valid(id_number)
          check strict error on name: name != ""
        }
        """)
        #expect(diagnostics.isEmpty, "\(diagnostics.map(\.message))")
        #expect(file.header?.kind == .schema)
        guard case .enumeration(let labour) = file.declarations[1], case .record(let member) = file.declarations[2] else {
            Issue.record("expected an enum and a record")
            return
        }
        #expect(labour.members.map(\.name.text) == ["skilled", "weak", "none"])
        #expect(labour.members[1].aliases.map(\.value) == ["弱劳动力", "半劳动力"])
        #expect(member.unit?.text == "person")
        #expect(member.fields.map(\.name.text) == ["name", "birth_date", "id_number", "disability_grade", "members", "events", "income"])
        #expect(member.fields[0].required && member.fields[0].label?.value == "姓名")
        #expect(member.fields[1].defaultValue.map(sexpr) == "(resident_id_birth_date id_number)")
        #expect(member.fields[3].bounds?.lower == "1" && member.fields[3].bounds?.upper == "4")
        #expect(member.fields[4].nonEmpty)
        if case .rows(let prefix)? = member.fields[4].csv { #expect(prefix.value == "member") } else { Issue.record("rows") }
        if case .none? = member.fields[5].csv {} else { Issue.record("csv none") }
        if case .column(let name)? = member.fields[6].csv { #expect(name.value == "") } else { Issue.record("csv column") }
        #expect(member.checks.map(\.name.text) == ["id_valid", "strict"])
        #expect(member.checks.map(\.severity) == [.warning, .error])
        #expect(member.checks[0].field?.text == "id_number")
    }

    @Test func severalSyntaxErrorsAreEachReportedOnceAndTheRestStillParses() {
        let (file, diagnostics) = parse("""
        param a = 1 +
        param b 2
        let c = income.wage
        category x { when (a }
        let d = 3 3
        category y "乙" { when true }
        """)
        #expect(diagnostics.count == 4, "\(diagnostics.map { "\($0.location!): \($0.message)" })")
        #expect(diagnostics.map { $0.location?.line } == [2, 2, 4, 5])
        let names = file.declarations.compactMap { declaration -> String? in
            switch declaration {
            case .value(let value): return value.name.text
            case .rule(let rule): return rule.name.text
            default: return nil
            }
        }
        #expect(names.contains("c"))
        #expect(names.contains("y"))
        #expect(file.brokenNames.contains("b"))
    }

    @Test func aTestDeclarationHoldsItsHouseholdAndExpectations() throws {
        let (file, diagnostics) = parse("""
        test marginal "边缘户" {
          as_of 2021-09-30
          household {
            category: general
            members: [{ name: "张三", labour: ordinary }, { "name": "李四", labour: weak }]
            income: { wage: 9000, business: -1.5 }
            monitoring: { identified_on: 2021-03-01, risk_eliminated: false }
          }
          expect decision include
          expect exclusions none
          expect missing income.wage, guarantees.safe_water
          expect no alert medical_cost
          expect step visit due 2021-10-13
          expect green_channel true
        }
        """)
        #expect(diagnostics.isEmpty, "\(diagnostics.map(\.message))")
        guard case .test(let test)? = file.declarations.first else {
            Issue.record("no test declaration")
            return
        }
        #expect(test.asOf?.text == "2021-09-30")
        guard case .object(let members, _)? = test.household else {
            Issue.record("no household")
            return
        }
        #expect(members.map(\.key.text) == ["category", "members", "income", "monitoring"])
        let kinds = test.expectations.map { "\($0.negated ? "no " : "")\($0.kind.rawValue) \($0.values.map(\.text).joined(separator: ",")) \($0.due?.text ?? "")" }
        #expect(kinds == ["decision include ", "exclusions  ", "missing income.wage,guarantees.safe_water ", "no alert medical_cost ",
                          "step visit 2021-10-13", "green_channel true "])
    }

    @Test(arguments: [
        ("test t { expect colour red }", "E0201"),
        ("test t { household [1] }", "E0201"),
        ("test t { expect no decision include }", "E0201"),
        ("test t { household { a: } }", "E0201"),
        ("test t { as_of tomorrow }", "E0201"),
    ])
    func malformedTestsAreSyntaxErrors(text: String, code: String) {
        #expect(parse(text).1.map(\.code.rawValue).first == code)
    }

    @Test(arguments: ["(", "[", "not ", "-", "if a then "])
    func hostileNestingIsRefusedQuickly(opener: String) {
        let text = "let x = " + String(repeating: opener, count: 100_000) + "1\ncategory y { when true }\n"
        let start = Date()
        let (file, diagnostics) = parse(text)
        #expect(diagnostics.contains { $0.code.rawValue == "E0205" })
        #expect(Date().timeIntervalSince(start) < 10)
        #expect(file.declarations.contains { if case .rule = $0 { return true } else { return false } })
    }

    @Test func comparisonsDoNotChain() {
        let (_, diagnostics) = expression("0 < x < 10")
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.message.contains("do not chain") == true)
    }

    @Test(arguments: ["", "# only a comment\n", "\n\n   \n"])
    func emptyFilesParseToNothing(text: String) {
        let (file, diagnostics) = parse(text)
        #expect(file.declarations.isEmpty && diagnostics.isEmpty)
    }

    @Test func everyShippedPolicyParsesCleanly() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let enumerator = FileManager.default.enumerator(atPath: root.appendingPathComponent("policies").path)
        var count = 0
        while let relative = enumerator?.nextObject() as? String {
            guard relative.hasSuffix(".policy") else { continue }
            let text = try String(contentsOf: root.appendingPathComponent("policies/\(relative)"), encoding: .utf8)
            let (_, diagnostics) = Parser.parse(SourceFile(path: relative, text: text))
            #expect(diagnostics.isEmpty, "\(relative): \(diagnostics.map(\.message))")
            count += 1
        }
        #expect(count >= 2)
    }

    @Test func nodesCarryTheirSourceRanges() throws {
        let source = SourceFile(path: "t", text: "let 总收入 = income.wage + income.business\n")
        let (file, _) = Parser.parse(source)
        guard case .value(let value)? = file.declarations.first else { throw CancellationError() }
        #expect(source.text(value.name.range.start..<value.name.range.end) == "总收入")
        #expect(source.location(of: value.value.range.start).column == 11)
        #expect(source.text(value.value.range.start..<value.value.range.end) == "income.wage + income.business")
    }
}
