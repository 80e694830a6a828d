/// How an operation ended.
public enum Outcome: String, Sendable, Hashable {
    /// Completed and took effect.
    case ok
    /// Certainly did not take effect.
    case fail
    /// Unknown: timed out, lost its connection, or never completed. It may take effect at any
    /// time after its invocation, or never.
    case info
}

/// A client operation: an invocation paired with its completion.
public struct HistoryOperation: Sendable, Hashable {
    /// Position of this operation among all operations of its history, by invocation order.
    public var id: Int
    public var process: ProcessID
    public var f: String
    public var key: Value?
    /// The value of the invocation (what was asked: written value, `[old new]` of a cas, …).
    public var input: Value
    /// The value of the completion (what was returned, e.g. the value read); `.null` when unknown.
    public var output: Value
    public var outcome: Outcome
    /// Index of the invocation event in the history.
    public var invokeIndex: Int
    /// Index of the completion event; nil when the operation never completed.
    public var completeIndex: Int?
    public var invokeTime: Int64?
    public var completeTime: Int64?

    public init(
        id: Int, process: ProcessID, f: String, key: Value?, input: Value, output: Value,
        outcome: Outcome, invokeIndex: Int, completeIndex: Int?, invokeTime: Int64? = nil,
        completeTime: Int64? = nil
    ) {
        self.id = id
        self.process = process
        self.f = f
        self.key = key
        self.input = input
        self.output = output
        self.outcome = outcome
        self.invokeIndex = invokeIndex
        self.completeIndex = completeIndex
        self.invokeTime = invokeTime
        self.completeTime = completeTime
    }
}

extension History {
    /// Pairs every client invocation with the completion of the same process that follows it.
    ///
    /// Nemesis events are skipped. An invocation never completed becomes an `info` operation.
    /// A completion without a pending invocation, or a second invocation while one is pending
    /// (not after `info`, which frees the process), is an error naming the line.
    public func operations() throws(HistoryError) -> [HistoryOperation] {
        var ops: [HistoryOperation] = []
        ops.reserveCapacity(events.count / 2 + 1)
        var pending: [ProcessID: Int] = [:]
        for (i, e) in events.enumerated() where e.process != .nemesis {
            if e.type == .invoke {
                if let open = pending[e.process] {
                    throw HistoryError(
                        file: source, line: lines[i],
                        message: "process \(e.process) invokes \(e.f) while its \(ops[open].f) "
                            + "invoked on line \(lines[ops[open].invokeIndex]) is still pending; "
                            + "expected a completion (ok, fail or info) first")
                }
                pending[e.process] = ops.count
                ops.append(
                    HistoryOperation(
                        id: ops.count, process: e.process, f: e.f, key: e.key, input: e.value,
                        output: .null, outcome: .info, invokeIndex: i, completeIndex: nil,
                        invokeTime: e.time))
                continue
            }
            guard let open = pending.removeValue(forKey: e.process) else {
                throw HistoryError(
                    file: source, line: lines[i],
                    message: "\(e.type.rawValue) of process \(e.process) has no pending invocation; "
                        + "expected an invoke of that process before it")
            }
            if e.f != ops[open].f {
                throw HistoryError(
                    file: source, line: lines[i],
                    message: "\(e.type.rawValue) of \(e.f) completes an invocation of \(ops[open].f); "
                        + "expected the same function")
            }
            ops[open].completeIndex = i
            ops[open].completeTime = e.time
            switch e.type {
            case .ok:
                ops[open].outcome = .ok
                ops[open].output = e.value
            case .fail:
                ops[open].outcome = .fail
                ops[open].output = e.value
            case .info, .invoke:
                ops[open].outcome = .info
                ops[open].completeIndex = nil
            }
            if ops[open].key == nil { ops[open].key = e.key }
        }
        return ops
    }
}
