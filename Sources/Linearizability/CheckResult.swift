import History

/// The three-state verdict of a check, as in Knossos and Porcupine.
public enum Verdict: String, Sendable, Codable {
    /// Some linearization of every partition exists.
    case valid
    /// Some partition has no linearization.
    case invalid
    /// Not decided within the time or memory budget. Never reported as valid.
    case unknown
}

/// What the check found for one partition (one independent key).
public struct PartitionResult: Sendable {
    /// The partition's key (nil for operations without a key, or an unsplit check).
    public var key: Value?
    /// Operations checked in this partition (after leaving out failed and unconstraining ones).
    public var operations: Int
    public var verdict: Verdict
    /// Why the verdict is unknown (time budget, memory budget, stopped early); nil otherwise.
    public var reason: String?
    /// Time spent searching this partition.
    public var elapsed: Duration
    /// Search nodes remembered (Lowe's memo entries).
    public var nodes: Int

    public init(key: Value?, operations: Int, verdict: Verdict, reason: String?, elapsed: Duration, nodes: Int) {
        self.key = key
        self.operations = operations
        self.verdict = verdict
        self.reason = reason
        self.elapsed = elapsed
        self.nodes = nodes
    }
}

/// The result of checking one history.
public struct CheckResult: Sendable {
    public var verdict: Verdict
    public var model: String
    /// Operations in the history (client operations, including failed ones).
    public var operations: Int
    public var partitions: [PartitionResult]
    /// For an invalid history: the failing partition's minimal counterexample.
    public var counterexample: Counterexample?
    /// Wall time of the whole check, shrinking included.
    public var elapsed: Duration
    /// Of `elapsed`, the time spent shrinking the counterexample (zero when nothing was shrunk).
    public var shrinkElapsed: Duration = .zero

    /// Wall time of the check without shrinking: the search, and the counterexample as found.
    public var checkElapsed: Duration { elapsed - shrinkElapsed }

    public init(verdict: Verdict, model: String, operations: Int, partitions: [PartitionResult],
                counterexample: Counterexample?, elapsed: Duration, shrinkElapsed: Duration = .zero) {
        self.verdict = verdict
        self.model = model
        self.operations = operations
        self.partitions = partitions
        self.counterexample = counterexample
        self.elapsed = elapsed
        self.shrinkElapsed = shrinkElapsed
    }

    /// Partitions whose verdict is decided (valid or invalid).
    public var decidedPartitions: Int { partitions.filter { $0.verdict != .unknown }.count }
}

/// Why a history is not linearizable, small enough for a person to read.
public struct Counterexample: Sendable {
    /// One step of the longest linearization found.
    public struct Step: Sendable {
        public var operation: HistoryOperation
        /// The operation in the model's words.
        public var description: String
        /// The model state after it, in words.
        public var stateAfter: String
        /// A removed operation kept as context: it may or may not have taken effect.
        public var optional: Bool
    }

    public var key: Value?
    /// The failing sub-history after shrinking, in history order. It has no linearization even
    /// when every other state-changing operation of the partition may or may not have taken
    /// effect within its own interval; removing any one more of these makes it valid (or
    /// undecidable within the shrink budget).
    public var operations: [HistoryOperation]
    /// Operations in the partition before shrinking.
    public var shrunkFrom: Int
    /// The longest linearizable prefix found in the shrunk sub-history.
    public var linearization: [Step]
    /// The operation that could not be linearized after that prefix.
    public var blocking: HistoryOperation?
    public var blockingDescription: String?
    /// The model states the blocking operation met, in words: in none of them was it legal.
    public var statesMet: [String]
    /// The story in plain sentences, for the terminal and the report.
    public var explanation: [String]
}
