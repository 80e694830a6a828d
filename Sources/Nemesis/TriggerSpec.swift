/// What the cluster does that a trigger can fire on.
public enum ClusterEventKind: String, Sendable, CaseIterable, Hashable {
    /// A node says it leads in a term higher than any leader seen so far (from status polling).
    case leaderElected = "leader-elected"
    /// The highest term any node reports went up (from status polling).
    case termRaised = "term-raised"
    /// A second new leader within the trigger's `window` of the one before (from status polling).
    case leaderFlap = "leader-flap"
    /// The leader last elected reports a commit index above the one it first reported as leader:
    /// its first commit in its term as the polls see it (from status polling, where the database
    /// reports a commit index; once per term). A correct Raft leader first commits its own no-op;
    /// one that commits earlier terms' entries by counting commits them first.
    case leaderCommitted = "leader-committed"
    /// The nemesis started a node's database again (the heal of `kill`, `power-loss`,
    /// `corrupt-file`; from the nemesis's own fault log).
    case nodeRestarted = "node-restarted"
    /// The nemesis healed a fault (from its own fault log).
    case faultHealed = "fault-healed"

    /// True for the events that come from polling the nodes' status.
    public var needsStatus: Bool { self == .leaderElected || self == .termRaised || self == .leaderFlap || self == .leaderCommitted }
}

/// Whom a triggered fault is aimed at, relative to the event that fired it.
public enum TriggerRole: String, Sendable, CaseIterable, Hashable {
    /// The node the event names as the new leader (leader-elected, leader-flap, leader-committed;
    /// term-raised: the node whose term rose).
    case newLeader = "new-leader"
    /// The leader before the event (leader-elected, leader-flap).
    case oldLeader = "old-leader"
    /// The nodes the event names as restarted (node-restarted) or healed (fault-healed).
    case restartedNode = "restarted-node"
    /// The fault's usual targets (the spec's `targets`, drawn as the clock schedule draws them).
    case usual
}

/// One trigger of the spec's nemesis: on `event`, fire `fault` after `delay` plus a seeded share
/// of `jitter`, aimed at `target`, held for `duration`, then healed.
public struct TriggerSpec: Sendable, Hashable {
    public var event: ClusterEventKind
    public var fault: FaultKind
    public var target: TriggerRole
    public var delay: Duration
    public var jitter: Duration
    /// How long the fault is held; nil: the nemesis's `duration`.
    public var duration: Duration?
    /// `leader-flap`: the most time between the two leader changes.
    public var window: Duration
    /// `fault-healed`, `node-restarted`: only heals of these kinds (empty: any).
    public var after: [FaultKind]
    /// Fire at most this many times in a run; nil: no limit.
    public var limit: Int?
    /// After a firing, events within this long of the one that fired it are passed over: one
    /// firing per episode (e.g. the elections that follow the isolation it caused); nil: none.
    public var cooldown: Duration?

    public init(event: ClusterEventKind, fault: FaultKind, target: TriggerRole = .usual, delay: Duration = .zero,
                jitter: Duration = .zero, duration: Duration? = nil, window: Duration = .seconds(2),
                after: [FaultKind] = [], limit: Int? = nil, cooldown: Duration? = nil) {
        self.event = event
        self.fault = fault
        self.target = target
        self.delay = delay
        self.jitter = jitter
        self.duration = duration
        self.window = window
        self.after = after
        self.limit = limit
        self.cooldown = cooldown
    }

    /// Whether `kind`'s family can aim at one named node: planning it for target `leader` uses
    /// the node it is given (kill, pause, clock, packet, power-loss faults, `partition-leader`).
    public static func canAim(_ kind: FaultKind) -> Bool {
        kind.family.needsLeader(NemesisSchedule.Step(wait: .zero, kind: kind, target: .leader))
    }

    /// The roles an event of `event` names a node for.
    public static func roles(of event: ClusterEventKind) -> [TriggerRole] {
        switch event {
        case .leaderElected, .leaderFlap: return [.newLeader, .oldLeader, .usual]
        case .termRaised, .leaderCommitted: return [.newLeader, .usual]
        case .nodeRestarted, .faultHealed: return [.restartedNode, .usual]
        }
    }
}
