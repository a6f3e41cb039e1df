import Foundation
import Synchronization

/// The working memory of compiled evaluations on one thread: the slots of
/// the household, the values of its `let`s, the quantifiers' variables, the
/// alerts and steps found. Allocated once and
/// reused household after household, so that deciding one allocates nothing.
final class CompiledScratch: @unchecked Sendable {
    var slots = HouseholdSlots()
    /// The record a default or check is evaluated in (-1: none; `CompiledRun.current`).
    var current: Int32 = -1
    /// Whether a data check is being evaluated (`CompiledRun.check`): see
    /// `CompiledRun.skipsTheRest`.
    var checking = false
    let derived: UnsafeMutablePointer<SlotValue>
    let derivedDone: UnsafeMutablePointer<Bool>
    /// Whether a `let` was computed since they were last forgotten.
    var derivedComputed = false
    let derivedCount: Int
    let variables: UnsafeMutablePointer<SlotValue>
    /// By alert: its due date, the date of the event that fired it, which schedule gave it.
    let alertDue: UnsafeMutablePointer<CivilDate>
    let alertEvent: UnsafeMutablePointer<CivilDate?>
    let alertSchedule: UnsafeMutablePointer<Int>
    /// Dates shifted by a duration (`CompiledRun.shift`), remembered: most
    /// households shift the same dates (the evaluation date, the start of a
    /// procedure) by the same durations. Direct-mapped by `DateMemo.index`.
    let shifted: UnsafeMutablePointer<DateMemo>
    /// By schedule: the anchor and evaluation date of the due date worked
    /// out last, and that due date.
    let dueDates: UnsafeMutablePointer<DateMemo>
    /// Dates written lately, as text (`ResultBytes`).
    let dateTexts: UnsafeMutablePointer<DateText>
    /// By alert: the date of the latest event that triggers it (`CompiledPlan.KindTriggers`).
    let triggerDates: UnsafeMutablePointer<CivilDate>
    /// By step (all procedures' steps in order): its due date, and when it begins.
    let stepDue: UnsafeMutablePointer<CivilDate>
    let stepBegin: UnsafeMutablePointer<CivilDate>

    /// The memory for deciding households in blocks (`BlockRun`), made when first needed.
    private(set) lazy var block = BlockScratch(plan)
    private let plan: CompiledPlan

    init(_ plan: CompiledPlan) {
        self.plan = plan
        derivedCount = plan.derivedRoots.count
        derived = .allocate(capacity: max(1, derivedCount))
        derived.initialize(repeating: .unknown, count: max(1, derivedCount))
        derivedDone = .allocate(capacity: max(1, derivedCount))
        derivedDone.initialize(repeating: false, count: max(1, derivedCount))
        variables = .allocate(capacity: plan.maxVariables)
        variables.initialize(repeating: .unknown, count: plan.maxVariables)
        alertDue = .allocate(capacity: 64)
        alertDue.initialize(repeating: .epoch, count: 64)
        alertEvent = .allocate(capacity: 64)
        alertEvent.initialize(repeating: nil, count: 64)
        alertSchedule = .allocate(capacity: 64)
        alertSchedule.initialize(repeating: 0, count: 64)
        shifted = .allocate(capacity: DateMemo.size)
        shifted.initialize(repeating: DateMemo(), count: DateMemo.size)
        let scheduleCount = max(1, plan.schedules.count)
        dueDates = .allocate(capacity: scheduleCount)
        dueDates.initialize(repeating: DateMemo(), count: scheduleCount)
        dateTexts = .allocate(capacity: DateText.size)
        dateTexts.initialize(repeating: DateText(), count: DateText.size)
        triggerDates = .allocate(capacity: 64)
        triggerDates.initialize(repeating: .epoch, count: 64)
        stepDue = .allocate(capacity: 64)
        stepDue.initialize(repeating: .epoch, count: 64)
        stepBegin = .allocate(capacity: 64)
        stepBegin.initialize(repeating: .epoch, count: 64)
    }

    deinit {
        slots.free()
        derived.deallocate()
        derivedDone.deallocate()
        variables.deallocate()
        alertDue.deallocate()
        alertEvent.deallocate()
        alertSchedule.deallocate()
        triggerDates.deallocate()
        dateTexts.deallocate()
        shifted.deallocate()
        dueDates.deallocate()
        stepDue.deallocate()
        stepBegin.deallocate()
    }

    /// The `let`s are computed afresh (for a new household, or after defaults).
    @inline(__always)
    func forgetDerived() {
        guard derivedComputed else { return }
        derivedDone.update(repeating: false, count: derivedCount)
        derivedComputed = false
    }
}

/// A date worked out from a date and a key (a duration, a schedule), kept
/// for the next household that asks the same.
struct DateMemo {
    var date = CivilDate.epoch
    var amount: Int64 = 0
    var key: Int32 = -1
    var result = CivilDate.epoch

    static let size = 64

    /// The slot of `shifted` for a date and a duration.
    static func index(_ date: CivilDate, _ duration: Duration) -> Int {
        Int(truncatingIfNeeded: (Int64(date.daysSinceEpoch) &* 31 &+ duration.amount &* 7 &+ Int64(duration.unit.key))) & (size - 1)
    }
}

extension DurationUnit {
    /// A small number of its own.
    var key: Int32 {
        switch self {
        case .days: return 0
        case .workingDays: return 1
        case .months: return 2
        }
    }
}

/// Scratch memory for each thread that evaluates: taken for one household
/// and given back, so that threads never share one.
final class CompiledScratchPool: @unchecked Sendable {
    private let plan: CompiledPlan
    /// A `Mutex` (a futex, taken in user space when free) rather than an
    /// `NSLock`: it is taken twice for every household.
    private let free = Mutex<[CompiledScratch]>([])

    init(_ plan: CompiledPlan) { self.plan = plan }

    func take() -> CompiledScratch {
        free.withLock { $0.popLast() } ?? CompiledScratch(plan)
    }

    func giveBack(_ scratch: CompiledScratch) {
        free.withLock { $0.append(scratch) }
    }
}
