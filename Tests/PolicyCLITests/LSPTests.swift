import Foundation
import Testing

/// `policy lsp`: the real binary, spoken to over its standard input and
/// output as an editor would. Every wait has a timeout, so a server that hangs
/// fails the test instead of hanging it.
@Suite("policy lsp")
struct LSPTests {
    static let timeout: Double = 10

    /// A running `policy lsp` and what it has written so far.
    final class Session: @unchecked Sendable {
        let process = Process()
        private let input = Pipe()
        private let output = Pipe()
        private let lock = NSLock()
        private var received = Data()
        private var nextID = 100

        init(in directory: URL = CLI.root) throws {
            let executable = try #require(CLI.executable, "the `policy` binary was not found; run `swift build` first")
            process.executableURL = executable
            process.arguments = ["lsp"]
            process.currentDirectoryURL = directory
            var variables = ProcessInfo.processInfo.environment
            for key in ["LC_ALL", "LC_MESSAGES", "LANG"] { variables[key] = nil }
            variables["LANG"] = "C"
            process.environment = variables
            process.standardInput = input
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            let handle = output.fileHandleForReading
            Thread.detachNewThread { [self] in
                while true {
                    let data = handle.availableData
                    if data.isEmpty { break }
                    lock.lock()
                    received.append(data)
                    lock.unlock()
                }
            }
        }

        func close() {
            try? input.fileHandleForWriting.close()
            if process.isRunning { process.terminate() }
        }

        func sendRaw(_ bytes: Data) {
            input.fileHandleForWriting.write(bytes)
        }

        func sendBody(_ body: Data) {
            sendRaw(Data("Content-Length: \(body.count)\r\n\r\n".utf8) + body)
        }

        func send(_ message: [String: Any]) throws {
            var message = message
            message["jsonrpc"] = "2.0"
            sendBody(try JSONSerialization.data(withJSONObject: message))
        }

        func notify(_ method: String, _ params: [String: Any]) throws {
            try send(["method": method, "params": params])
        }

        /// The next complete message, or nil after the timeout.
        func next(timeout: Double = LSPTests.timeout) -> [String: Any]? {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                if let message = takeMessage() { return message }
                usleep(5_000)
            }
            return nil
        }

        private func takeMessage() -> [String: Any]? {
            lock.lock()
            defer { lock.unlock() }
            guard let separator = received.range(of: Data("\r\n\r\n".utf8)) else { return nil }
            let header = String(decoding: received[received.startIndex..<separator.lowerBound], as: UTF8.self)
            guard let lengthText = header.split(separator: ":").last?.trimmingCharacters(in: .whitespaces),
                  let length = Int(lengthText) else { return nil }
            guard received.count - (separator.upperBound - received.startIndex) >= length else { return nil }
            let body = received[separator.upperBound..<(separator.upperBound + length)]
            received = Data(received[(separator.upperBound + length)...])
            return (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
        }

        /// Reads messages until one satisfies the condition (others are dropped).
        func wait(for condition: ([String: Any]) -> Bool, timeout: Double = LSPTests.timeout) -> [String: Any]? {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                guard let message = next(timeout: deadline.timeIntervalSinceNow) else { return nil }
                if condition(message) { return message }
            }
            return nil
        }

        func response(to id: Int) -> [String: Any]? {
            wait { ($0["id"] as? Int) == id && $0["method"] == nil }
        }

        func request(_ method: String, _ params: [String: Any]) throws -> [String: Any]? {
            nextID += 1
            let id = nextID
            try send(["id": id, "method": method, "params": params])
            return response(to: id)
        }

        func initialize() throws {
            let reply = try #require(try request("initialize", ["processId": NSNull(), "rootUri": NSNull(), "capabilities": [String: Any]()]))
            let capabilities = try #require((reply["result"] as? [String: Any])?["capabilities"] as? [String: Any])
            #expect(capabilities["hoverProvider"] as? Bool == true)
            #expect(capabilities["definitionProvider"] as? Bool == true)
            #expect(capabilities["documentFormattingProvider"] as? Bool == true)
            #expect(capabilities["documentSymbolProvider"] as? Bool == true)
            #expect(capabilities["completionProvider"] != nil)
            try notify("initialized", [:])
        }

        /// Opens a document and returns the diagnostics published for it.
        @discardableResult
        func open(_ uri: String, text: String) throws -> [[String: Any]]? {
            try notify("textDocument/didOpen", ["textDocument": ["uri": uri, "languageId": "policy", "version": 1, "text": text]])
            return diagnostics(for: uri)
        }

        func diagnostics(for uri: String) -> [[String: Any]]? {
            let message = wait { message in
                guard message["method"] as? String == "textDocument/publishDiagnostics",
                      let params = message["params"] as? [String: Any] else { return false }
                return params["uri"] as? String == uri
            }
            return (message?["params"] as? [String: Any])?["diagnostics"] as? [[String: Any]]
        }

