import Foundation
import Testing
@testable import Interpreter

/// Every diagnostic has its Chinese text (the compiler sees that the switch of
/// `DiagnosticCatalog.chinese` covers every kind); these tests see that the
/// texts are Chinese, and that they carry a label and help exactly when the
/// English ones do.
@Suite struct ChineseCatalogueTests {
    static func isChinese(_ text: String) -> Bool {
        text.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) }
    }

    /// The diagnostics the fixtures of every code produce.
    static func fixtureDiagnostics() -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        for code in DiagnosticGoldenTests.policyFixtures {
            let path = Fixtures.url("\(DiagnosticGoldenTests.folder)/\(code).policy").path
            let engine = DiagnosticGoldenTests.engine(for: code)
            diagnostics += engine.check(path: path) + engine.lint(files: [path])
        }
        return diagnostics
    }

    @Test func everyFixtureDiagnosticHasChineseTexts() {
        let diagnostics = Self.fixtureDiagnostics()
        #expect(Set(diagnostics.map(\.code.rawValue)).count > 60)
        for diagnostic in diagnostics {
            let code = diagnostic.code.rawValue
            #expect(Self.isChinese(diagnostic.message(in: .zh)), "\(code): \(diagnostic.message(in: .zh))")
            #expect(diagnostic.message(in: .zh) != diagnostic.message(in: .en), "\(code)")
            #expect((diagnostic.label(in: .zh) == nil) == (diagnostic.label(in: .en) == nil), "\(code): label")
            #expect((diagnostic.help(in: .zh) == nil) == (diagnostic.help(in: .en) == nil), "\(code): help")
            if let help = diagnostic.help(in: .zh) { #expect(Self.isChinese(help), "\(code): \(help)") }
            // Code and severity do not depend on the language.
            #expect(DiagnosticCatalog.entry(diagnostic.kind, in: .zh).code == code)
        }
    }

    @Test func renderedChineseKeepsTheCodeForTools() throws {
        let diagnostic = try #require(Self.fixtureDiagnostics().first { $0.code.rawValue == "E0301" })
        let rendered = DiagnosticRenderer.render(diagnostic, in: .zh)
        #expect(rendered.contains(": error[E0301]: "))
        #expect(Self.isChinese(rendered))
    }

    @Test(arguments: [(["LANG": "zh_CN.UTF-8"], Language.zh), (["LANG": "C"], .en), ([:], .en),
                      (["LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"], .en), (["LC_ALL": "", "LANG": "zh_TW.UTF-8"], .zh)])
    func theLanguageComesFromTheLocale(environment: [String: String], expected: Language) {
        #expect(Language.fromEnvironment(environment) == expected)
    }
}
