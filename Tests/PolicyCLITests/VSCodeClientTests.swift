import Foundation
import Testing

/// `node`, found on the `PATH` as a shell would.
private let node: URL? = {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    return path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent("node") }
        .first { FileManager.default.isExecutableFile(atPath: $0.path) }
}()

/// The VS Code extension's own client (`editors/vscode/extension.js`), run by
/// `editors/vscode/test/client.test.js` with a stub of the `vscode` module
/// against the built `policy lsp`.
@Suite("VS Code client")
struct VSCodeClientTests {
    @Test("the extension starts `policy lsp` and maps diagnostics, hover, completion, formatting and symbols",
          .enabled(if: node != nil, "node is needed to run the VS Code client against the server"))
    func clientDrivesTheServer() throws {
        let node = try #require(node)
        let policy = try #require(CLI.executable, "the `policy` binary was not found; run `swift build` first")
        let process = Process()
        process.executableURL = node
        process.arguments = [CLI.path("editors/vscode/test/client.test.js"), policy.path]
        process.currentDirectoryURL = CLI.root
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        // Read while it runs, so a large output cannot block it.
        nonisolated(unsafe) var data = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            data = output.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        // The script stops itself after 20 s; this is a backstop.
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning {
            process.terminate()
            Issue.record("client.test.js ran longer than 60 s")
        }
        process.waitUntilExit()
        group.wait()
        let text = String(decoding: data, as: UTF8.self)
        #expect(process.terminationStatus == 0, "client.test.js failed:\n\(text)")
    }
}
