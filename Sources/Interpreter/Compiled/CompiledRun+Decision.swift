/// What the compiled evaluation decided for a household, as indices and bit
/// sets into the plan (bit `i` for its `i`th exclusion, elimination
/// condition, alert or step); the due dates are in the scratch memory.
struct CompiledOutcome {
    var decision = DecisionKind.error
    /// Index of the category (-1: none).
    var category = -1
    var matchedCategory = -1
    var exclusions: UInt64 = 0
    var exception = false
    var eliminationEligible = false
    var blockedBy: UInt64 = 0
    var alerts: UInt64 = 0
    var steps: UInt64 = 0
    var greenChannel = false
}

extension CompiledOutcome {
    /// The outcome with the names the plan gives its indices: what the general path's result holds.
    func householdResult(_ compiled: CompiledPlan, id: String?, line: Int, asOf: CivilDate, scratch: CompiledScratch) -> HouseholdResult {
        let plan = compiled.plan
        func names(_ set: UInt64, _ all: [String]) -> [String] {
            all.indices.filter { $0 < 64 && set & (1 << UInt64($0)) != 0 }.map { all[$0] }
        }
        var result = HouseholdResult(id: id, line: line, policy: plan.metadata.id, asOf: asOf, decision: decision)
        result.category = category >= 0 ? plan.categories[category].name : nil
        result.matchedCategory = matchedCategory >= 0 ? plan.categories[matchedCategory].name : nil
        result.exclusions = names(exclusions, plan.exclusions.map(\.name))
        result.exception = exception
        result.eliminationEligible = eliminationEligible
        result.blockedBy = names(blockedBy, plan.elimination.map(\.name))
        var schedule = 0
        for (index, alert) in plan.alerts.enumerated() {
            defer { schedule += alert.schedules.count }
            guard alerts & (1 << UInt64(index)) != 0 else { continue }
            let due = scratch.alertDue[index]
            let interval = plan.alerts[index].schedules[scratch.alertSchedule[index] - schedule].interval.text
            result.alerts.append(AlertResult(rule: alert.name, label: alert.label, department: alert.department, due: due,
                                             interval: interval, eventDate: scratch.alertEvent[index], overdue: due < asOf))
        }
        var step = 0
        for procedure in plan.procedures {
            for planned in procedure.steps {
                defer { step += 1 }
                guard steps & (1 << UInt64(step)) != 0 else { continue }
                let due = scratch.stepDue[step]
                result.procedure.append(StepResult(procedure: procedure.name, step: planned.name, label: planned.label, due: due, overdue: due < asOf))
            }
        }
        result.greenChannel = greenChannel
        return result
    }
}

/// The decision algorithm of `Evaluator+Decision.swift`, step for step,
/// with alerts and procedures; where the general one would answer
/// `needs_data`, write a warning or fail, this one gives up.
extension CompiledRun {
    /// Fills the schema's defaults and runs its data checks; gives up when a check fails (it has a message to write).
    func prepare() throws(GiveUp) {
        try complete(0, type: plan.rootType)
        scratch.forgetDerived()
        try check(0, type: plan.rootType)
        scratch.forgetDerived()
        scratch.current = -1
    }

    private func complete(_ record: Int32, type: Int) throws(GiveUp) {
        let rules = plan.recordRules[type]
        for index in rules.nestedWithDefaults {
            let (slot, recordType, isList) = plan.nested[index]
            switch field(Int(record) + Int(slot)) {
            case .record(let child) where !isList:
                try complete(child, type: Int(recordType))
            case .list(let list) where isList:
                for position in 0..<Int(list.count) {
                    if case .record(let child) = item(list, position) { try complete(child, type: Int(recordType)) }
                }
            default: break
            }
        }
        guard !rules.defaults.isEmpty else { return }
        scratch.current = record
        if rules.defaults.count == 1 {
            let (slot, node) = plan.defaults[rules.defaults.lowerBound]
            if fields[Int(record) + Int(slot)].isUnknown {
                let value = try value(node)
                if !value.isUnknown { try setField(Int(record) + Int(slot), value) }
            }
        } else {
            // Every default sees the record as it was read, as in the general path.
            var computed: [(slot: Int, value: SlotValue)] = []
            for index in rules.defaults {
                let (slot, node) = plan.defaults[index]
                guard fields[Int(record) + Int(slot)].isUnknown else { continue }
                let value = try value(node)
                if !value.isUnknown { computed.append((Int(slot), value)) }
            }
            for (slot, value) in computed { try setField(Int(record) + slot, value) }
        }
        scratch.current = -1
    }

