/// What a node asks its driver to do, in this order:
/// 1. persist `hardState` (if set) and the log suffix `entries` starting at `firstIndex`
///    (replacing whatever the log held from `firstIndex` on), durably;
/// 2. send `messages`;
/// 3. apply `committed` to the state machine, in order;
/// 4. answer the confirmed `reads` from the state machine (now applied far enough), and refuse
///    the `refusedReads` (this node is not, or no longer, the leader).
/// Then call `RaftNode.advance()`.
public struct Ready: Sendable {
    public var hardState: HardState?
    public var firstIndex: Int = 0
    public var entries: [LogEntry] = []
    public var messages: [Envelope] = []
    public var committed: [(index: Int, entry: LogEntry)] = []
    public var reads: [UInt64] = []
    public var refusedReads: [UInt64] = []

    /// True when there is a log suffix to persist.
    public var hasEntries: Bool { !entries.isEmpty }
}
