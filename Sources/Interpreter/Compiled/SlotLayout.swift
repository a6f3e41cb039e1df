/// Which fields of each record type a compiled plan keeps in a household's
/// slots, and where. A record keeps only the fields something of the plan
/// reads (its rules, lets, data checks, defaults, alerts' triggers, the
/// region and id the output and the region check read) and the fields the
/// schema requires (the reader must see them given), in the schema's order.
/// The reader still reads and checks every field of the line; the others
/// are not kept. A household of the shipped schema then takes about half the
/// memory (a member keeps 5 of its 19 fields under Fengdu's policy), so
/// that deciding reads half the cache lines.
///
/// When the record type a path reads cannot be worked out (`FieldReads`),
/// every field is kept where the schema numbers it.
struct SlotLayout: @unchecked Sendable {
    /// By record type: where its fields begin in `positions`, and how many slots a record takes.
    let first: UnsafeBufferPointer<Int32>
    let width: UnsafeBufferPointer<Int32>
    /// By record type, then field: the field's slot in the record (-1: not kept).
    let positions: UnsafeBufferPointer<Int32>

    /// Keeps the fields `kept[type][field]` of each record type, in order.
    init(kept: [[Bool]], _ frozen: inout FrozenArrays) {
        var first: [Int32] = [], width: [Int32] = [], positions: [Int32] = []
        for fields in kept {
            first.append(Int32(positions.count))
            var next: Int32 = 0
            for isKept in fields {
                positions.append(isKept ? next : -1)
                if isKept { next += 1 }
            }
            width.append(next)
        }
        self.first = frozen.keep(first)
        self.width = frozen.keep(width)
        self.positions = frozen.keep(positions)
    }

    /// Where field `field` of a record of type `type` is kept among the record's slots; -1 when it is not kept.
    @inline(__always)
    func slot(_ type: Int, _ field: Int) -> Int { Int(positions[Int(first[type]) + field]) }

    /// Whether the two keep the same fields in the same places (slots read by one can be decided by the other).
    func sameAs(_ other: SlotLayout) -> Bool {
        positions.elementsEqual(other.positions) && width.elementsEqual(other.width)
    }
}

/// The fields a plan reads, by record type, gathered while it is compiled;
/// `complete` is false when some path's record type could not be worked out.
struct FieldReads {
    var kept: [[Bool]]
    var complete = true

    init(_ schema: Schema) {
        kept = schema.records.map { record in record.fields.map(\.required) }
    }

    mutating func read(_ type: Int, _ field: Int) {
        guard type >= 0, type < kept.count, field >= 0, field < kept[type].count else {
            complete = false
            return
        }
        kept[type][field] = true
    }

    /// Every field kept, where the schema numbers it.
    mutating func keepAll() {
        kept = kept.map { [Bool](repeating: true, count: $0.count) }
    }
}
