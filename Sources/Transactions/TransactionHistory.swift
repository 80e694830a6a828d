import History

/// The transactions of a history, read from its events' values.
///
/// Every client operation's value must be an array of micro-operations `[f, k, v]`: `append`
/// and `r` for list-append, `w` and `r` for rw-register (`[[:append 253 1] [:r 253 [1 3 4]]]`
/// in EDN, `[["append","k",1],["r","k",[1,3,4]]]` in JSONL). An `ok` completion carries the
/// results of its reads and must list the same steps (function and key) as its invocation; a
/// list-append read returns a list or nil (an empty list). Appended and written values may be any
/// value but nil. Nemesis events are left out; an `info` or never-completed operation keeps the
/// steps it was invoked with, its reads unknown.
public struct TransactionHistory: Sendable {
    /// The workload the values were read as.
    public var model: TransactionModel
    /// In invocation order; `transactions[i].id == i`.
    public var transactions: [Transaction]
    /// The source history (events, lines, file name).
    public var history: History

    /// Reads the transactions of `history`.
    /// - Throws: `HistoryError` naming the file and the line of the first malformed event, and
    ///   what was expected.
    public init(_ history: History, model: TransactionModel) throws(HistoryError) {
        self.model = model
        self.history = history
        let operations = try history.operations()
        var txns: [Transaction] = []
        txns.reserveCapacity(operations.count)
        for op in operations {
            let invokeLine = history.lines[op.invokeIndex]
            let invoked = try Self.ops(op.input, f: op.f, model: model, results: false, source: history.source, line: invokeLine)
            var ops = invoked
            var completeLine: Int?
            if let c = op.completeIndex { completeLine = history.lines[c] }
            if op.outcome == .ok, let c = op.completeIndex {
                let line = history.lines[c]
                let done = try Self.ops(op.output, f: op.f, model: model, results: true, source: history.source, line: line)
                if !invoked.isEmpty {
                    try Self.requireSameSteps(invoked, done, source: history.source, line: line, invokeLine: invokeLine)
                }
                ops = done
            }
            txns.append(
                Transaction(
                    id: txns.count, process: op.process, outcome: op.outcome, ops: ops, invokeIndex: op.invokeIndex,
                    completeIndex: op.outcome == .info ? nil : op.completeIndex, invokeLine: invokeLine,
                    completeLine: completeLine))
        }
        transactions = txns
    }

    /// Checks these transactions against `options.consistency` (see `TransactionModel.check`).
    /// - Throws: `HistoryError` for a value appended or written twice to one key.
    public func check(options: TransactionCheckOptions = TransactionCheckOptions()) throws(HistoryError)
        -> TransactionCheckResult
    {
        try TransactionChecker.check(self, options: options, start: ContinuousClock.now)
    }

    /// The steps of one event's value. With `results`, reads carry what they returned (nil
    /// becomes the empty list for list-append); otherwise reads are unknown.
    static func ops(_ value: Value, f opName: String, model: TransactionModel, results: Bool, source: String, line: Int)
        throws(HistoryError) -> [MicroOp]
    {
        func fail(_ message: String) -> HistoryError {
            HistoryError(file: source, line: line, message: message)
        }
        let example = model == .listAppend ? "[[\"append\", k, 1], [\"r\", k, nil]]" : "[[\"w\", k, 1], [\"r\", k, nil]]"
        if value == .null && !results { return [] }
        guard case .array(let steps) = value, steps.allSatisfy({ $0.array != nil }) else {
            throw fail("expected a \(model.rawValue) transaction, an array of micro-operations such as \(example), found \(opName) with value \(value)")
        }
        var ops: [MicroOp] = []
        ops.reserveCapacity(steps.count)
        for (i, step) in steps.enumerated() {
            guard case .array(let parts) = step, parts.count == 3, case .string(let f) = parts[0] else {
                throw fail("micro-operation \(i + 1) of the transaction: expected [f, key, value] with f \"\(model.writeName)\" or \"r\", found \(step)")
            }
            let key = parts[1], v = parts[2]
            switch f {
            case "r":
                guard results else { ops.append(.read(key: key, value: nil)); continue }
                if model == .listAppend {
                    switch v {
                    case .null: ops.append(.read(key: key, value: .array([])))
                    case .array: ops.append(.read(key: key, value: v))
                    default:
                        throw fail("micro-operation \(i + 1) of the transaction: a list-append read returns a list or nil, found \(v)")
                    }
                } else {
                    if case .array = v {
                        throw fail("micro-operation \(i + 1) of the transaction: an rw-register read returns a single value or nil, found the list \(v)")
                    }
                    ops.append(.read(key: key, value: v))
                }
            case model.writeName:
                guard v != .null else {
                    throw fail("micro-operation \(i + 1) of the transaction: [\(f) \(key) nil] writes nothing; expected a value")
                }
                ops.append(model == .listAppend ? .append(key: key, value: v) : .write(key: key, value: v))
            default:
                throw fail("micro-operation \(i + 1) of the transaction: unknown function \"\(f)\"; a \(model.rawValue) transaction has \"\(model.writeName)\" and \"r\"")
            }
        }
        return ops
    }

    /// An ok completion must report the steps its invocation asked for.
    static func requireSameSteps(_ invoked: [MicroOp], _ done: [MicroOp], source: String, line: Int, invokeLine: Int)
        throws(HistoryError)
    {
        guard invoked.count == done.count else {
            throw HistoryError(
                file: source, line: line,
                message: "the completion has \(done.count) micro-operations, its invocation (line \(invokeLine)) \(invoked.count); expected the same steps")
        }
        for (i, (a, b)) in zip(invoked, done).enumerated() where a.f != b.f || a.key != b.key || (a.isWrite && a != b) {
            throw HistoryError(
                file: source, line: line,
                message: "micro-operation \(i + 1) of the completion is \(b), its invocation (line \(invokeLine)) asked for \(a); expected the same step")
        }
    }
}
