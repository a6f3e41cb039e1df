import Foundation
import Testing

/// `policy report`: the page it writes for the sample households, against
/// what `policy eval` decides for them.
@Suite("policy report")
struct ReportCommandTests {
    static let samples = "policies/samples/fengdu-2021.jsonl"

    /// Headless Chromium, when installed (`apt-get install chromium`): the
    /// page's script is run only where one is.
    static let chromium: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            for name in ["chromium", "chromium-browser"] {
                let candidate = "\(folder)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }()

    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("policy-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// Runs `policy report` on the samples into a fresh folder; returns the run and the page.
    static func report(_ extra: [String] = [], environment: [String: String]? = nil) throws -> (run: CLI.Run, html: String, folder: URL) {
        let folder = try temporaryFolder()
        let page = folder.appendingPathComponent("report.html")
        let run = try CLI.run(["report", "--policy", CLI.fengdu, "--records", samples, "--as-of", "2021-09-30", "--html", page.path] + extra,
                              environment: environment)
        let html = (try? String(contentsOf: page, encoding: .utf8)) ?? ""
        return (run, html, folder)
    }

    /// What `policy eval` decides for the same input, counted by decision.
    static func evalCounts() throws -> [String: Int] {
        let eval = try CLI.evalFengdu(["--records", samples])
        var counts: [String: Int] = [:]
        for result in eval.lines.compactMap(CLI.decode) {
            counts[result["decision"] as? String ?? "?", default: 0] += 1
        }
        return counts
    }

    static let decisions = ["include", "exclude", "not_eligible", "continue", "eliminate", "remove", "needs_data", "error"]

    /// The number in `id="ID" data-value="N"`, or nil.
    static func value(of id: String, in html: String) -> Int? {
        guard let range = html.range(of: "id=\"\(id)\" data-value=\"") else { return nil }
        return Int(html[range.upperBound...].prefix { $0.isNumber })
    }

    /// The DOM of a page after its scripts ran, as headless Chromium dumps it
    /// (its complaints about D-Bus and the like on standard error are dropped).
    static func dumpDOM(_ page: URL, profile: URL, timeout: Double = 120) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium ?? "/usr/bin/chromium")
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile.path)",
                             "--dump-dom", page.absoluteString]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        nonisolated(unsafe) var data = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            data = out.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning {
            process.terminate()
            Issue.record("Chromium ran longer than \(Int(timeout)) s")
        }
        process.waitUntilExit()
        group.wait()
        return String(decoding: data, as: UTF8.self)
    }

    @Test func thePageTotalsAreTheCountsOfPolicyEval() throws {
        let (run, html, folder) = try Self.report()
        defer { try? FileManager.default.removeItem(at: folder) }
        // Seven sample records are broken on purpose: the page is written, and the status says so.
        #expect(run.status == 3, "\(run.stderr)")
        #expect(run.stderr.contains("43 households"), "\(run.stderr)")
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.hasSuffix("</html>\n"))
        #expect(html.contains("<title>") && html.contains("chongqing/fengdu/2021"))
        let expected = try Self.evalCounts()
        #expect(expected.values.reduce(0, +) == 43)
        #expect(Self.value(of: "total-households", in: html) == 43)
        for decision in Self.decisions {
            #expect(Self.value(of: "total-\(decision)", in: html) == expected[decision, default: 0], "\(decision)")
        }
        // The policy's exclusions are listed with their labels.
        #expect(html.contains("<code>deposits</code>") && html.contains("大额存款"))
        // Only the page is left in the folder: the temporary file was renamed.
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(left == ["report.html"], "\(left)")
    }

    @Test func thePageSpeaksChineseInAChineseSession() throws {
        let (run, html, folder) = try Self.report(environment: ["LANG": "zh_CN.UTF-8"])
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(run.status == 3, "\(run.stderr)")
        #expect(html.contains("<html lang=\"zh-CN\">"))
        #expect(html.contains("纳入监测") && html.contains("总体情况") && html.contains("三合街道"))
        // The broken records' place is unknown.
        #expect(html.contains("（未知）"))
    }

    @Test func aMissingOptionIsAUsageError() throws {
        let run = try CLI.run(["report", "--policy", CLI.fengdu, "--records", Self.samples])
        #expect(run.status == 2)
        #expect(run.stderr.contains("--html"))
        let help = try CLI.run(["report", "--help"])
        #expect(help.status == 0 && help.stdout.contains("USAGE: policy report"))
    }

    @Test func aFolderThatDoesNotExistIsAnErrorAndLeavesNothing() throws {
        let run = try CLI.run(["report", "--policy", CLI.fengdu, "--records", Self.samples, "--as-of", "2021-09-30",
                               "--html", "/nonexistent-folder-\(UUID().uuidString)/report.html"])
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains("error:"))
    }

    /// Runs the page's script in headless Chromium and reads the totals from
    /// the DOM it leaves. Skipped where Chromium is not installed (the rest of
    /// the page is checked above without it): Chromium is a large package that
    /// CI machines and developers' laptops need not have.
    @Test(.enabled(if: ReportCommandTests.chromium != nil, "headless Chromium is not installed (apt-get install chromium)"))
    func thePageScriptRunsInABrowserAndTheTotalsAreInTheDOM() throws {
        let (_, html, folder) = try Self.report()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(!html.isEmpty)
        let page = folder.appendingPathComponent("report.html")
        let profile = folder.appendingPathComponent("profile")
        let dom = try Self.dumpDOM(page, profile: profile)
        // The script's last line marks the body: it ran to its end without an error.
        #expect(dom.contains("data-ready=\"yes\""), "the page's script did not finish:\n\(dom.prefix(500))")
        let expected = try Self.evalCounts()
        #expect(Self.value(of: "total-households", in: dom) == 43)
        for decision in Self.decisions {
            #expect(Self.value(of: "total-\(decision)", in: dom) == expected[decision, default: 0], "\(decision)")
        }
        // The script made the headings of the tables sortable.
        #expect(dom.contains("tabindex=\"0\""))
    }
}
