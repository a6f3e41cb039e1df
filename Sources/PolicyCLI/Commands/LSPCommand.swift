import Foundation
import Interpreter

/// `policy lsp`: a Language Server Protocol server on standard input and
/// output, for editors. The protocol loop and JSON-RPC framing are here; what
/// it computes (diagnostics, hover, definitions, completion, formatting,
/// symbols) is `PolicyLanguageService`, which reuses the checker, the linter
/// and the formatter of `policy check` and `policy fmt`.
enum LSPCommand {
    static let help = """
    USAGE: policy lsp [--stdio]

    Runs a language server for `.policy` files, speaking the Language Server
    Protocol (JSON-RPC 2.0 with `Content-Length` framing) on standard input
    and output, for editors: VS Code, Neovim, Emacs (see docs/editors.md).
    It publishes the diagnostics of `policy check` (checker and linter) as
    documents are opened and changed, unsaved text included; shows on hover a
    parameter's value, source and where along `extends` it is defined or
    overridden, a field's type and label; goes to definitions across files;
    completes fields, enumeration members, values and keywords; formats as
    `policy fmt` does; and lists a document's symbols. Messages are in the
    language of `--lang` or the environment.

    OPTIONS:
      --stdio      accepted for editors that pass it (standard input and
                   output are always used)
      -h, --help   show this help

    EXIT STATUS:
      0  the editor asked the server to shut down, then to exit
      1  the input ended (or `exit` came) without `shutdown`
      2  the command line is wrong

    """

    static func run(_ raw: [String]) -> ExitCode {
        switch Arguments.read(raw, valued: [], flags: ["--stdio"], help: help) {
        case .read(let arguments):
            guard arguments.positional.isEmpty else {
                Terminal.err.write("error: `policy lsp` takes no arguments\n\n\(help)")
                return .usage
            }
        case .done(let status): return status
        }
        // A client that goes away must not kill the server with SIGPIPE mid-write.
        signal(SIGPIPE, SIG_IGN)
        let server = LanguageServer(service: PolicyLanguageService(language: Session.language), output: FrameWriter(fd: 1))
        let reader = FrameReader(fd: 0)
        while let frame = reader.next() {
            switch frame {
            case .message(let bytes): server.handle(bytes)
            case .badHeader(let reason): server.sendError(id: nil, code: LanguageServer.parseError, message: "bad message header: \(reason)")
            case .tooLarge(let length): server.sendError(id: nil, code: LanguageServer.invalidRequest, message: "message of \(length) bytes is too large")
            }
            if let status = server.exitStatus { return status }
        }
        return server.shutdownRequested ? .success : .failure
    }
}

/// Reads `Content-Length`-framed messages from a file descriptor. Whatever
/// the bytes, it returns frames or reports a bad header and reads on.
final class FrameReader {
    enum Frame {
        case message([UInt8])
        case badHeader(String)
        case tooLarge(Int)
    }

    static let maxHeaderBytes = 64 * 1024
    static let maxMessageBytes = 256 * 1024 * 1024

    private let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var ended = false

    init(fd: Int32) { self.fd = fd }

