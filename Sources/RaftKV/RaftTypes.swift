/// A node's name in the cluster, as given by `--id` and `--peers` (e.g. "n1").
public typealias NodeID = String

/// One entry of the replicated log. `command == nil` is the no-op a leader appends at the start
/// of its term, so that it can commit (and learn the commit index of) earlier terms' entries.
public struct LogEntry: Codable, Sendable, Equatable {
    public var term: Int
    public var command: KVCommand?

    public init(term: Int, command: KVCommand?) {
        self.term = term
        self.command = command
    }
}

/// The state Raft must keep on disk before answering anything that depends on it.
public struct HardState: Codable, Sendable, Equatable {
    public var term: Int
    public var votedFor: NodeID?

    public init(term: Int = 0, votedFor: NodeID? = nil) {
        self.term = term
        self.votedFor = votedFor
    }
}

/// A node's role in its current term.
public enum RaftRole: String, Codable, Sendable {
    case follower, candidate, leader
}

/// Deliberate departures from Raft, each switched on by `--bug NAME`, so that a chaos tool can be
/// shown to catch them. All are off by default.
public enum RaftBug: String, CaseIterable, Codable, Sendable, Comparable {
    /// A leader commits entries of earlier terms by counting replicas (Raft paper, Figure 8).
    case commitOldTerm = "commit-old-term"
    /// Votes are granted without checking that the candidate's log is at least as up to date.
    case voteAnyLog = "vote-any-log"
    /// The leader answers reads from its own state without confirming it still leads, and an
    /// isolated leader never steps down.
    case staleReads = "stale-reads"
    /// Log appends are acknowledged before they are fsynced (written, never synced), so a power
    /// loss (`power-loss` on the disk layer) loses acknowledged entries; a process crash does not.
    case noFsync = "no-fsync"
    /// Read-only transactions are answered by whichever member receives them, from its own
    /// state, at once: without the log, the read index or the leader.
    case staleTxnReads = "stale-txn-reads"

    public static func < (a: RaftBug, b: RaftBug) -> Bool { a.rawValue < b.rawValue }
}

/// The fixed parameters of one Raft node.
public struct RaftConfig: Sendable {
    /// This node's id; must be one of `members`.
    public var id: NodeID
    /// Every member of the cluster, this node included.
    public var members: [NodeID]
    /// Elections start after a random time in [electionTimeout, 2 × electionTimeout] ms without
    /// hearing from a leader.
    public var electionTimeout: Int
    /// A leader sends AppendEntries to every follower at least this often (ms).
    public var heartbeatInterval: Int
    public var bugs: Set<RaftBug>
    /// Most entries one AppendEntries carries.
    public var maxEntriesPerMessage: Int
    /// Seeds the node's randomized election timeouts.
    public var seed: UInt64
    /// Pre-vote (Raft thesis §9.6): before raising its term, a node whose election timer ran out
    /// asks whether it could win; members that heard from a leader within the election timeout
    /// say no. A node cut off from the cluster then no longer comes back with a higher term that
    /// forces an election.
    public var preVote: Bool

    public init(
        id: NodeID, members: [NodeID], electionTimeout: Int = 1000, heartbeatInterval: Int = 100,
        bugs: Set<RaftBug> = [], maxEntriesPerMessage: Int = 512, seed: UInt64 = 1, preVote: Bool = false
    ) {
        self.id = id
        self.members = members
        self.electionTimeout = electionTimeout
        self.heartbeatInterval = heartbeatInterval
        self.bugs = bugs
        self.maxEntriesPerMessage = maxEntriesPerMessage
        self.seed = seed
        self.preVote = preVote
    }

    var peers: [NodeID] { members.filter { $0 != id } }
    var majority: Int { members.count / 2 + 1 }
}

