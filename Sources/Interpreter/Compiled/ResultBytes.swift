/// The parts of a result's JSON that depend on the plan alone (names of
/// rules and steps, labels, departments), escaped once when the plan is
/// compiled, so that writing a result is copying bytes.
struct ResultFragments: @unchecked Sendable {
    /// Every fragment, one after another; the others are ranges of it.
    let bytes: UnsafeBufferPointer<UInt8>
    /// `,"policy":"…","as_of":"` (the date follows).
    let policy: Range<Int>
    /// Each decision's name, by `DecisionKind.order`.
    let decisions: UnsafeBufferPointer<Range<Int>>
    /// `"name"` of each category, exclusion and elimination condition.
    let categories: UnsafeBufferPointer<Range<Int>>
    let exclusions: UnsafeBufferPointer<Range<Int>>
    let elimination: UnsafeBufferPointer<Range<Int>>
    /// `{"rule":…,"department":…,"due":"` by alert.
    let alertHeads: UnsafeBufferPointer<Range<Int>>
    /// `","label":…,"interval":…,"event_date":` by schedule (of all alerts, in order).
    let alertMiddles: UnsafeBufferPointer<Range<Int>>
    /// `{"step":…,"due":"` and `","procedure":…,"label":…,"overdue":` by step.
    let stepHeads: UnsafeBufferPointer<Range<Int>>
    let stepTails: UnsafeBufferPointer<Range<Int>>

    init(_ plan: Plan, _ frozen: inout FrozenArrays) {
        func quoted(_ text: String) -> String { ResultWriter.jsonString(text) }
        func optional(_ text: String?) -> String { text.map(quoted) ?? "null" }
        var bytes: [UInt8] = []
        func add(_ text: String) -> Range<Int> {
            let start = bytes.count
            bytes.append(contentsOf: text.utf8)
            return start..<bytes.count
        }
        policy = add(",\"policy\":\(plan.metadata.id.isEmpty ? "null" : quoted(plan.metadata.id)),\"as_of\":\"")
        decisions = frozen.keep(DecisionKind.allCases.map { add($0.rawValue) })
        categories = frozen.keep(plan.categories.map { add(quoted($0.name)) })
        exclusions = frozen.keep(plan.exclusions.map { add(quoted($0.name)) })
        elimination = frozen.keep(plan.elimination.map { add(quoted($0.name)) })
        alertHeads = frozen.keep(plan.alerts.map { add("{\"rule\":\(quoted($0.name)),\"department\":\(quoted($0.department)),\"due\":\"") })
        alertMiddles = frozen.keep(plan.alerts.flatMap { alert in
            alert.schedules.map { schedule in
                add("\",\"label\":\(optional(alert.label)),\"interval\":\(quoted(schedule.interval.text)),\"event_date\":")
            }
        })
        var heads: [Range<Int>] = []
        var tails: [Range<Int>] = []
        for procedure in plan.procedures {
            for step in procedure.steps {
                heads.append(add("{\"step\":\(quoted(step.name)),\"due\":\""))
                tails.append(add("\",\"procedure\":\(quoted(procedure.name)),\"label\":\(optional(step.label)),\"overdue\":"))
            }
        }
        stepHeads = frozen.keep(heads)
        stepTails = frozen.keep(tails)
        self.bytes = frozen.keep(bytes)
    }
}

/// A date and its ten bytes of text, kept by `ResultBytes`.
struct DateText {
    var days = Int32.min
    var text: (UInt64, UInt16) = (0, 0)

    static let size = 16
}

/// Writes a compiled outcome as its line of JSON Lines, the same bytes as
/// `ResultWriter.line(_:.jsonl)` writes for the general path's result.
struct ResultBytes {
    /// Where the line goes: after what `out` holds already.
    let out: ByteBuffer

    /// Dates written lately, as text (`DateText.size` of them, by day
    /// number): most lines write the same few (the evaluation date, due dates).
    let dates: UnsafeMutablePointer<DateText>

    init(into out: ByteBuffer, dates: UnsafeMutablePointer<DateText>) {
        self.out = out
        self.dates = dates
    }

    mutating func append(_ fragment: Range<Int>, of json: ResultFragments) {
        out.append(UnsafeBufferPointer(rebasing: json.bytes[fragment]))
    }

