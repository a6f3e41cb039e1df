// Shared by every fuzz harness (compiled into each one): where the policies
// are, and how a broken promise is reported.
import Foundation
import Lexer
@testable import Interpreter

enum FuzzSupport {
    /// The policies folder: $POLICY_ROOT, else `policies/` of this checkout.
    static let policiesRoot: String = {
        if let root = ProcessInfo.processInfo.environment["POLICY_ROOT"], !root.isEmpty {
            return URL(fileURLWithPath: root).standardizedFileURL.path
        }
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("policies").standardizedFileURL.path
    }()

    /// One engine for the whole run, so that the schema, calendars and base
    /// policies are parsed once (its cache is keyed by path, size and mtime).
    static let engine = PolicyEngine()

    /// Stops the run with a message libFuzzer keeps next to the stack trace.
    static func fail(_ message: String, _ detail: @autoclosure () -> String = "") -> Never {
        let text = "FUZZ PROPERTY VIOLATED: \(message)\n\(detail())\n"
        FileHandle.standardError.write(text.data(using: .utf8)!)
        fatalError(message)
    }

    /// Loads household/v1 from the policies folder (fatal when it does not load:
    /// the harness is pointless without it).
    static func loadSchema() -> Schema {
        let path = policiesRoot + "/schema/household/v1.policy"
        let (schema, diagnostics) = engine.loadSchema(at: path)
        guard let schema else {
            fatalError("cannot load the schema \(path): \(DiagnosticRenderer.render(diagnostics))")
        }
        return schema
    }

    /// Every diagnostic must render, and a range in `source` must lie inside it.
    static func checkDiagnostics(_ diagnostics: [Diagnostic], source: SourceFile) {
        let length = source.scalars.count
        for diagnostic in diagnostics {
            _ = DiagnosticRenderer.render(diagnostic)
            guard diagnostic.file?.path == source.path, let range = diagnostic.range else { continue }
            if range.start > length || range.end > length {  // as RobustnessTests asks
                fail("diagnostic \(diagnostic.code) has range \(range.start)..<\(range.end) outside a text of \(length) scalars",
                     DiagnosticRenderer.render(diagnostic))
            }
        }
    }
}
