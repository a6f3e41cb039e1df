/// Numbers worked out in columns of numbers (`Rational`), not of values:
/// the nodes that give a number by their kind (`CompiledPlan.isNumber`),
/// and the paths and comparisons that read them. A lane's number is 16
/// bytes with no case to test, and each operator is chosen once for the
/// whole column rather than once a lane; which lanes are unknown is a mask,
/// as for truth values.
///
/// It follows `CompiledRun.value` lane by lane, as the rest of `BlockRun`
/// does, with one difference on the safe side: a lane whose value is
/// neither a number nor unknown where a number is read (which a checked
/// policy never gives) fails, so the general path decides that household.
extension BlockRun {
    /// Which lanes of a column of numbers failed, and which are unknown;
    /// the others hold a number.
    struct Numbers {
        var failed: UInt64 = 0
        var unknown: UInt64 = 0
    }

    /// Node `index` in the lanes of `mask`, as numbers: each lane that is
    /// neither failed nor unknown gets its number in `out[lane]` (no other
    /// lane of `out` is touched).
    func numbers(_ index: Int32, _ mask: UInt64, _ out: UnsafeMutablePointer<Rational>) -> Numbers {
        if mask == 0 { return Numbers() }
        switch nodes[Int(index)] {
        case .constant(let constant):
            switch constants[Int(constant)] {
            case .number(let number): forEach(mask) { out[$0] = number }
            case .unknown: return Numbers(unknown: mask)
            default: return Numbers(failed: mask)
            }
            return Numbers()
        case .derived(let derived) where plan.isNumber[Int(index)]:
            let slot = Int(derived)
            let column = block.derivedNumbers + slot * Self.width
            let needed = mask & ~block.derivedDone[slot]
            if needed != 0 {
                let computed = numbers(plan.derivedRoots[slot], needed, column)
                block.derivedErrors[slot] |= computed.failed
                block.derivedUnknown[slot] |= computed.unknown
                block.derivedDone[slot] |= needed
            }
            let result = Numbers(failed: mask & block.derivedErrors[slot], unknown: mask & block.derivedUnknown[slot])
            forEach(mask & ~result.failed & ~result.unknown) { out[$0] = column[$0] }
            return result
        case .rootField, .variableField, .rootPath:
            guard let column = stored(index, mask) else { return viaValues(index, mask, out) }
            // A field, read as the slots keep it.
            var result = Numbers()
            forEach(mask) { lane in
                if let number = column[lane].number(block.items[lane]) {
                    out[lane] = number
                } else if column[lane].isUnknown {
                    result.unknown |= bit(lane)
                } else {
                    result.failed |= bit(lane)
                }
            }
            return result
        case .arithmetic(let op, let left, let right):
            var result = numbers(left, mask, out)
            let rest = mask & ~result.failed
            return withNumbers { b in
                let right = numbers(right, rest, b)
                result.failed |= right.failed
                result.unknown = (result.unknown | right.unknown) & ~result.failed
                let known = mask & ~result.failed & ~result.unknown
                switch op {
                case .add, .subtract:
                    let subtracting = op == .subtract
                    forEach(known) { lane in
                        if let sum = Self.sum(out[lane], b[lane], subtracting: subtracting) {
                            out[lane] = sum
                        } else {
                            result.failed |= bit(lane)
                        }
                    }
                case .multiply:
                    forEach(known) { lane in
                        if let product = try? out[lane].multiplying(by: b[lane]) { out[lane] = product } else { result.failed |= bit(lane) }
                    }
                case .divide:
                    forEach(known) { lane in
                        if let quotient = try? out[lane].dividing(by: b[lane]) { out[lane] = quotient } else { result.failed |= bit(lane) }
                    }
                }
                return result
            }
        case .negateNumber(let operand):
            var result = numbers(operand, mask, out)
            forEach(mask & ~result.failed & ~result.unknown) { lane in
                if let negated = try? out[lane].negated() { out[lane] = negated } else { result.failed |= bit(lane) }
            }
            return result
        case .otherwise(let primary, let fallback):
            let first = numbers(primary, mask, out)
            let second = numbers(fallback, first.unknown, out)
            return Numbers(failed: first.failed | second.failed, unknown: second.unknown)
        case .conditional(let condition, let thenNode, let elseNode):
            let test = truth(condition, mask)
            let whenTrue = numbers(thenNode, test.yes, out)
            let whenFalse = numbers(elseNode, test.no, out)
            return Numbers(failed: test.failed | whenTrue.failed | whenFalse.failed,
                           unknown: (mask & ~test.yes & ~test.no & ~test.failed) | whenTrue.unknown | whenFalse.unknown)
        case .call(let builtin, let start, let count) where count >= 1:
            return call(builtin, start, Int(count), mask, out) ?? viaValues(index, mask, out)
        default:
            return viaValues(index, mask, out)
        }
    }

