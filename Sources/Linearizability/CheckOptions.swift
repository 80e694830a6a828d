import Foundation

/// Budgets and switches of a check.
public struct CheckOptions: Sendable {
    /// Wall-time budget of the search over all partitions. Partitions not decided by then are
    /// `unknown`; shrinking a counterexample has its own budget after that.
    public var timeout: Duration = .seconds(60)
    /// Memory budget for all searches together, in bytes (estimated from the memo sizes).
    /// A partition whose search would pass it is given up as `unknown`.
    public var memoryLimit: Int = 8 << 30
    /// Threads searching partitions at once.
    public var workers: Int = ProcessInfo.processInfo.activeProcessorCount
    /// Split by the model's partition key (independent keys). When false, the whole history is
    /// one partition: keyed operations then need a model that tells keys apart (see `Unsplit`).
    public var split: Bool = true
    /// Stop the other partitions as soon as one is found invalid.
    public var stopAtFirstInvalid: Bool = true
    /// Shrink the counterexample of an invalid history to a minimal failing sub-history.
    public var shrink: Bool = true
    public var shrinkTimeout: Duration = .seconds(10)
    /// Time a worker spends on one partition before it lets others have the core. Keeps one
    /// intractable partition from holding back the rest.
    public var slice: Duration = .milliseconds(20)

    public init() {}
}
