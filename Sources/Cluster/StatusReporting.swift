/// What one node says of its own Raft state, as its status endpoint reports it.
public struct NodeStatus: Sendable, Hashable {
    /// True when the node says it leads (in `term`).
    public var leads: Bool
    /// Its current term.
    public var term: UInt64
    /// Its commit index, where the database reports one.
    public var commitIndex: UInt64?

    public init(leads: Bool, term: UInt64, commitIndex: UInt64? = nil) {
        self.leads = leads
        self.term = term
        self.commitIndex = commitIndex
    }
}

/// A database whose nodes report their Raft status (leading or not, term, commit index) cheaply
/// enough to be asked every 10–20 ms while triggers watch the cluster (Jepsen would call this an
/// optional ability of the DB).
///
/// Contract: `statusReader(for:)` returns a reader of that one node, asked directly from the
/// controller over a kept connection (no command on the host per poll). A reader's `status`
/// answers within `timeout` or returns nil (the node is down, paused, cut off or slow: not
/// answering is itself what the watcher sees). `close` releases the reader's connection.
public protocol StatusReporting: Database {
    func statusReader(for node: ClusterNode) -> any NodeStatusReader
}

/// Asks one node for its status, over a connection of its own (see `StatusReporting`).
public protocol NodeStatusReader: Sendable {
    func status(timeout: Duration) async -> NodeStatus?
    func close() async
}
