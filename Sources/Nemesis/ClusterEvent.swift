import Cluster

/// Something the cluster did, as the nemesis observed it: from polling the nodes' status or from
/// its own fault log. Triggers fire on these.
public struct ClusterEvent: Sendable, Hashable, CustomStringConvertible {
    public var kind: ClusterEventKind
    /// When it was first seen (ns on the run's clock).
    public var time: Int64
    /// The new leader (leader-elected, leader-flap) or the node whose term rose (term-raised).
    public var node: String?
    /// The leader before (leader-elected, leader-flap), when one was known.
    public var previous: String?
    public var term: UInt64?
    /// The nodes restarted or healed (node-restarted, fault-healed).
    public var nodes: [String]
    /// The kind of fault healed (node-restarted, fault-healed).
    public var fault: FaultKind?

    public init(kind: ClusterEventKind, time: Int64, node: String? = nil, previous: String? = nil, term: UInt64? = nil,
                nodes: [String] = [], fault: FaultKind? = nil) {
        self.kind = kind
        self.time = time
        self.node = node
        self.previous = previous
        self.term = term
        self.nodes = nodes
        self.fault = fault
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
/// a term above the highest any node reported is `term-raised`. A node that does not answer
/// (nil) changes nothing.
public struct ClusterEventDetector: Sendable {
    private let nodes: Set<String>
    private var polled: Set<String> = []
    private var leaderTerm: UInt64?
    private var leader: String?
    private var highestTerm: UInt64?
    /// The leader's last answer said it leads in its term.
    private var leaderSteady = false

    public init(nodes: [String]) { self.nodes = Set(nodes) }

    /// The leader as last elected, if any.
    public var currentLeader: String? { leader }

    /// True while an election may be under way, as far as the polls show: not every node polled
    /// yet, no leader known, a term above the leader's seen, or the leader's last answer not
    /// "leading" (silent, stepped down). The watcher then asks every node each interval.
    public var unsettled: Bool {
        !polled.isSuperset(of: nodes) || leader == nil || highestTerm != leaderTerm || !leaderSteady
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
            leaderTerm = status.term
            leader = node
            leaderSteady = true
        }
        return events
    }
}