    private func check(_ record: Int32, type: Int) throws(GiveUp) {
        let rules = plan.recordRules[type]
        if !rules.checks.isEmpty {
            scratch.current = record
            scratch.checking = true
            defer { scratch.checking = false }
            for index in rules.checks {
                if case .bool(false) = try value(plan.checks[index]) { throw GiveUp() }
            }
            scratch.current = -1
        }
        for index in rules.nestedWithChecks {
            let (slot, recordType, isList) = plan.nested[index]
            switch field(Int(record) + Int(slot)) {
            case .record(let child) where !isList:
                try check(child, type: Int(recordType))
            case .list(let list) where isList:
                for position in 0..<Int(list.count) {
                    if case .record(let child) = item(list, position) { try check(child, type: Int(recordType)) }
                }
            default: break
            }
        }
    }

    /// The decision, alerts and procedure steps of the household (the
    /// values of its rules read through `node`).
    func decide() throws(GiveUp) -> CompiledOutcome {
        var outcome = CompiledOutcome()
        var monitored = SlotValue.bool(false)
        if plan.monitored >= 0 { monitored = try node(plan.monitored) }

        var matched = -1
        var categoryUnknown = false
        if case .bool(false) = monitored {
            for (index, condition) in plan.categories.enumerated() {
                let result = try node(condition)
                if case .bool(true) = result {
                    matched = index
                    break
                }
                if result.isUnknown { categoryUnknown = true }
            }
        }
        if !categoryUnknown { outcome.matchedCategory = matched }

        var applied: UInt64 = 0
        var exclusionUnknown = false
        for (index, condition) in plan.exclusions.enumerated() {
            switch try node(condition) {
            case .bool(true): applied |= 1 << UInt64(index)
            case .unknown: exclusionUnknown = true
            default: break
            }
        }
        outcome.exclusions = applied

        var exception = SlotValue.bool(false)
        if plan.exception >= 0 { exception = try node(plan.exception) }

        var blockers: UInt64 = 0
        var undecided: UInt64 = 0
        for (index, condition) in plan.elimination.enumerated() {
            let result = try node(condition.node)
            switch (condition.isRequire, result) {
            case (true, .bool(false)), (false, .bool(true)): blockers |= 1 << UInt64(index)
            case (_, .unknown): undecided |= 1 << UInt64(index)
            default: break
            }
        }
        let notHolding = blockers | undecided
        var excepted = false
        if case .bool(true) = exception { excepted = true }

        switch monitored {
        case .unknown:
            throw GiveUp()
        case .bool(true):
            let category = try monitoredCategory()
            if applied != 0, !excepted {
                if exception.isUnknown { throw GiveUp() }
                outcome.decision = .remove
                outcome.blockedBy = notHolding
                try schedules(&outcome)
                return outcome
            }
            if exclusionUnknown, !excepted { throw GiveUp() }
            outcome.exception = excepted && applied != 0
            if blockers != 0 {
                outcome.decision = .continue
                outcome.blockedBy = blockers
                outcome.category = category
            } else if undecided != 0 {
                throw GiveUp()
            } else {
                outcome.decision = plan.elimination.isEmpty ? .continue : .eliminate
                outcome.eliminationEligible = !plan.elimination.isEmpty
                outcome.category = category
            }
        default:
            outcome.blockedBy = notHolding
            if categoryUnknown { throw GiveUp() }
            guard matched >= 0 else {
                outcome.decision = .notEligible
                try schedules(&outcome)
                return outcome
            }
            if applied != 0 {
                if excepted {
                    outcome.decision = .include
                    outcome.exception = true
                    outcome.category = matched
                } else if exception.isUnknown {
                    throw GiveUp()
                } else {
                    outcome.decision = .exclude
                }
            } else if exclusionUnknown, !excepted {
                throw GiveUp()
            } else {
                outcome.decision = .include
                outcome.category = matched
            }
        }
        try schedules(&outcome)
        return outcome
    }

    private func monitoredCategory() throws(GiveUp) -> Int {
        guard plan.monitoredCategory >= 0, case .enumeration(let member) = try node(plan.monitoredCategory),
              member >= 0, member < plan.categoryOfMember.count else { return -1 }
        return Int(plan.categoryOfMember[member])
    }

    /// The outcome with its alerts and procedure steps.
    private func schedules(_ outcome: inout CompiledOutcome) throws(GiveUp) {
        outcome.alerts = try alerts()
        try procedure(&outcome)
    }

