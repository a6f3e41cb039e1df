/// What names mean where an expression is checked.
struct Scope {
    /// What kind of expression is being checked decides which names it may use.
    enum Context {
        /// A `param`: literals, other parameters and built-in functions only.
        case constant
        /// A `let` or a rule: anything about the household.
        case household
        /// A check or default inside record type `record` of the schema.
        case record(Int)
    }

    let context: Context
    /// Variables of the quantifiers around the expression, innermost last.
    var variables: [(name: String, type: ValueType)] = []

    init(_ context: Context) { self.context = context }

    func variable(named name: String) -> (depth: Int, type: ValueType)? {
        for depth in variables.indices.reversed() where variables[depth].name == name {
            return (depth, variables[depth].type)
        }
        return nil
    }

    var allowsHousehold: Bool {
        if case .constant = context { return false }
        return true
    }

    var currentRecord: Int? {
        if case .record(let index) = context { return index }
        return nil
    }
}

/// The edit distance between two names, for "did you mean" suggestions.
enum Suggestion {
    static func closest(to name: String, among candidates: [String]) -> String? {
        let target = Array(name.lowercased())
        var best: (name: String, distance: Int)?
        for candidate in candidates where candidate != name {
            let distance = editDistance(target, Array(candidate.lowercased()))
            let limit = max(1, min(3, target.count / 3 + 1))
            guard distance <= limit else { continue }
            if distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
        }
        return best?.name
    }

    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var row = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            row[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                row[j] = Swift.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &row)
        }
        return previous[b.count]
    }
}