    /// Node `index` evaluated as values (`evaluate`), then read as numbers.
    private func viaValues(_ index: Int32, _ mask: UInt64, _ out: UnsafeMutablePointer<Rational>) -> Numbers {
        withColumn { column in
            var result = Numbers(failed: evaluate(index, mask, column))
            forEach(mask & ~result.failed) { lane in number(column[lane], lane, out, &result) }
            return result
        }
    }

    /// The number-valued built-in functions whose arguments are one column:
    /// `round` (to constant places), `floor`, `ceil`, `abs`, `count`, and
    /// `year`, `month`, `day`; nil for any other call, which goes through values.
    private func call(_ builtin: Builtin, _ start: Int32, _ count: Int, _ mask: UInt64,
                      _ out: UnsafeMutablePointer<Rational>) -> Numbers? {
        let argument = operands[Int(start)]
        switch builtin {
        case .round, .floor, .ceil:
            var places = 0
            if count == 2 {
                // The checker allows only a whole constant for the places.
                guard case .constant(let constant) = nodes[Int(operands[Int(start) + 1])],
                      case .number(let written) = constants[Int(constant)], let whole = written.integerValue else { return nil }
                places = Int(whole)
            } else if count != 1 {
                return nil
            }
            let mode: Rational.RoundingMode = builtin == .round ? .halfAwayFromZero : builtin == .floor ? .floor : .ceiling
            var result = numbers(argument, mask, out)
            forEach(mask & ~result.failed & ~result.unknown) { lane in
                if let rounded = try? out[lane].rounded(places: places, mode: mode) { out[lane] = rounded } else { result.failed |= bit(lane) }
            }
            return result
        case .abs where count == 1:
            var result = numbers(argument, mask, out)
            forEach(mask & ~result.failed & ~result.unknown) { lane in
                guard out[lane].isNegative else { return }
                if let negated = try? out[lane].negated() { out[lane] = negated } else { result.failed |= bit(lane) }
            }
            return result
        case .count where count == 1:
            if let lists = stored(argument, mask) {
                // A list field, its count read from the slot.
                var result = Numbers()
                forEach(mask) { lane in
                    switch lists[lane].kind {
                    case 0: result.unknown |= bit(lane)
                    case 8: out[lane] = Rational(Int64(lists[lane].spanCount))
                    default: result.failed |= bit(lane)
                    }
                }
                return result
            }
            return withColumn { lists in
                var result = Numbers(failed: evaluate(argument, mask, lists))
                forEach(mask & ~result.failed) { lane in
                    switch lists[lane] {
                    case .list(let ref): out[lane] = Rational(Int64(ref.count))
                    case .unknown: result.unknown |= bit(lane)
                    default: result.failed |= bit(lane)
                    }
                }
                return result
            }
        case .year where count == 1, .month where count == 1, .day where count == 1:
            if case .today = nodes[Int(argument)] {
                // The same in every lane: worked out once.
                forEach(mask) { out[$0] = Self.part(builtin, of: today) }
                return Numbers()
            }
            if let dates = stored(argument, mask) {
                // A date field, read from the slot.
                var result = Numbers()
                forEach(mask) { lane in
                    switch dates[lane].kind {
                    case 0: result.unknown |= bit(lane)
                    case 3: out[lane] = Self.part(builtin, of: dates[lane].date)
                    default: result.failed |= bit(lane)
                    }
                }
                return result
            }
            return withColumn { dates in
                var result = Numbers(failed: evaluate(argument, mask, dates))
                forEach(mask & ~result.failed) { lane in
                    switch dates[lane] {
                    case .date(let date): out[lane] = Self.part(builtin, of: date)
                    case .unknown: result.unknown |= bit(lane)
                    default: result.failed |= bit(lane)
                    }
                }
                return result
            }
        default:
            return nil
        }
    }

