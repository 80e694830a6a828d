import History

/// Decides which triggers fire on each cluster event, and after what delay.
///
/// Contract: deterministic for a seed — the same events in the same order give the same
/// firings and delays (each delay is the trigger's `delay` plus a share of its `jitter` drawn in
/// millisecond steps from a generator of its own, so the clock schedule's draws are not
/// disturbed). A trigger does not fire again while a firing of it waits out its delay (`settle`
/// ends that), nor beyond its `limit`, nor on an event within its `cooldown` of the one it last
/// fired on, nor when its role names no node at the event (no old
/// leader known yet). `leader-flap` triggers fire on a `leader-elected` within their `window` of
/// the one before.
public struct TriggerBook: Sendable {
    /// One trigger firing: which trigger (index into `triggers`), on what, after how long, aimed at
    /// which nodes (nil: the fault's usual targets).
    public struct Firing: Sendable, Hashable {
        public var trigger: Int
        public var spec: TriggerSpec
        public var event: ClusterEvent
        public var delay: Duration
        public var nodes: [String]?
    }

    public let triggers: [TriggerSpec]
    private var rng: SplitMix64
    private var fired: [Int]
    /// The time (ns) of the event each trigger last fired on.
    private var firedAt: [Int64?]
    private var pending: Set<Int> = []
    private var lastElection: ClusterEvent?

    public init(triggers: [TriggerSpec], seed: UInt64) {
        self.triggers = triggers
        rng = SplitMix64(seed: seed ^ 0x7269_6767_6572_7321)  // a stream apart from the schedule's
        fired = Array(repeating: 0, count: triggers.count)
        firedAt = Array(repeating: nil, count: triggers.count)
    }

    /// True when some trigger fires on events from the nodes' status.
    public var needsStatus: Bool { triggers.contains { $0.event.needsStatus } }

    /// The firings `event` causes.
    public mutating func observe(_ event: ClusterEvent) -> [Firing] {
        var firings: [Firing] = []
        let previousElection = lastElection
        if event.kind == .leaderElected { lastElection = event }
        for (index, trigger) in triggers.enumerated() {
            guard var seen = matched(trigger, event, previousElection: previousElection) else { continue }
            guard !pending.contains(index), trigger.limit.map({ fired[index] < $0 }) ?? true else { continue }
            if let cooldown = trigger.cooldown, let last = firedAt[index], .nanoseconds(event.time - last) < cooldown { continue }
            let nodes = seen.nodes(for: trigger.target)
            if let nodes, nodes.isEmpty { continue }
            seen.kind = trigger.event
            let jitter = Int(trigger.jitter.inMilliseconds)
            let delay = trigger.delay + .milliseconds(jitter > 0 ? Int.random(in: 0...jitter, using: &rng) : 0)
            pending.insert(index)
            fired[index] += 1
            firedAt[index] = event.time
            firings.append(Firing(trigger: index, spec: trigger, event: seen, delay: delay, nodes: nodes))
        }
        return firings
    }

    /// The firing of trigger `index` is done waiting (its fault applied or given up): the trigger
    /// may fire again.
    public mutating func settle(_ index: Int) { pending.remove(index) }

    private func matched(_ trigger: TriggerSpec, _ event: ClusterEvent, previousElection: ClusterEvent?) -> ClusterEvent? {
        switch trigger.event {
        case .leaderFlap:
            guard event.kind == .leaderElected, let before = previousElection,
                  .nanoseconds(event.time - before.time) <= trigger.window else { return nil }
            return event
        case .nodeRestarted, .faultHealed:
            guard event.kind == trigger.event else { return nil }
            guard trigger.after.isEmpty || event.fault.map(trigger.after.contains) == true else { return nil }
            return event
        default:
            return event.kind == trigger.event ? event : nil
        }
    }
}
