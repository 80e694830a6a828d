import History

/// One client transaction: its micro-operations, how it ended, and where it is in the history.
public struct Transaction: Sendable {
    /// Position among the history's transactions, in invocation order (0-based).
    public var id: Int
    public var process: ProcessID
    /// `ok` committed; `fail` certainly did not commit (aborted); `info` may or may not have
    /// committed (its writes may be seen, its reads are unknown).
    public var outcome: Outcome
    /// The steps: for `ok`, as completed (reads carry their results); otherwise as invoked.
    public var ops: [MicroOp]
    /// Index of the invocation event in the history.
    public var invokeIndex: Int
    /// Index of the completion event; nil for `info` and never-completed transactions.
    public var completeIndex: Int?
    /// Source line of the invocation.
    public var invokeLine: Int
    /// Source line of the completion, when it completed (`ok`, `fail`, or an `info` completion).
    public var completeLine: Int?

    public init(
        id: Int, process: ProcessID, outcome: Outcome, ops: [MicroOp], invokeIndex: Int, completeIndex: Int?,
        invokeLine: Int, completeLine: Int?
    ) {
        self.id = id
        self.process = process
        self.outcome = outcome
        self.ops = ops
        self.invokeIndex = invokeIndex
        self.completeIndex = completeIndex
        self.invokeLine = invokeLine
        self.completeLine = completeLine
    }

    /// `lines 12–15`, or `line 12–` when it never completed.
    public var lineRange: String {
        guard let completeLine else { return "line \(invokeLine)–" }
        return "lines \(invokeLine)–\(completeLine)"
    }

    /// The steps as Jepsen prints them, `[append 5 1] [r 6 [1 2]]`.
    public var opsText: String { ops.map(\.description).joined(separator: " ") }
}
