/// A node's name in the cluster, as given by `--id` and `--peers` (e.g. "n1").
public typealias NodeID = String

/// One entry of the replicated log. `command == nil` and `membership == nil` is the no-op a
/// leader appends at the start of its term, so that it can commit (and learn the commit index of)
/// earlier terms' entries; an entry with `membership` changes the cluster's configuration.
public struct LogEntry: Codable, Sendable, Equatable {
    public var term: Int
    public var command: KVCommand?
    /// A configuration entry: in effect on each node as soon as that node appends it.
    public var membership: Membership?

    public init(term: Int, command: KVCommand?, membership: Membership? = nil) {
        self.term = term
        self.command = command
        self.membership = membership
    }
}

/// A cluster configuration, as a log entry carries it (Raft paper §6). During a change it is the
/// joint configuration C_old,new: `voters` is C_new, `outgoing` is C_old, and elections and
/// commitment need a majority of each. Otherwise `outgoing` is nil.
public struct Membership: Codable, Sendable, Equatable {
    /// The voters of the configuration (C_new during a joint change), sorted.
    public var voters: [NodeID]
    /// C_old during a joint change, sorted; nil when the configuration is not joint.
    public var outgoing: [NodeID]?
    /// Where each member listens ("host:port"), for servers that did not start knowing it.
    public var addresses: [NodeID: String]

    public init(voters: [NodeID], outgoing: [NodeID]? = nil, addresses: [NodeID: String] = [:]) {
        self.voters = voters.sorted()
        self.outgoing = outgoing?.sorted()
        self.addresses = addresses
    }

    /// Every server that votes in this configuration (both sides of a joint one).
    public var members: Set<NodeID> { Set(voters).union(outgoing ?? []) }

    /// True when `acks` holds a majority of the voters, and of the outgoing voters if joint.
    public func isQuorum(_ acks: Set<NodeID>) -> Bool {
        Self.majority(of: voters, in: acks) && (outgoing.map { Self.majority(of: $0, in: acks) } ?? true)
    }

    private static func majority(of voters: [NodeID], in acks: Set<NodeID>) -> Bool {
        voters.filter(acks.contains).count >= voters.count / 2 + 1
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
    /// A membership change goes straight from C_old to C_new, without the joint configuration:
    /// safe for one server at a time, but a change of more servers lets a majority of C_old and
    /// one of C_new decide apart.
    case unsafeMembership = "unsafe-membership"

    public static func < (a: RaftBug, b: RaftBug) -> Bool { a.rawValue < b.rawValue }
}

/// The fixed parameters of one Raft node.
public struct RaftConfig: Sendable {
    /// This node's id; must be one of `members`.
    public var id: NodeID
    /// The cluster's initial configuration, this node included; empty for a node that joins an
    /// existing cluster (it waits, without a vote, for a leader's log to give it a configuration).
    /// Configuration entries in the log supersede it.
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

}

