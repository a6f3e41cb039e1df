/// Applying the schema's own rules to a record that has been read: fields
/// computed when absent (`default`), then data checks (`check`), for the
/// household and every record inside it.
extension Evaluator {
    /// The problems the schema's checks find, each naming the field.
    public struct DataProblems: Sendable {
        public var warnings: [Diagnostic] = []
        public var errors: [Diagnostic] = []
    }

    /// Fills defaults and runs the data checks; returns the completed record.
    public func prepare(_ household: RecordValue, asOf: CivilDate) -> (record: RecordValue, problems: DataProblems) {
        guard let plan else { return (household, DataProblems()) }
        var problems = DataProblems()
        var frame = makeFrame(household, today: asOf)
        let completed = complete(household, type: plan.schema.root, path: RecordPath(), plan: plan, &frame)
        frame = makeFrame(completed, today: asOf)
        check(completed, type: plan.schema.root, path: RecordPath(), plan: plan, &frame, &problems)
        return (completed, problems)
    }

    private func complete(_ record: RecordValue, type: Int, path: RecordPath, plan: Plan, _ frame: inout Frame) -> RecordValue {
        let rules = plan.recordRules[type]
        var record = record
        for (slot, record_, isList) in rules.nested {
            let childPath = path.joined(plan.schema.records[type].fields[slot].name)
            switch record[slot] {
            case .record(let child) where !isList:
                record.fields[slot] = .record(complete(child, type: record_, path: RecordPath(base: childPath), plan: plan, &frame))
            case .list(let items) where isList:
                record.fields[slot] = .list(items.enumerated().map { index, item in
                    guard case .record(let child) = item else { return item }
                    return .record(complete(child, type: record_, path: RecordPath(base: childPath, index: index), plan: plan, &frame))
                })
            default: break
            }
        }
        guard !rules.defaults.isEmpty else { return record }
        frame.current = record
        frame.currentPath = path
        for (slot, node) in rules.defaults where record[slot].isUnknown {
            if let computed = try? value(node, &frame), !computed.isUnknown {
                record.fields[slot] = computed
            }
        }
        frame.current = nil
        return record
    }

    private func check(_ record: RecordValue, type: Int, path: RecordPath, plan: Plan, _ frame: inout Frame, _ problems: inout DataProblems) {
        let rules = plan.recordRules[type]
        if !rules.checks.isEmpty {
            frame.current = record
            frame.currentPath = path
            for (check, node) in rules.checks {
                // A check that cannot be decided (its data absent) says nothing.
                guard case .bool(false)? = try? value(node, &frame) else { continue }
                let diagnostic = Diagnostic(.dataCheckFailed(path: path.joined(check.field), check: check.name,
                                                             message: check.message, isError: check.isError))
                if check.isError { problems.errors.append(diagnostic) } else { problems.warnings.append(diagnostic) }
            }
            frame.current = nil
        }
        for (slot, record_, isList) in rules.nested {
            let childPath = path.joined(plan.schema.records[type].fields[slot].name)
            switch record[slot] {
            case .record(let child) where !isList:
                check(child, type: record_, path: RecordPath(base: childPath), plan: plan, &frame, &problems)
            case .list(let items) where isList:
                for (index, item) in items.enumerated() {
                    if case .record(let child) = item {
                        check(child, type: record_, path: RecordPath(base: childPath, index: index), plan: plan, &frame, &problems)
                    }
                }
            default: break
            }
        }
    }
}
