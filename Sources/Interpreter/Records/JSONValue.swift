/// A JSON value as read. Numbers keep their exact text (`"6000.50"`, `"-0"`,
/// `"1e3"`): they become exact numbers later, never binary floating point.
public indirect enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
}

/// A JSON object with its members in document order. Duplicate keys are kept,
/// so that a reader can report them instead of silently taking one.
public struct JSONObject: Equatable, Sendable {
    public struct Member: Equatable, Sendable {
        public let key: String
        public let value: JSONValue

        public init(key: String, value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    public let members: [Member]

    public init(members: [Member]) { self.members = members }

    /// The value of the first member with this key.
    public subscript(key: String) -> JSONValue? {
        members.first { $0.key == key }?.value
    }

    /// Keys that appear more than once, each listed once.
    public var duplicateKeys: [String] {
        var seen: Set<String> = []
        var duplicates: [String] = []
        for member in members where !seen.insert(member.key).inserted && !duplicates.contains(member.key) {
            duplicates.append(member.key)
        }
        return duplicates
    }
}

/// Why a JSON text could not be read, and where: 1-based line and column, the
/// column counted in characters so that it lines up under Chinese text.
public struct JSONSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public let byteOffset: Int
    public let line: Int
    public let column: Int
    /// The `id` of the top-level object, when it was read before the error:
    /// a broken record can still be named in its result.
    public var recordID: String?

    public init(message: String, byteOffset: Int, line: Int, column: Int, recordID: String? = nil) {
        self.message = message
        self.byteOffset = byteOffset
        self.line = line
        self.column = column
        self.recordID = recordID
    }

    public var description: String { "\(line):\(column): \(message)" }
}

/// Limits that keep hostile input from exhausting the stack or memory.
/// `policy eval` raises them with `--max-depth`, `--max-text-bytes` and
/// `--max-list-items`.
public struct JSONLimits: Sendable {
    public var maxDepth = 64
    public var maxStringBytes = 1 << 20
    /// Items of one list: members of a household, events, anything in `[…]`.
    public var maxListItems = 10_000

    public init(maxDepth: Int = 64, maxStringBytes: Int = 1 << 20, maxListItems: Int = 10_000) {
        self.maxDepth = maxDepth
        self.maxStringBytes = maxStringBytes
        self.maxListItems = maxListItems
    }

    public static let `default` = JSONLimits()
}