    /// Reads more bytes; false at the end of the input.
    private func fill() -> Bool {
        if ended { return false }
        if start > 0, start >= buffer.count / 2 {
            buffer.removeSubrange(0..<start)
            start = 0
        }
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                buffer.append(contentsOf: chunk[0..<count])
                return true
            }
            if count < 0, errno == EINTR { continue }
            ended = true
            return false
        }
    }

    private static let separator: [UInt8] = Array("\r\n\r\n".utf8)

    private func findSeparator() -> Int? {
        var index = start
        while index + 3 < buffer.count {
            if buffer[index] == 13, buffer[index + 1] == 10, buffer[index + 2] == 13, buffer[index + 3] == 10 { return index }
            index += 1
        }
        return nil
    }

    func next() -> Frame? {
        // The header: up to an empty line.
        var end: Int?
        while true {
            end = findSeparator()
            if end != nil { break }
            if buffer.count - start > FrameReader.maxHeaderBytes {
                // Keep the last bytes: they may begin the separator.
                start = buffer.count - 3
                return .badHeader("no end of header within \(FrameReader.maxHeaderBytes) bytes")
            }
            guard fill() else { return nil }
        }
        guard let headerEnd = end else { return nil }
        let header = String(decoding: buffer[start..<headerEnd], as: UTF8.self)
        start = headerEnd + 4
        guard let length = FrameReader.contentLength(header) else {
            return .badHeader("no valid Content-Length")
        }
        if length > FrameReader.maxMessageBytes {
            // Skip the body without keeping it.
            var remaining = length
            while remaining > 0 {
                let available = buffer.count - start
                if available == 0 {
                    guard fill() else { return nil }
                    continue
                }
                let taken = min(available, remaining)
                start += taken
                remaining -= taken
            }
            return .tooLarge(length)
        }
        while buffer.count - start < length {
            guard fill() else { return nil }
        }
        let body = Array(buffer[start..<(start + length)])
        start += length
        return .message(body)
    }

    /// The value of the last `Content-Length` field of a header (bytes before
    /// it are what is left of a frame whose header was bad).
    static func contentLength(_ header: String) -> Int? {
        let lowered = header.lowercased()
        guard let field = lowered.range(of: "content-length", options: .backwards) else { return nil }
        var rest = lowered[field.upperBound...]
        if let lineEnd = rest.firstIndex(where: { $0 == "\r" || $0 == "\n" }) { rest = rest[..<lineEnd] }
        let trimmed = rest.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix(":") else { return nil }
        let digits = trimmed.dropFirst().trimmingCharacters(in: .whitespaces)
        guard !digits.isEmpty, digits.count <= 12, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(digits) else { return nil }
        return value
    }
}

/// Writes framed messages, each flushed at once.
final class FrameWriter {
    private let fd: Int32
    /// Set when the reader went away.
    private(set) var broken = false

    init(fd: Int32) { self.fd = fd }

    func send(_ body: Data) {
        guard !broken else { return }
        var bytes = Array("Content-Length: \(body.count)\r\n\r\n".utf8)
        bytes.append(contentsOf: body)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written > 0 {
                offset += written
            } else if written < 0, errno == EINTR {
                continue
            } else {
                broken = true
                return
            }
        }
    }
}

/// The JSON-RPC side: decodes requests and notifications, calls the service,
/// and answers.
final class LanguageServer {
    static let parseError = -32700
    static let invalidRequest = -32600
    static let methodNotFound = -32601
    static let invalidParams = -32602
    static let internalError = -32603
    static let serverNotInitialized = -32002

    struct InvalidParams: Error {
        let message: String
    }

    let service: PolicyLanguageService
    let output: FrameWriter
    private(set) var initialized = false
    private(set) var shutdownRequested = false
    /// Set by `exit`: the status to end with.
    private(set) var exitStatus: ExitCode?

    init(service: PolicyLanguageService, output: FrameWriter) {
        self.service = service
        self.output = output
    }

    // MARK: Sending

    func send(_ message: [String: Any]) {
        var message = message
        message["jsonrpc"] = "2.0"
        guard JSONSerialization.isValidJSONObject(message),
              let data = try? JSONSerialization.data(withJSONObject: message, options: [.withoutEscapingSlashes]) else {
            // Should not happen; answer something valid rather than nothing.
            if let id = message["id"], JSONSerialization.isValidJSONObject(["id": id]) {
                sendError(id: id, code: LanguageServer.internalError, message: "the result could not be written as JSON")
            }
            return
        }
        output.send(data)
    }

    func sendError(id: Any?, code: Int, message: String) {
        send(["id": id ?? NSNull(), "error": ["code": code, "message": message] as [String: Any]])
    }

    func notify(_ method: String, _ params: [String: Any]) {
        send(["method": method, "params": params])
    }