        func shutdown() throws -> Int32? {
            _ = try request("shutdown", [:])
            try notify("exit", [:])
            let deadline = Date().addingTimeInterval(LSPTests.timeout)
            while process.isRunning, Date() < deadline { usleep(10_000) }
            return process.isRunning ? nil : process.terminationStatus
        }
    }

    static func uri(_ path: String) -> String { URL(fileURLWithPath: path).absoluteString }

    /// The protocol position (UTF-16 column) of the `occurrence`-th match of `word` on the line holding `marker`.
    static func position(of word: String, onLineWith marker: String, in text: String, occurrence: Int = 0, offset: Int = 1) throws -> [String: Int] {
        let lines = text.components(separatedBy: "\n")
        let line = try #require(lines.firstIndex { $0.contains(marker) && $0.contains(word) }, "no line with `\(marker)`")
        var searchRange = lines[line].startIndex..<lines[line].endIndex
        var found = try #require(lines[line].range(of: word, range: searchRange))
        for _ in 0..<occurrence {
            searchRange = found.upperBound..<lines[line].endIndex
            found = try #require(lines[line].range(of: word, range: searchRange))
        }
        let character = lines[line].utf16.distance(from: lines[line].startIndex, to: found.lowerBound)
        return ["line": line, "character": character + offset]
    }

    static func hoverText(_ reply: [String: Any]?) -> String {
        ((reply?["result"] as? [String: Any])?["contents"] as? [String: Any])?["value"] as? String ?? ""
    }

    static let fengduDocument = CLI.path(CLI.fengdu)

    @Test("diagnostics come on open with the checker's code and a UTF-16 range, and clear when fixed")
    func diagnostics() throws {
        let folder = try CLI.copyOfPolicies()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent(CLI.fengdu).path
        let good = try String(contentsOfFile: path, encoding: .utf8)
        // The condition joins the line of its Chinese label, with a misspelt name.
        let bad = good.replacingOccurrences(of: "  require min_months \"监测帮扶半年以上\":\n    months_between(monitoring.identified_on, today) >= min_monitoring\n",
                                            with: "  require min_months \"监测帮扶半年以上\": months_between(monitoring.identified_on, today) >= min_monitorin\n")
        #expect(bad != good)
        let session = try Session(in: folder)
        defer { session.close() }
        try session.initialize()
        let uri = LSPTests.uri(path)
        let diagnostics = try #require(try session.open(uri, text: bad))
        let error = try #require(diagnostics.first { $0["code"] as? String == "E0301" }, "no E0301 in \(diagnostics)")
        #expect(error["severity"] as? Int == 1)
        #expect(error["source"] as? String == "policy")
        #expect((error["message"] as? String)?.hasPrefix("unknown name `min_monitorin`") == true)
        let expected = try LSPTests.position(of: "min_monitorin", onLineWith: "监测帮扶半年以上", in: bad, offset: 0)
        let range = try #require(error["range"] as? [String: Any])
        let start = try #require(range["start"] as? [String: Any])
        let end = try #require(range["end"] as? [String: Any])
        #expect(start["line"] as? Int == expected["line"])
        #expect(start["character"] as? Int == expected["character"])
        #expect(end["character"] as? Int == expected["character"]! + "min_monitorin".utf16.count)
        // UTF-16 columns, not bytes: the Chinese label before it counts one unit a character.
        let lineText = bad.components(separatedBy: "\n")[expected["line"]!]
        #expect(lineText.utf8.count > lineText.utf16.count)

        try session.notify("textDocument/didChange", ["textDocument": ["uri": uri, "version": 2], "contentChanges": [["text": good]]])
        let cleared = try #require(session.diagnostics(for: uri))
        #expect(cleared.isEmpty, "\(cleared)")

        try session.notify("textDocument/didClose", ["textDocument": ["uri": uri]])
        let closed = try #require(session.diagnostics(for: uri))
        #expect(closed.isEmpty)
        #expect(try session.shutdown() == 0)
    }

    @Test("hover on a parameter shows its value, its source and where it is defined")
    func hoverParameter() throws {
        let session = try Session()
        defer { session.close() }
        try session.initialize()
        let text = try String(contentsOfFile: LSPTests.fengduDocument, encoding: .utf8)
        let uri = LSPTests.uri(LSPTests.fengduDocument)
        try session.open(uri, text: text)
        let use = try LSPTests.position(of: "monitoring_line", onLineWith: "let below_line", in: text)
        let hover = LSPTests.hoverText(try session.request("textDocument/hover", ["textDocument": ["uri": uri], "position": use]))
        #expect(hover.contains("monitoring_line"))
        #expect(hover.contains("6000 yuan/person/year"))
        #expect(hover.contains("2021年以年人均纯收入低于6000元"))
        #expect(hover.contains("chongqing/fengdu/2021.policy:22"))
        let declaration = try LSPTests.position(of: "monitoring_line", onLineWith: "param monitoring_line", in: text)
        let again = LSPTests.hoverText(try session.request("textDocument/hover", ["textDocument": ["uri": uri], "position": declaration]))
        #expect(again.contains("6000 yuan/person/year"))
    }

    @Test("hover on a field path shows its type and Chinese label")
    func hoverField() throws {
        let session = try Session()
        defer { session.close() }
        try session.initialize()
        let text = try String(contentsOfFile: LSPTests.fengduDocument, encoding: .utf8)
        let uri = LSPTests.uri(LSPTests.fengduDocument)
        try session.open(uri, text: text)
        let wage = try LSPTests.position(of: "wage", onLineWith: "income.wage", in: text)
        let hover = LSPTests.hoverText(try session.request("textDocument/hover", ["textDocument": ["uri": uri], "position": wage]))
        #expect(hover.contains("income.wage"))
        #expect(hover.contains("工资性收入"))
        #expect(hover.contains("yuan/year"))
        let rule = try LSPTests.position(of: "marginal", onLineWith: "category marginal", in: text)
        let ruleHover = LSPTests.hoverText(try session.request("textDocument/hover", ["textDocument": ["uri": uri], "position": rule]))
        #expect(ruleHover.contains("边缘易致贫户"))
    }

    @Test("definition of an inherited value and of the extends id lead to the province's file")
    func definition() throws {
        let session = try Session()
        defer { session.close() }
        try session.initialize()
        let county = CLI.path("policies/hebei/laiyuan/2022.policy")
        let text = try String(contentsOfFile: county, encoding: .utf8)
        let uri = LSPTests.uri(county)
        try session.open(uri, text: text)
        let province = CLI.path("policies/hebei/2022.policy")
        let provinceLines = try String(contentsOfFile: province, encoding: .utf8).components(separatedBy: "\n")
        let declared = try #require(provinceLines.firstIndex { $0.hasPrefix("let still_monitored") })

        let use = try LSPTests.position(of: "still_monitored", onLineWith: "when still_monitored", in: text)
        let reply = try session.request("textDocument/definition", ["textDocument": ["uri": uri], "position": use])
        let locations = try #require(reply?["result"] as? [[String: Any]])
        let location = try #require(locations.first)
        #expect(location["uri"] as? String == LSPTests.uri(province))
        #expect((((location["range"] as? [String: Any])?["start"]) as? [String: Any])?["line"] as? Int == declared)

        let base = try LSPTests.position(of: "hebei/2022", onLineWith: "extends", in: text, offset: 2)
        let baseReply = try session.request("textDocument/definition", ["textDocument": ["uri": uri], "position": base])
        let baseLocation = try #require((baseReply?["result"] as? [[String: Any]])?.first)
        #expect(baseLocation["uri"] as? String == LSPTests.uri(province))
    }

    @Test("completion after `income.` lists the fields of income")
    func completion() throws {
        let session = try Session()
        defer { session.close() }
        try session.initialize()
        let original = try String(contentsOfFile: LSPTests.fengduDocument, encoding: .utf8)
        let marker = "let total_income = income.business + income.wage + income.property + income.transfer"
        #expect(original.contains(marker))
        let text = original.replacingOccurrences(of: marker, with: marker + " + income.")
        let uri = LSPTests.uri(LSPTests.fengduDocument)
        try session.open(uri, text: text)
        let line = try #require(text.components(separatedBy: "\n").firstIndex { $0.hasPrefix(marker) })
        let character = (marker + " + income.").utf16.count
        let reply = try session.request("textDocument/completion", ["textDocument": ["uri": uri], "position": ["line": line, "character": character]])
        let items = ((reply?["result"] as? [String: Any])?["items"] as? [[String: Any]]) ?? (reply?["result"] as? [[String: Any]]) ?? []
        let labels = items.compactMap { $0["label"] as? String }
        #expect(labels.contains("wage"))
        #expect(labels.contains("business_expense"))
        #expect(!labels.contains("members"))
    }

    @Test("formatting gives what `policy fmt` writes")
    func formatting() throws {
        let folder = try CLI.copyOfPolicies()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent(CLI.fengdu).path
        let original = try String(contentsOfFile: path, encoding: .utf8)
        let messy = original
            .replacingOccurrences(of: "param monitoring_line = 6000 yuan/person/year", with: "param   monitoring_line=6000 yuan / person / year")
            .replacingOccurrences(of: "category marginal \"边缘易致贫户\" {", with: "category  marginal \"边缘易致贫户\"{")
        #expect(messy != original)
        try messy.write(toFile: path, atomically: true, encoding: .utf8)
        let session = try Session(in: folder)
        defer { session.close() }
        try session.initialize()
        let uri = LSPTests.uri(path)
        try session.open(uri, text: messy)
        let reply = try session.request("textDocument/formatting", ["textDocument": ["uri": uri], "options": ["tabSize": 2, "insertSpaces": true]])
        let edits = try #require(reply?["result"] as? [[String: Any]])
        #expect(edits.count == 1)
        let newText = try #require(edits.first?["newText"] as? String)
        let run = try CLI.run(["fmt", path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(newText == (try String(contentsOfFile: path, encoding: .utf8)))
        // Formatted text needs no edit.
        try session.notify("textDocument/didChange", ["textDocument": ["uri": uri, "version": 2], "contentChanges": [["text": newText]]])
        _ = session.diagnostics(for: uri)
        let again = try session.request("textDocument/formatting", ["textDocument": ["uri": uri], "options": ["tabSize": 2, "insertSpaces": true]])
        #expect((again?["result"] as? [Any])?.isEmpty == true)
    }

    @Test("document symbols list the categories")
    func symbols() throws {
        let session = try Session()
        defer { session.close() }
        try session.initialize()
        let text = try String(contentsOfFile: LSPTests.fengduDocument, encoding: .utf8)
        let uri = LSPTests.uri(LSPTests.fengduDocument)
        try session.open(uri, text: text)
        let reply = try session.request("textDocument/documentSymbol", ["textDocument": ["uri": uri]])
        let symbols = try #require(reply?["result"] as? [[String: Any]])
        let names = symbols.compactMap { $0["name"] as? String }
        for category in ["unstable", "marginal", "sudden_hardship", "monitoring_line", "vehicle", "identification"] {
            #expect(names.contains(category), "\(category) not in \(names)")
        }
    }

    @Test("malformed input gets JSON-RPC errors and the server goes on")
    func malformedInput() throws {
        let session = try Session()
        defer { session.close() }
        // A request before `initialize` is refused.
        try session.send(["id": 1, "method": "textDocument/hover", "params": [String: Any]()])
        #expect(((session.response(to: 1)?["error"] as? [String: Any])?["code"] as? Int) == -32002)
        try session.initialize()
        func error(_ message: [String: Any]?) -> Int? { (message?["error"] as? [String: Any])?["code"] as? Int }

        session.sendRaw(Data("Content-Length: many\r\n\r\n{}".utf8))
        let badHeader = session.next()
        #expect(error(badHeader) == -32700)
        #expect(badHeader?["id"] is NSNull)

        session.sendBody(Data("{\"jsonrpc\": \"2.0\", \"id\": 3, \"method\": ".utf8))
        #expect(error(session.next()) == -32700)

        session.sendBody(Data([0xFF, 0xFE, 0x00, 0x7B]))
        #expect(error(session.next()) == -32700)

        session.sendBody(Data("[1, 2]".utf8))
        #expect(error(session.next()) == -32600)

        session.sendBody(Data("{\"id\": 4}".utf8))
        #expect(error(session.next()) == -32600)

        try session.send(["id": 5, "method": "no/such/method"])
        #expect(error(session.response(to: 5)) == -32601)

        // An unknown notification is ignored: the next answer is the next request's.
        try session.notify("no/such/notification", [:])
        try session.send(["id": 6, "method": "textDocument/hover", "params": ["textDocument": ["uri": "file:///x.policy"]]])
        let missing = session.next()
        #expect(missing?["id"] as? Int == 6)
        #expect(error(missing) == -32602)

        session.sendBody(Data(String(repeating: "[", count: 100_000).utf8))
        #expect(error(session.next()) == -32700)

        // Still answering.
        let text = try String(contentsOfFile: LSPTests.fengduDocument, encoding: .utf8)
        let uri = LSPTests.uri(LSPTests.fengduDocument)
        try session.open(uri, text: text)
        let use = try LSPTests.position(of: "monitoring_line", onLineWith: "let below_line", in: text)
        let hover = LSPTests.hoverText(try session.request("textDocument/hover", ["textDocument": ["uri": uri], "position": use]))
        #expect(hover.contains("6000 yuan/person/year"))
        #expect(try session.shutdown() == 0)
    }

    @Test("shutdown then exit ends the server with status 0; exit alone with 1")
    func exitStatus() throws {
        let session = try Session()
        defer { session.close() }
        try session.initialize()
        #expect(try session.shutdown() == 0)

        let abrupt = try Session()
        defer { abrupt.close() }
        try abrupt.initialize()
        try abrupt.notify("exit", [:])
        let deadline = Date().addingTimeInterval(LSPTests.timeout)
        while abrupt.process.isRunning, Date() < deadline { usleep(10_000) }
        #expect(!abrupt.process.isRunning)
        #expect(abrupt.process.terminationStatus == 1)
    }
}
