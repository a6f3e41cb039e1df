import Foundation
import Testing
@testable import Interpreter

/// A policy reads files only under its policies root: `extends`, `schema`,
/// `calendar` and `source` never reach anything else on the machine.
@Suite struct ConfinementTests {
    /// A copy of `policies/` in a fresh folder, with a secret file beside it.
    struct Sandbox {
        let folder: URL
        var policies: URL { folder.appendingPathComponent("policies") }
        var secret: URL { folder.appendingPathComponent("secret.policy") }

        init() throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("policy-confinement-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: Fixtures.url("policies"), to: folder.appendingPathComponent("policies"))
            try "policy secret/2022 { region \"河北省\" year 2022 schema household/v1 }\n".write(to: secret, atomically: true, encoding: .utf8)
        }

        func write(_ relative: String, _ text: String) throws -> String {
            let url = policies.appendingPathComponent(relative)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
            return url.path
        }

        func link(_ relative: String, to target: URL) throws {
            let url = policies.appendingPathComponent(relative)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: url.path, withDestinationPath: target.path)
        }

        func remove() { try? FileManager.default.removeItem(at: folder) }
    }

    static func codes(_ path: String) -> [String] {
        PolicyEngine().check(path: path).filter { $0.severity == .error }.map(\.code.rawValue)
    }

    @Test(arguments: ["../../etc/passwd", "/etc/passwd", "\"../secret.policy\"", "hebei/../../secret", "./hebei/2022"])
    func aPathInExtendsIsRefused(_ written: String) throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let path = try sandbox.write("test/county/2022.policy", "policy test/county/2022 extends \(written) {\n  region \"河北省\"\n  year 2022\n}\n")
        #expect(Self.codes(path) == ["E0209"])
    }

    @Test(arguments: ["schema ../../etc/passwd", "schema /etc/passwd", "calendar ../cn", "calendar /etc"])
    func aPathInTheHeaderIsRefused(_ clause: String) throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let path = try sandbox.write("test/2022.policy", "policy test/2022 {\n  region \"河北省\"\n  year 2022\n  \(clause)\n}\n")
        #expect(Self.codes(path).first == "E0209")
    }

    @Test func aBaseThatIsALinkOutsideIsRefused() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        try sandbox.link("evil/2022.policy", to: sandbox.secret)
        let path = try sandbox.write("test/county/2022.policy", "policy test/county/2022 extends evil/2022 {\n  region \"河北省\"\n  year 2022\n}\n")
        let diagnostics = PolicyEngine().check(path: path)
        #expect(diagnostics.map(\.code.rawValue) == ["E0004"])
        #expect(diagnostics.first?.message.contains("leads outside the policies root") == true)
        // The same link pointing inside the root is followed as usual.
        try FileManager.default.removeItem(at: sandbox.policies.appendingPathComponent("evil/2022.policy"))
        try sandbox.link("evil/2022.policy", to: sandbox.policies.appendingPathComponent("hebei/2022.policy"))
        let inside = try sandbox.write("test/county/2022.policy", "policy test/county/2022 extends evil/2022 {\n  region \"河北省\"\n  year 2022\n}\n")
        #expect(Self.codes(inside).isEmpty)
    }

    @Test func aSchemaThatIsALinkOutsideIsRefused() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        try sandbox.link("schema/evil/v1.policy", to: sandbox.secret)
        let path = try sandbox.write("test/2022.policy", "policy test/2022 {\n  region \"河北省\"\n  year 2022\n  schema evil/v1\n}\n")
        #expect(Self.codes(path) == ["E0004"])
    }

    @Test func aCalendarFileThatIsALinkOutsideIsRefused() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        try sandbox.link("calendar/evil/2022.policy", to: sandbox.secret)
        let path = try sandbox.write("test/2022.policy", "policy test/2022 {\n  region \"河北省\"\n  year 2022\n  schema household/v1\n  calendar evil\n}\n")
        #expect(Self.codes(path) == ["E0004"])
    }

    @Test func filesAboveThePoliciesRootAreNotSearched() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        // `secret.policy` sits beside `policies/`: an id that would find it by
        // walking above the root finds nothing.
        let path = try sandbox.write("test/county/2022.policy", "policy test/county/2022 extends secret {\n  region \"河北省\"\n  year 2022\n}\n")
        #expect(Self.codes(path) == ["E0515"])
        #expect(Workspace().policiesRoot(for: path) == sandbox.policies.standardizedFileURL.path)
        #expect(!Workspace().roots(for: path).contains(sandbox.folder.standardizedFileURL.path))
    }
}
