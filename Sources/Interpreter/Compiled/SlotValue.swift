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

/// One household read into slots: the fields of every record, one after
/// another, and the elements of every list. Reused from household to
/// household, so that reading one allocates nothing once the arrays are grown.
struct HouseholdSlots {
    var fields: [SlotValue] = []
    var items: [SlotValue] = []
    /// Elements of lists still being read (lists inside lists finish first).
    var pending: [SlotValue] = []
    /// The reader's guesses of the next key (`FastRecordDecoder.Reader.predictions`),
    /// kept from household to household; freed by the scratch memory that owns them.
    var predictions: UnsafeMutablePointer<Int32>?

    mutating func reset() {
        fields.removeAll(keepingCapacity: true)
        items.removeAll(keepingCapacity: true)
        pending.removeAll(keepingCapacity: true)
    }

    /// Room for a record of `count` fields, all unknown; where it begins.
    mutating func allocateRecord(_ count: Int) -> Int32 {
        let base = Int32(fields.count)
        for _ in 0..<count { fields.append(.unknown) }
        return base
    }
}