    /// The alerts of `plan.kindTriggers` that an event triggers, each with
    /// the date of its latest event (in `scratch.triggerDates`).
    private func kindTriggered(_ group: CompiledPlan.KindTriggers) -> UInt64 {
        guard case .list(let list) = field(group.listSlot) else { return 0 }
        var found: UInt64 = 0
        for position in 0..<Int(list.count) {
            guard case .record(let record) = item(list, position), case .date(let date) = field(Int(record) + group.dateSlot),
                  date <= today, case .enumeration(let member) = field(Int(record) + group.kindSlot), member >= 0, member < 64 else { continue }
            var triggered = group.alertsOfMember[member]
            while triggered != 0 {
                let alert = triggered.trailingZeroBitCount
                triggered &= triggered - 1
                let bit = UInt64(1) << UInt64(alert)
                if found & bit != 0, scratch.triggerDates[alert] >= date { continue }
                scratch.triggerDates[alert] = date
                found |= bit
            }
        }
        return found
    }

    private func alerts() throws(GiveUp) -> UInt64 {
        var fired: UInt64 = 0
        let asOf = today
        let group = plan.kindTriggers
        let triggered = group.map(kindTriggered) ?? 0
        let grouped = group?.alerts ?? 0
        // The alerts of the group that no event triggers are passed over.
        let count = plan.alerts.count
        var candidates = (count >= 64 ? UInt64.max : (1 << UInt64(count)) - 1) & (~grouped | triggered)
        while candidates != 0 {
            let index = candidates.trailingZeroBitCount
            candidates &= candidates - 1
            // In a block, an alert whose condition the block found not true here is passed over at once.
            if let roots, roots.isNotTrue(plan.alerts[index].condition) { continue }
            let alert = plan.alerts[index]
            if let months = alert.months, !Evaluator.month(today.month, isIn: months) { continue }
            var eventDate: CivilDate?
            if grouped & (1 << UInt64(index)) != 0 {
                guard triggered & (1 << UInt64(index)) != 0 else { continue }
                eventDate = scratch.triggerDates[index]
            } else if alert.triggerList >= 0 {
                guard case .list(let list) = try value(alert.triggerList) else { continue }
                for position in 0..<Int(list.count) {
                    let element = item(list, position)
                    guard case .record(let record) = element, case .date(let date) = field(Int(record) + alert.triggerDateSlot),
                          date <= asOf else { continue }
                    if let (slot, members) = alert.triggerKinds {
                        guard case .enumeration(let member) = field(Int(record) + slot), member >= 0, member < 64,
                              members & (1 << UInt64(member)) != 0 else { continue }
                    } else if alert.triggerFilter >= 0 {
                        scratch.variables[0] = element
                        guard case .bool(true) = try value(alert.triggerFilter) else { continue }
                    }
                    if let latest = eventDate, latest >= date { continue }
                    eventDate = date
                }
                guard eventDate != nil else { continue }
            }
            if alert.condition >= 0 {
                guard case .bool(true) = try node(alert.condition) else { continue }
            }
            for number in alert.schedules {
                let schedule = plan.schedules[number]
                if schedule.guardNode >= 0 {
                    guard case .bool(true) = try node(schedule.guardNode) else { continue }
                }
                scratch.alertDue[index] = try dueDate(number, anchor: eventDate ?? asOf)
                scratch.alertEvent[index] = eventDate
                scratch.alertSchedule[index] = number
                fired |= 1 << UInt64(index)
                break
            }
        }
        return fired
    }

    private func procedure(_ outcome: inout CompiledOutcome) throws(GiveUp) {
        let asOf = today
        for procedure in plan.procedures where procedure.isFor(outcome.decision) {
            var start = asOf
            if procedure.start >= 0, case .date(let date) = try node(procedure.start) { start = date }
            var deadline: CivilDate?
            if let duration = procedure.deadline { deadline = try shift(start, duration) }
            if procedure.greenChannel >= 0, case .bool(true) = try node(procedure.greenChannel) { outcome.greenChannel = true }
            var latestEnd = start
            for index in procedure.steps {
                let step = plan.steps[index]
                var skipped = false
                if step.skipWhen >= 0, case .bool(true) = try node(step.skipWhen) { skipped = true }
                let begin = step.alongside.map { scratch.stepBegin[procedure.steps.lowerBound + $0] } ?? latestEnd
                scratch.stepBegin[index] = begin
                if skipped { continue }
                let end = try step.duration.map { duration throws(GiveUp) in try shift(begin, duration) } ?? begin
                latestEnd = max(latestEnd, end)
                let due = step.fixedDate ?? (step.duration != nil ? end : (deadline ?? begin))
                // A step due after the deadline has a warning to write.
                if let deadline, due > deadline { throw GiveUp() }
                scratch.stepDue[index] = due
                outcome.steps |= 1 << UInt64(index)
            }
        }
    }
}

