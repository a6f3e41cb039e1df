import Foundation
import Testing

@Suite("policy fmt")
struct FmtCommandTests {
    @Test func theShippedPoliciesAreFormatted() throws {
        let run = try CLI.run(["fmt", "--check", "policies/"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.isEmpty)
    }

    @Test func checkNamesTheFilesThatWouldChangeAndFmtRestoresThem() throws {
        let folder = try CLI.copyOfPolicies()
        defer { try? FileManager.default.removeItem(at: folder) }
        let county = folder.appendingPathComponent("policies/hebei/laiyuan/2022.policy")
        let original = try String(contentsOf: county, encoding: .utf8)
        // Re-indented, with runs of spaces and a clause split over two lines.
        let scrambled = original.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            line.hasPrefix("  ") ? "     " + line.drop { $0 == " " }.replacingOccurrences(of: " = ", with: "   =   ") : String(line)
        }.joined(separator: "\n").replacingOccurrences(of: "deadline 15 days", with: "deadline\n   15 days")
        try scrambled.write(to: county, atomically: true, encoding: .utf8)

        let check = try CLI.run(["fmt", "--check", "policies"], in: folder)
        #expect(check.status == 1)
        #expect(check.stdout == "policies/hebei/laiyuan/2022.policy\n")
        #expect(try String(contentsOf: county, encoding: .utf8) == scrambled, "--check writes nothing")

        let fmt = try CLI.run(["fmt", "policies"], in: folder)
        #expect(fmt.status == 0, "\(fmt.stderr)")
        #expect(try String(contentsOf: county, encoding: .utf8) == original)
        #expect(try CLI.run(["fmt", "--check", "policies"], in: folder).status == 0)
    }

    @Test func aFileWithSyntaxErrorsIsLeftAsItIs() throws {
        let folder = try CLI.copyOfPolicies()
        defer { try? FileManager.default.removeItem(at: folder) }
        let broken = folder.appendingPathComponent("policies/broken.policy")
        let text = "param   x = (1\n"
        try text.write(to: broken, atomically: true, encoding: .utf8)
        let run = try CLI.run(["fmt", broken.path])
        #expect(run.status == 1)
        #expect(run.stderr.contains("has syntax errors; it is not formatted"))
        #expect(try String(contentsOf: broken, encoding: .utf8) == text)
    }
}
