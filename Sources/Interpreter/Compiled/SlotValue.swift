/// The compiled evaluation: the common case of `policy eval` done without a
/// reference count. A plan is compiled once into flat nodes (`CompiledPlan`);
/// each household is read from its bytes into flat slots (`HouseholdSlots`,
/// `SlotDecoder`), decided by walking the nodes over those slots
/// (`CompiledEvaluator`) and written as bytes (`ResultBytes`).
///
/// It is a fast path, not a second semantics: whenever a household needs
/// something it does not do (a message, a warning, a `needs_data` answer
/// with its missing fields, an arithmetic error, a trace), it gives up on
/// that household, and the general path (`RecordDecoder`, `Evaluator`,
/// `ResultWriter`) decides it from the start. Tests compare the two on
/// generated households, byte for byte.

/// A value in the compiled evaluation. Every case is plain bits: copying one
/// touches no reference count. Text and lists point into the household's
/// storage; records are where their fields begin.
enum SlotValue: Sendable {
    /// Data the record does not give (the general path names the fields).
    case unknown
    case bool(Bool)
    case number(Rational)
    case date(CivilDate)
    case duration(Int64)
    case enumeration(Int)
    case text(TextRef)
    /// The index of the record's first field in `HouseholdSlots.fields`.
    case record(Int32)
    case list(ListRef)

    var isUnknown: Bool {
        if case .unknown = self { return true }
        return false
    }

    /// A value of the general evaluator that is plain bits already (not a
    /// text, record or list, which need storage); nil for those.
    init?(scalar value: Value) {
        switch value {
        case .unknown: self = .unknown
        case .bool(let truth): self = .bool(truth)
        case .number(let number): self = .number(number)
        case .date(let date): self = .date(date)
        case .duration(let amount): self = .duration(amount)
        case .enumeration(let member): self = .enumeration(member)
        case .text, .record, .list: return nil
        }
    }
}

/// Bytes of a text: in the record's line, or (constant) in the plan's text pool.
struct TextRef: Sendable {
    let start: Int32
    let count: Int32
    let isConstant: Bool
}

/// Elements of a list: in the household's items, or (constant) in the plan's.
struct ListRef: Sendable {
    let start: Int32
    let count: Int32
    let isConstant: Bool
}

/// A growable run of stored slots (`StoredSlot`) in memory of its own: appending and
/// writing check nothing but room, as the reader does for every field of
/// every household. A plain struct of a pointer and counts: copies share
/// the memory, and its owner (`CompiledScratch`) frees it.
struct SlotBuffer {
    private(set) var base: UnsafeMutablePointer<StoredSlot>
    private(set) var count = 0
    private(set) var capacity: Int

    init(capacity: Int) {
        self.capacity = max(16, capacity)
        base = .allocate(capacity: self.capacity)
    }

    @inline(__always)
    mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(count + extra) }
    }

    private mutating func grow(_ needed: Int) {
        (base, capacity) = Growth.doubled(base, count: count, capacity: capacity, needed: needed)
    }

    @inline(__always)
    mutating func append(_ value: StoredSlot) {
        reserve(1)
        (base + count).initialize(to: value)
        count += 1
    }

    /// `count` unknown values at the end; where they begin.
    mutating func appendUnknown(_ extra: Int) -> Int {
        reserve(extra)
        (base + count).initialize(repeating: .unknown, count: extra)
        count += extra
        return count - extra
    }

    /// Moves the values from `start` on to the end of `other`, and drops them here.
    mutating func move(from start: Int, to other: inout SlotBuffer) {
        let moved = count - start
        other.reserve(moved)
        (other.base + other.count).moveInitialize(from: base + start, count: moved)
        other.count += moved
        count = start
    }

    @inline(__always)
    subscript(index: Int) -> StoredSlot {
        get { base[index] }
        nonmutating set { base[index] = newValue }
    }

    mutating func removeAll() { count = 0 }

    var buffer: UnsafeMutableBufferPointer<StoredSlot> { UnsafeMutableBufferPointer(start: base, count: count) }

    func free() { base.deallocate() }
}

/// One household read into slots: the fields of every record, one after
/// another, and the elements of every list. Reused from household to
/// household, so that reading one allocates nothing once the buffers are grown.
struct HouseholdSlots {
    var fields = SlotBuffer(capacity: 256)
    var items = SlotBuffer(capacity: 64)
    /// Elements of lists still being read (lists inside lists finish first).
    var pending = SlotBuffer(capacity: 64)
    /// The reader's guesses of the next key (`FastRecordDecoder.Reader.predictions`),
    /// kept from household to household.
    var predictions: UnsafeMutablePointer<Int32>?

    mutating func reset() {
        fields.removeAll()
        items.removeAll()
        pending.removeAll()
    }

    /// The value of field `index` of `fields`.
    func value(_ index: Int) -> SlotValue {
        fields[index].value(UnsafeBufferPointer(items.buffer))
    }

    /// Room for a record of `count` fields, all unknown; where it begins.
    @inline(__always)
    mutating func allocateRecord(_ count: Int) -> Int32 {
        Int32(fields.appendUnknown(count))
    }

    func free() {
        fields.free()
        items.free()
        pending.free()
        predictions?.deallocate()
    }
}
