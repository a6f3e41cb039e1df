import Testing
import Lexer
@testable import Interpreter

/// Inheritance: what a policy that `extends` another ends up with.
@Suite struct ResolverTests {
    static let base = """
    policy test/base/2021 {
      region "重庆市"
      year 2021
      schema household/v1
    }
    param line = 5000 yuan/person/year
    category marginal "边缘易致贫户" { when income.wage < 6000 }
    exclude vehicle "车辆" { when false }
    alert visit "走访" { to "乡镇" every month }
    eliminate {
      require min_months "半年": true
      forbid no_labour "无劳动能力": false
    }
    """

    static func resolve(_ county: String) -> (policy: ResolvedPolicy, diagnostics: [Diagnostic]) {
        let header = """
        policy test/county/2021 extends test/base/2021 {
          region "重庆市" "丰都县"
          year 2021
        }

        """
        let (baseFile, _) = Parser.parse(SourceFile(path: "base.policy", text: base))
        let (file, syntax) = Parser.parse(SourceFile(path: "county.policy", text: header + county))
        #expect(syntax.isEmpty, "\(syntax.map(\.message))")
        let resolver = Resolver { id, _ in id == "test/base/2021" ? .file(baseFile, path: "base.policy") : .notFound }
        return resolver.resolve(file, path: "county.policy")
    }

    static func keys(_ policy: ResolvedPolicy) -> [String] {
        policy.items.map { "\(Resolver.key(of: $0.declaration)) @\($0.file.path)" }
    }

    @Test func aCountyWithoutChangesHasItsProvincesItems() {
        let (policy, diagnostics) = Self.resolve("")
        #expect(diagnostics.isEmpty)
        #expect(Self.keys(policy) == [
            "param line @base.policy", "category marginal @base.policy", "exclude vehicle @base.policy",
            "alert visit @base.policy", "condition min_months @base.policy", "condition no_labour @base.policy",
        ])
        #expect(policy.schemaID == "household/v1")
    }

    @Test func overridesKeepTheirPlaceAndNewItemsComeLast() {
        let (policy, diagnostics) = Self.resolve("""
        override param line = 6000 yuan/person/year
        override eliminate { require min_months "一年": true }
        exclude deposits "存款" { when false }
        """)
        #expect(diagnostics.isEmpty, "\(diagnostics.map(\.message))")
        #expect(Self.keys(policy) == [
            "param line @county.policy", "category marginal @base.policy", "exclude vehicle @base.policy",
            "alert visit @base.policy", "condition min_months @county.policy", "condition no_labour @base.policy",
            "exclude deposits @county.policy",
        ])
        #expect(policy.items[0].replaces?.path == "base.policy")
    }

    @Test func removalsDropTheBasesItems() {
        let (policy, diagnostics) = Self.resolve("""
        remove alert visit
        remove forbid no_labour
        """)
        #expect(diagnostics.isEmpty)
        #expect(!Self.keys(policy).contains { $0.hasPrefix("alert visit") || $0.hasPrefix("condition no_labour") })
        #expect(Self.resolve("remove eliminate").policy.items.allSatisfy { Resolver.key(of: $0.declaration).hasPrefix("condition") == false })
    }

    @Test(arguments: [
        ("override param deposit_limit = 1 yuan", "E0518"),
        ("remove category sudden_hardship", "E0518"),
        ("category marginal \"边缘\" { when true }", "E0519"),
        ("alert visit \"走访\" { to \"村\" every month }", "E0519"),
    ])
    func changesMustMatchTheBase(text: String, code: String) {
        #expect(Self.resolve(text).diagnostics.map(\.code.rawValue) == [code])
    }

    @Test func aPolicyHasOneExceptionWhateverItsName() {
        let base = Self.resolve("exception review \"评议\" { when true }")
        #expect(base.diagnostics.isEmpty)
        let (file, _) = Parser.parse(SourceFile(path: "c.policy", text: """
        policy test/c/2021 extends test/county/2021 { region "重庆市" year 2021 }
        exception other "另一评议" { when true }
        """))
        let resolver = Resolver { _, _ in .file(Parser.parse(SourceFile(path: "county.policy", text: """
            policy test/county/2021 { region "重庆市" year 2021 schema household/v1 }
            exception review "评议" { when true }
            """)).file, path: "county.policy") }
        #expect(resolver.resolve(file, path: "c.policy").diagnostics.map(\.code.rawValue) == ["E0519"])
    }
}