    // MARK: Receiving

    /// The deepest nesting of `[` and `{` outside strings, to refuse what
    /// would recurse too deep before parsing.
    static func nestingDepth(_ bytes: [UInt8]) -> Int {
        var depth = 0, deepest = 0
        var inString = false, escaped = false
        for byte in bytes {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                deepest = max(deepest, depth)
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
        return deepest
    }

    func handle(_ bytes: [UInt8]) {
        guard LanguageServer.nestingDepth(bytes) <= 200 else {
            sendError(id: nil, code: LanguageServer.parseError, message: "the message nests too deep")
            return
        }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch {
            sendError(id: nil, code: LanguageServer.parseError, message: "the message is not valid JSON")
            return
        }
        guard let message = parsed as? [String: Any] else {
            sendError(id: nil, code: LanguageServer.invalidRequest,
                      message: parsed is [Any] ? "batches are not supported" : "a message is a JSON object")
            return
        }
        let rawID = message["id"]
        var id: Any?
        if let rawID {
            guard rawID is String || rawID is Int || rawID is NSNumber else {
                sendError(id: nil, code: LanguageServer.invalidRequest, message: "`id` must be a number or a string")
                return
            }
            id = rawID
        }
        guard message["jsonrpc"] as? String == "2.0" else {
            if id != nil || message["method"] != nil {
                sendError(id: id, code: LanguageServer.invalidRequest, message: "`jsonrpc` must be \"2.0\"")
            }
            return
        }
        guard let method = message["method"] as? String else {
            // A response to a request of ours (there are none), or nothing valid.
            if message["result"] == nil, message["error"] == nil {
                sendError(id: id, code: LanguageServer.invalidRequest, message: "a request needs a `method`")
            }
            return
        }
        let params = message["params"]
        if let params, !(params is [String: Any]), !(params is [Any]), !(params is NSNull) {
            if id != nil { sendError(id: id, code: LanguageServer.invalidRequest, message: "`params` must be an object or an array") }
            return
        }
        if let id {
            request(id: id, method: method, params: params as? [String: Any] ?? [:])
        } else {
            notification(method: method, params: params as? [String: Any] ?? [:])
        }
    }

    func request(id: Any, method: String, params: [String: Any]) {
        if method != "initialize", !initialized {
            sendError(id: id, code: LanguageServer.serverNotInitialized, message: "the server is not initialized")
            return
        }
        if shutdownRequested, method != "shutdown" {
            sendError(id: id, code: LanguageServer.invalidRequest, message: "the server is shutting down")
            return
        }
        do {
            let result: Any
            switch method {
            case "initialize":
                initialized = true
                result = LanguageServer.capabilities
            case "shutdown":
                shutdownRequested = true
                result = NSNull()
            case "textDocument/hover":
                let (uri, position) = try LanguageServer.documentPosition(params)
                result = service.hover(uri: uri, position: position)?.json ?? NSNull()
            case "textDocument/definition":
                let (uri, position) = try LanguageServer.documentPosition(params)
                result = service.definition(uri: uri, position: position).map(\.json)
            case "textDocument/completion":
                let (uri, position) = try LanguageServer.documentPosition(params)
                result = ["isIncomplete": false, "items": service.completion(uri: uri, position: position).map(\.json)] as [String: Any]
            case "textDocument/formatting":
                let uri = try LanguageServer.documentURI(params)
                result = service.formatting(uri: uri)?.map(\.json) ?? NSNull()
            case "textDocument/documentSymbol":
                let uri = try LanguageServer.documentURI(params)
                result = service.documentSymbols(uri: uri)?.map(\.json) ?? NSNull()
            default:
                sendError(id: id, code: LanguageServer.methodNotFound, message: "unknown method `\(method)`")
                return
            }
            send(["id": id, "result": result])
        } catch let problem as InvalidParams {
            sendError(id: id, code: LanguageServer.invalidParams, message: problem.message)
        } catch {
            sendError(id: id, code: LanguageServer.internalError, message: "\(error)")
        }
    }

    func notification(method: String, params: [String: Any]) {
        switch method {
        case "initialized":
            break
        case "exit":
            exitStatus = shutdownRequested ? .success : .failure
        case "textDocument/didOpen":
            guard initialized, let document = params["textDocument"] as? [String: Any], let uri = document["uri"] as? String,
                  let text = document["text"] as? String else { return }
            service.open(uri: uri, text: text, version: document["version"] as? Int)
            publish()
        case "textDocument/didChange":
            guard initialized, let document = params["textDocument"] as? [String: Any], let uri = document["uri"] as? String,
                  let changes = params["contentChanges"] as? [[String: Any]], var text = service.document(uri)?.text else { return }
            for change in changes {
                guard let newText = change["text"] as? String else { continue }
                if let range = change["range"] as? [String: Any], let parsed = LanguageServer.range(range) {
                    text = TextEditing.apply(text, range: parsed, newText: newText)
                } else {
                    text = newText
                }
            }
            service.change(uri: uri, text: text, version: document["version"] as? Int)
            publish()
        case "textDocument/didSave":
            guard initialized, let document = params["textDocument"] as? [String: Any], let uri = document["uri"] as? String,
                  let current = service.document(uri) else { return }
            if let text = params["text"] as? String { service.change(uri: uri, text: text, version: current.version) }
            publish()
        case "textDocument/didClose":
            guard initialized, let document = params["textDocument"] as? [String: Any], let uri = document["uri"] as? String,
                  service.document(uri) != nil else { return }
            service.close(uri: uri)
            notify("textDocument/publishDiagnostics", ["uri": uri, "diagnostics": [Any]()])
            publish()
        default:
            // Unknown notifications (`$/cancelRequest`, settings, …) are ignored.
            break
        }
    }

    func publish() {
        for publication in service.publications() {
            notify("textDocument/publishDiagnostics", publication.json)
        }
    }

    static var capabilities: [String: Any] { [
        "capabilities": [
            "textDocumentSync": ["openClose": true, "change": 1, "save": ["includeText": true]] as [String: Any],
            "hoverProvider": true,
            "definitionProvider": true,
            "completionProvider": ["triggerCharacters": [".", "[", " "], "resolveProvider": false] as [String: Any],
            "documentFormattingProvider": true,
            "documentSymbolProvider": true,
        ] as [String: Any],
        "serverInfo": ["name": "policy", "version": HelpCommand.version],
    ] }

    // MARK: Parameters

    static func documentURI(_ params: [String: Any]) throws -> String {
        guard let document = params["textDocument"] as? [String: Any], let uri = document["uri"] as? String else {
            throw InvalidParams(message: "`textDocument.uri` is required")
        }
        return uri
    }

    static func position(_ value: Any?) -> LSPPosition? {
        guard let object = value as? [String: Any], let line = integer(object["line"]), let character = integer(object["character"]),
              line >= 0, character >= 0 else { return nil }
        return LSPPosition(line: line, character: character)
    }

    static func range(_ object: [String: Any]) -> LSPRange? {
        guard let start = position(object["start"]), let end = position(object["end"]) else { return nil }
        return LSPRange(start: start, end: end)
    }

    static func integer(_ value: Any?) -> Int? {
        // (On Linux a JSON 0 or 1 may also read as a Bool: ask for Int first.)
        guard let value, !(value is String) else { return nil }
        if let number = value as? Int { return number }
        if let number = value as? Double, number.isFinite, number == number.rounded(), abs(number) < 1e15 { return Int(number) }
        return nil
    }

    static func documentPosition(_ params: [String: Any]) throws -> (String, LSPPosition) {
        let uri = try documentURI(params)
        guard let position = position(params["position"]) else {
            throw InvalidParams(message: "`position` with `line` and `character` is required")
        }
        return (uri, position)
    }
}