    @inline(__always)
    private static func part(_ builtin: Builtin, of date: CivilDate) -> Rational {
        switch builtin {
        case .year: return Rational(Int64(date.year))
        case .month: return Rational(Int64(date.month))
        default: return Rational(Int64(date.day))
        }
    }

    /// Node `index` (a number by its kind) in the lanes of `mask`, written
    /// into `out` as values; the failed lanes.
    func numbersAsValues(_ index: Int32, _ mask: UInt64, _ out: UnsafeMutablePointer<SlotValue>) -> UInt64 {
        withNumbers { column in
            let result = numbers(index, mask, column)
            forEach(mask & ~result.failed) { lane in
                out[lane] = result.unknown & bit(lane) != 0 ? .unknown : .number(column[lane])
            }
            return result.failed
        }
    }

    /// A comparison of two numbers in the lanes of `mask`: the right side
    /// evaluated where the left did not fail, unknown where either is.
    func compareNumbers(_ op: ComparisonOperator, _ left: Int32, _ right: Int32, _ mask: UInt64) -> Truth {
        withNumbers { a in
            withNumbers { b in
                let first = numbers(left, mask, a)
                let second = numbers(right, mask & ~first.failed, b)
                var result = Truth(failed: first.failed | second.failed)
                let known = mask & ~result.failed & ~first.unknown & ~second.unknown
                forEach(known) { lane in
                    if op.orders(a[lane], b[lane]) { result.yes |= bit(lane) } else { result.no |= bit(lane) }
                }
                return result
            }
        }
    }

    /// A comparison of a number with a constant one in the lanes of `mask`.
    func compareNumbers(_ op: ComparisonOperator, _ left: Int32, _ constant: Rational, _ mask: UInt64) -> Truth {
        withNumbers { a in
            let first = numbers(left, mask, a)
            var result = Truth(failed: first.failed)
            forEach(mask & ~first.failed & ~first.unknown) { lane in
                if op.orders(a[lane], constant) { result.yes |= bit(lane) } else { result.no |= bit(lane) }
            }
            return result
        }
    }

    /// Reads `value` as lane `lane`'s number into `out`, or marks the lane unknown or failed.
    @inline(__always)
    private func number(_ value: SlotValue, _ lane: Int, _ out: UnsafeMutablePointer<Rational>, _ result: inout Numbers) {
        switch value {
        case .number(let number): out[lane] = number
        case .unknown: result.unknown |= bit(lane)
        default: result.failed |= bit(lane)
        }
    }

    /// `x ± y`; nil when it does not fit. Two whole numbers, as money
    /// mostly is, are added without a call.
    @inline(__always)
    static func sum(_ x: Rational, _ y: Rational, subtracting: Bool) -> Rational? {
        if x.denominator == 1 && y.denominator == 1 {
            let (sum, overflow) = subtracting ? x.numerator.subtractingReportingOverflow(y.numerator)
                : x.numerator.addingReportingOverflow(y.numerator)
            return overflow ? nil : Rational(uncheckedNumerator: sum, denominator: 1)
        }
        return try? subtracting ? x.subtracting(y) : x.adding(y)
    }

    /// A column of numbers from the scratch memory for the time of `body`.
    @inline(__always)
    func withNumbers<Result>(_ body: (UnsafeMutablePointer<Rational>) -> Result) -> Result {
        let column = columns.takeNumbers()
        defer { columns.giveNumbers() }
        return body(column)
    }
}
