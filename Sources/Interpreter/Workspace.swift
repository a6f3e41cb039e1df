import Foundation
import Lexer

/// Finds and reads the files a policy needs: the policy itself, the schema it
/// names (`schema household/v1` → `schema/household/v1.policy`) and its source
/// documents (`sources/…`), looking in the folder of the policy and each folder
/// above it, nearest first, so that any file under `policies/` finds
/// `policies/schema/` and `policies/sources/`.
public struct Workspace: Sendable {
    /// Policy files larger than this are refused (a policy is a few pages).
    public var maxPolicyBytes = 4 << 20
    /// Folders searched after those above the policy, if any.
    public var extraRoots: [String]
    /// Texts that stand for files, by path: an editor's unsaved documents
    /// (`policy lsp`). A path here is read from here, not from the disk.
    public var overlays: [String: String] = [:]

    public init(extraRoots: [String] = []) {
        self.extraRoots = extraRoots
    }

    public enum ReadError: Error {
        case diagnostic(Diagnostic)
    }

    /// Reads a policy or schema file as text, refusing what is not UTF-8 or too large.
    public func readSource(_ path: String) -> Result<SourceFile, Diagnostic> {
        if let text = overlays[path] { return .success(SourceFile(path: path, text: text)) }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return .failure(Diagnostic(.cannotReadFile(path: path, reason: "no such file")))
        }
        if isDirectory.boolValue {
            return .failure(Diagnostic(.cannotReadFile(path: path, reason: "it is a folder")))
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(Diagnostic(.cannotReadFile(path: path, reason: "permission denied or unreadable")))
        }
        if data.count > maxPolicyBytes {
            return .failure(Diagnostic(.fileTooLarge(path: path, limit: maxPolicyBytes)))
        }
        let bytes = [UInt8](data)
        if let offset = Workspace.firstInvalidUTF8(bytes) {
            let before = bytes[..<offset]
            let line = before.filter { $0 == 0x0A }.count + 1
            let lineStart = before.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
            let column = bytes[lineStart..<offset].filter { $0 & 0xC0 != 0x80 }.count + 1
            return .failure(Diagnostic(.invalidUTF8(path: path, line: line, column: column)))
        }
        return .success(SourceFile(path: path, text: String(decoding: bytes, as: UTF8.self)))
    }

    /// The offset of the first byte that is not part of valid UTF-8, or nil.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var offset = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                offset += UTF8.width(scalar)
            case .emptyInput:
                return nil
            case .error:
                return offset
            }
        }
    }

    /// The folder a policy's references must stay in: the nearest folder at
    /// or above the policy that holds a `schema/` folder (`policies/`), else
    /// the policy's own folder. `extends`, `schema`, `calendar` and `source`
    /// find files only there and in `extraRoots`, never above or beside it.
    public func policiesRoot(for path: String) -> String {
        let own = URL(fileURLWithPath: path).deletingLastPathComponent().standardizedFileURL
        var folder = own
        for _ in 0..<64 {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("schema").path, isDirectory: &isDirectory),
               isDirectory.boolValue {
                return folder.path
            }
            let parent = folder.deletingLastPathComponent().standardizedFileURL
            if parent.path == folder.path { break }
            folder = parent
        }
        return own.path
    }

    /// The folders to search for files a policy at `path` refers to: its own
    /// folder and those above it up to its policies root, nearest first, then
    /// `extraRoots`.
    public func roots(for path: String) -> [String] {
        var roots: [String] = []
        let top = policiesRoot(for: path)
        var folder = URL(fileURLWithPath: path).deletingLastPathComponent().standardizedFileURL
        for _ in 0..<64 {
            roots.append(folder.path)
            let parent = folder.deletingLastPathComponent().standardizedFileURL
            if folder.path == top || parent.path == folder.path { break }
            folder = parent
        }
        // Folders under the working directory are named relative to it, as
        // the policy was, so that messages show short paths.
        if !path.hasPrefix("/") {
            let current = FileManager.default.currentDirectoryPath
            roots = roots.map { root in
                if root == current { return "." }
                return root.hasPrefix(current + "/") ? String(root.dropFirst(current.count + 1)) : root
            }
        }
        return roots + extraRoots
    }

    /// What looking for a referenced file found.
    public enum Lookup: Equatable, Sendable {
        case found(String)
        case notFound
        /// The file exists but is, or passes through, a symbolic link leading
        /// outside the policies root: refused.
        case outside(path: String, target: String, root: String)

        public var path: String? {
            if case .found(let path) = self { return path }
            return nil
        }
    }

    /// The first of the candidates that exists, refused when its real place
    /// (symbolic links followed) is not inside the policies root of `path`
    /// or one of `extraRoots`.
    func firstConfined(_ candidates: [String], near path: String) -> Lookup {
        guard let candidate = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else { return .notFound }
        return confine(candidate, near: path)
    }

    /// `.found(candidate)` when its real place is inside the policies root of `path` or an extra root.
    func confine(_ candidate: String, near path: String) -> Lookup {
        let root = policiesRoot(for: path)
        guard let target = Workspace.realPath(candidate) else { return .notFound }
        let allowed = ([root] + extraRoots).compactMap(Workspace.realPath)
        if allowed.contains(where: { target == $0 || target.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") }) {
            return .found(candidate)
        }
        return .outside(path: candidate, target: target, root: Workspace.shortened(root))
    }

    /// The absolute path with every symbolic link followed, or nil when it does not exist.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// A path under the working directory, named relative to it.
    static func shortened(_ path: String) -> String {
        let current = FileManager.default.currentDirectoryPath
        if path == current { return "." }
        return path.hasPrefix(current + "/") ? String(path.dropFirst(current.count + 1)) : path
    }

    /// Where a schema id would be found, nearest first.
    public func schemaCandidates(_ id: String, near path: String) -> [String] {
        roots(for: path).map { Workspace.join($0, "schema/\(id).policy") }
    }

    public func findSchema(_ id: String, near path: String) -> Lookup {
        guard Workspace.isSafeID(id) else { return .notFound }
        return firstConfined(schemaCandidates(id, near: path), near: path)
    }

    /// The file of a policy id (`hebei/2022` → `hebei/2022.policy`), nearest first.
    public func findPolicy(_ id: String, near path: String) -> Lookup {
        guard Workspace.isSafeID(id) else { return .notFound }
        return firstConfined(roots(for: path).map { Workspace.join($0, "\(id).policy") }, near: path)
    }

    /// The file a command-line argument names: a path to a file, or a policy
    /// id (`hebei/laiyuan/2022`) looked for in the working directory, under
    /// `policies/` and in `extraRoots`.
    public func locatePolicy(_ argument: String) -> String? {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory), !isDirectory.boolValue { return argument }
        guard !argument.hasSuffix(".policy"), Workspace.isSafeID(argument) else { return nil }
        return (["", "policies/"] + extraRoots.map { Workspace.join($0, "") }).map { $0 + argument + ".policy" }
            .first { FileManager.default.fileExists(atPath: $0) }
    }

    /// The files of a calendar (`cn` → `calendar/cn/*.policy`), from the nearest
    /// folder that has them, in order of name. `.notFound` when no folder has
    /// them; `.outside` when one of them leads outside the policies root.
    public func calendarFiles(_ id: String, near path: String) -> (files: [String], refused: Lookup?)? {
        guard Workspace.isSafeID(id) else { return nil }
        for root in roots(for: path) {
            let folder = Workspace.join(root, "calendar/\(id)")
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { continue }
            let files = names.filter { $0.hasSuffix(".policy") }.sorted().map { Workspace.join(folder, $0) }
            guard !files.isEmpty else { continue }
            for file in files {
                let lookup = confine(file, near: path)
                if case .outside = lookup { return (files, lookup) }
            }
            return (files, nil)
        }
        return nil
    }

    /// An id names a file under a root: no `..`, not absolute.
    static func isSafeID(_ id: String) -> Bool {
        !id.isEmpty && !id.hasPrefix("/") && !id.split(separator: "/").contains("..")
    }

    /// The text of a source document named in a policy, if found under `sources/`.
    public func sourceDocument(_ name: String, near path: String) -> String? {
        sourceDocumentPath(name, near: path).flatMap { FileManager.default.contents(atPath: $0) }.map { String(decoding: $0, as: UTF8.self) }
    }

    /// The file of a source document named in a policy, if found under `sources/` inside the policies root.
    public func sourceDocumentPath(_ name: String, near path: String) -> String? {
        guard !name.contains(".."), !name.hasPrefix("/") else { return nil }
        for root in roots(for: path) {
            let candidate = Workspace.join(root, "sources/\(name)")
            guard FileManager.default.fileExists(atPath: candidate), confine(candidate, near: path).path != nil else { continue }
            return candidate
        }
        return nil
    }

    static func join(_ folder: String, _ relative: String) -> String {
        if folder == "." { return relative }
        return folder.hasSuffix("/") ? folder + relative : folder + "/" + relative
    }

    /// Every `.policy` file under the given files and folders, in a stable order.
    public func policyFiles(in paths: [String]) -> (files: [String], problems: [Diagnostic]) {
        var files: [String] = []
        var problems: [Diagnostic] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                problems.append(Diagnostic(.cannotReadFile(path: path, reason: "no such file or folder")))
                continue
            }
            guard isDirectory.boolValue else {
                files.append(path)
                continue
            }
            let enumerator = FileManager.default.enumerator(atPath: path)
            var found: [String] = []
            while let relative = enumerator?.nextObject() as? String {
                if relative.hasSuffix(".policy") {
                    found.append(path.hasSuffix("/") ? path + relative : path + "/" + relative)
                }
            }
            files += found.sorted()
        }
        return (files, problems)
    }
}
