import Cluster

/// Something the cluster did, as the nemesis observed it: from polling the nodes' status or from
/// its own fault log. Triggers fire on these.
public struct ClusterEvent: Sendable, Hashable, CustomStringConvertible {
    public var kind: ClusterEventKind
    /// When it was first seen (ns on the run's clock).
    public var time: Int64
    /// The new leader (leader-elected, leader-flap, leader-committed) or the node whose term rose
    /// (term-raised).
    public var node: String?
    /// The leader before (leader-elected, leader-flap), when one was known.
    public var previous: String?
    public var term: UInt64?
    /// The nodes restarted or healed (node-restarted, fault-healed).
    public var nodes: [String]
    /// The kind of fault healed (node-restarted, fault-healed).
    public var fault: FaultKind?
    /// The leader's commit index (leader-committed).
    public var commitIndex: UInt64?

    public init(kind: ClusterEventKind, time: Int64, node: String? = nil, previous: String? = nil, term: UInt64? = nil,
                nodes: [String] = [], fault: FaultKind? = nil, commitIndex: UInt64? = nil) {
        self.kind = kind
        self.time = time
        self.node = node
        self.previous = previous
        self.term = term
        self.nodes = nodes
        self.fault = fault
        self.commitIndex = commitIndex
    }

    /// The nodes `role` names at this event; empty when it names none (no old leader known),
    /// nil for `usual` (the fault's own targets).
    public func nodes(for role: TriggerRole) -> [String]? {
        switch role {
        case .usual: return nil
        case .newLeader: return node.map { [$0] } ?? []
        case .oldLeader: return previous.map { [$0] } ?? []
        case .restartedNode: return nodes
        }
    }

    /// `leader-elected: n3 leads term 5 (was n1)`, `fault-healed: heal-kill n2`, ….
    public var description: String {
        switch kind {
        case .leaderElected, .leaderFlap:
            return "\(kind.rawValue): \(node ?? "?") leads term \(term.map(String.init) ?? "?")"
                + (previous.map { " (was \($0))" } ?? "")
        case .termRaised:
            return "\(kind.rawValue): \(node ?? "?") in term \(term.map(String.init) ?? "?")"
        case .leaderCommitted:
            return "\(kind.rawValue): \(node ?? "?") commits up to \(commitIndex.map(String.init) ?? "?") in term \(term.map(String.init) ?? "?")"
        case .nodeRestarted, .faultHealed:
            return "\(kind.rawValue): heal-\(fault?.rawValue ?? "?") \(nodes.joined(separator: ","))"
        }
    }
}

/// Turns the nodes' polled status into cluster events.
///
/// Contract: deterministic — the same sequence of observations gives the same events. Until every
/// node has been polled once, observations only set the baseline (a leader already in office at
/// the start is no event). After that: a node that says it leads in a term above every leader
/// seen so far is `leader-elected` (an isolated old leader still claiming its old term is not);
/// a term above the highest any node reported is `term-raised`; the leader so elected reporting a
/// commit index above the one of its first "leading" answer is `leader-committed` (once per
/// term). A node that does not answer (nil) changes nothing.
public struct ClusterEventDetector: Sendable {
    private let nodes: Set<String>
    private var polled: Set<String> = []
    private var leaderTerm: UInt64?
    private var leader: String?
    private var highestTerm: UInt64?
    /// The leader's last answer said it leads in its term.
    private var leaderSteady = false
    /// The commit index of the elected leader's first "leading" answer, until it reports a
    /// higher one (then nil: one `leader-committed` per term).
    private var commitBaseline: UInt64?
    private let watchesCommits: Bool

    /// `commits`: a trigger waits for `leader-committed`, so the watcher keeps asking every node
    /// (the new leader included) each interval until the new leader's first commit is seen.
    public init(nodes: [String], commits: Bool = false) {
        self.nodes = Set(nodes)
        self.watchesCommits = commits
    }

    /// The leader as last elected, if any.
    public var currentLeader: String? { leader }

    /// The leader as last elected while its latest answer says it still leads in that term; nil
    /// before a leader was seen, or while the leader is silent or stepped down.
    public var steadyLeader: String? { leaderSteady ? leader : nil }

    /// True while an election may be under way, as far as the polls show: not every node polled
    /// yet, no leader known, a term above the leader's seen, or the leader's last answer not
    /// "leading" (silent, stepped down); with `commits`, also while a leader elected in the run
    /// has not yet been seen committing. The watcher then asks every node each interval.
    public var unsettled: Bool {
        !polled.isSuperset(of: nodes) || leader == nil || highestTerm != leaderTerm || !leaderSteady
            || (watchesCommits && commitBaseline != nil)
    }

    public mutating func observe(_ node: String, _ status: NodeStatus?, at time: Int64) -> [ClusterEvent] {
        let primed = polled.isSuperset(of: nodes)
        polled.insert(node)
        if node == leader { leaderSteady = status.map { $0.leads && $0.term == leaderTerm } ?? false }
        guard let status else { return [] }
        var events: [ClusterEvent] = []
        if highestTerm.map({ status.term > $0 }) ?? true {
            if primed, highestTerm != nil { events.append(ClusterEvent(kind: .termRaised, time: time, node: node, term: status.term)) }
            highestTerm = status.term
        }
        if status.leads, leaderTerm.map({ status.term > $0 }) ?? true {
            if primed { events.append(ClusterEvent(kind: .leaderElected, time: time, node: node, previous: leader, term: status.term)) }
            commitBaseline = primed ? status.commitIndex : nil
            leaderTerm = status.term
            leader = node
            leaderSteady = true
        } else if node == leader, status.leads, status.term == leaderTerm, let baseline = commitBaseline,
                  let commit = status.commitIndex, commit > baseline {
            events.append(ClusterEvent(kind: .leaderCommitted, time: time, node: node, term: status.term, commitIndex: commit))
            commitBaseline = nil
        }
        return events
    }
}