    mutating func append(_ text: StaticString) {
        out.append(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func append(date: CivilDate) {
        let memo = dates + Int(date.daysSinceEpoch & Int32(DateText.size - 1))
        if memo.pointee.days == date.daysSinceEpoch {
            withUnsafeBytes(of: memo.pointee.text) { out.append(UnsafeBufferPointer(start: $0.baseAddress!.assumingMemoryBound(to: UInt8.self), count: 10)) }
            return
        }
        let (year, month, day) = date.components
        // The ten bytes made in a word and a half, then copied at once.
        var text: (UInt64, UInt16) = (0, 0)
        defer { memo.pointee = DateText(days: date.daysSinceEpoch, text: text) }
        withUnsafeMutableBytes(of: &text) { bytes in
            bytes[0] = 0x30 + UInt8(year / 1000 % 10)
            bytes[1] = 0x30 + UInt8(year / 100 % 10)
            bytes[2] = 0x30 + UInt8(year / 10 % 10)
            bytes[3] = 0x30 + UInt8(year % 10)
            bytes[4] = 0x2D
            bytes[5] = 0x30 + UInt8(month / 10)
            bytes[6] = 0x30 + UInt8(month % 10)
            bytes[7] = 0x2D
            bytes[8] = 0x30 + UInt8(day / 10)
            bytes[9] = 0x30 + UInt8(day % 10)
            out.append(UnsafeBufferPointer(start: bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), count: 10))
        }
    }

    mutating func append(integer: Int) {
        if integer < 0 {
            out.append(String(integer))
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = integer
        // Written from the end of the buffer backwards, then copied at once.
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                count += 1
                buffer[buffer.count - count] = 0x30 + UInt8(rest % 10)
                rest /= 10
            } while rest > 0
            out.append(UnsafeBufferPointer(rebasing: buffer.bindMemory(to: UInt8.self)[(buffer.count - count)...]))
        }
    }

    /// The members of a bit set in order, separated by commas, each written by `element`.
    mutating func appendEach(_ set: UInt64, _ element: (inout ResultBytes, Int) -> Void) {
        var rest = set
        var first = true
        while rest != 0 {
            let index = rest.trailingZeroBitCount
            rest &= rest - 1
            if !first { out.append(0x2C) }
            first = false
            element(&self, index)
        }
    }

    mutating func append(names: UInt64, _ fragments: UnsafeBufferPointer<Range<Int>>, of json: ResultFragments) {
        out.append(0x5B)
        appendEach(names) { $0.append(fragments[$1], of: json) }
        out.append(0x5D)
    }

    mutating func append(bool: Bool) {
        if bool { append("true") } else { append("false") }
    }

    /// The whole line of one household's result.
    /// `id` is the id's bytes as they stand in the line (no character to escape).
    mutating func write(_ outcome: CompiledOutcome, id: UnsafeBufferPointer<UInt8>?, line: Int, asOf: CivilDate, plan: CompiledPlan,
                        scratch: CompiledScratch) {
        let json = plan.json
        append("{\"id\":")
        if let id {
            out.append(0x22)
            out.append(id)
            out.append(0x22)
        } else {
            append("null")
        }
        append(json.policy, of: json)
        append(date: asOf)
        append("\",\"decision\":\"")
        append(json.decisions[outcome.decision.order], of: json)
        append("\",\"category\":")
        if outcome.category >= 0 { append(json.categories[outcome.category], of: json) } else { append("null") }
        append(",\"exclusions\":")
        append(names: outcome.exclusions, json.exclusions, of: json)
        append(",\"exception\":")
        append(bool: outcome.exception)
        append(",\"elimination\":{\"eligible\":")
        append(bool: outcome.eliminationEligible)
        append(",\"blocked_by\":")
        append(names: outcome.blockedBy, json.elimination, of: json)
        append("},\"alerts\":[")
        appendEach(outcome.alerts) { bytes, index in
            let due = scratch.alertDue[index]
            bytes.append(json.alertHeads[index], of: json)
            bytes.append(date: due)
            bytes.append(json.alertMiddles[scratch.alertSchedule[index]], of: json)
            if let event = scratch.alertEvent[index] {
                bytes.out.append(0x22)
                bytes.append(date: event)
                bytes.out.append(0x22)
            } else {
                bytes.append("null")
            }
            bytes.append(",\"overdue\":")
            bytes.append(bool: due < asOf)
            bytes.out.append(0x7D)
        }
        append("],\"procedure\":[")
        appendEach(outcome.steps) { bytes, index in
            let due = scratch.stepDue[index]
            bytes.append(json.stepHeads[index], of: json)
            bytes.append(date: due)
            bytes.append(json.stepTails[index], of: json)
            bytes.append(bool: due < asOf)
            bytes.out.append(0x7D)
        }
        append("],\"green_channel\":")
        append(bool: outcome.greenChannel)
        append(",\"missing\":[],\"warnings\":[],\"messages\":[],\"trace\":[],\"matched_category\":")
        if outcome.matchedCategory >= 0 { append(json.categories[outcome.matchedCategory], of: json) } else { append("null") }
        append(",\"line\":")
        append(integer: line)
        append("}\n")
    }
}
