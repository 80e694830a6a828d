import History

/// The seeded part of a nemesis run: when the next fault starts, which kind it is, which target
/// selector and which nodes. The same spec, seed, node names and leaders give the same sequence.
public struct NemesisSchedule: Sendable {
    /// One draw: wait `wait` after the previous fault was healed, then apply `kind` on `target`.
    public struct Step: Sendable, Equatable {
        public var wait: Duration
        public var kind: FaultKind
        public var target: FaultTarget

        public init(wait: Duration, kind: FaultKind, target: FaultTarget) {
            self.wait = wait
            self.kind = kind
            self.target = target
        }
    }

    private var rng: SplitMix64
    public let spec: NemesisSpec

    public init(spec: NemesisSpec, seed: UInt64) {
        self.spec = spec
        self.rng = SplitMix64(seed: seed)
    }

    /// The next step, drawing its kind from `kinds` (the spec's faults minus those found
    /// unavailable); nil when `kinds` is empty. The wait is `interval` plus a seeded share of
    /// `jitter` (millisecond steps).
    public mutating func nextStep(from kinds: [FaultKind]) -> Step? {
        let jitter = max(0, Int(spec.jitter.inMilliseconds))
        let extra = Int.random(in: 0...jitter, using: &rng)
        let target = spec.targets.isEmpty ? FaultTarget.one : spec.targets[Int.random(in: 0..<spec.targets.count, using: &rng)]
        guard !kinds.isEmpty else { return nil }
        let kind = kinds[Int.random(in: 0..<kinds.count, using: &rng)]
        return Step(wait: spec.interval + .milliseconds(extra), kind: kind, target: target)
    }

    /// The plan for `step` on a cluster of `nodes` whose leader is `leader` (needed only for
    /// `partition-leader` and the `leader` target; pass nil otherwise or when there is none).
    public mutating func plan(_ step: Step, nodes: [String], leader: String?) -> FaultPlan {
        let kind = step.kind
        switch kind {
        case .partitionOne:
            let node = nodes.isEmpty ? nil : nodes[Int.random(in: 0..<nodes.count, using: &rng)]
            guard let node else { return FaultPlan(kind: kind, unavailable: "no nodes") }
            return FaultPlan(kind: kind, grudge: .isolate(node, in: nodes))
        case .partitionLeader:
            guard let leader, nodes.contains(leader) else {
                return FaultPlan(kind: kind, unavailable: "the cluster agrees on no leader")
            }
            return FaultPlan(kind: kind, grudge: .isolate(leader, in: nodes))
        case .partitionHalves:
            return FaultPlan(kind: kind, grudge: .halves(nodes, using: &rng))
        case .partitionRing:
            return FaultPlan(kind: kind, grudge: .ring(nodes, using: &rng))
        case .partitionBridge:
            return FaultPlan(kind: kind, grudge: .bridge(nodes, using: &rng))
        case .partitionOneWay:
            guard nodes.count >= 2 else { return FaultPlan(kind: kind, unavailable: "fewer than 2 nodes") }
            let deaf = nodes[Int.random(in: 0..<nodes.count, using: &rng)]
            return FaultPlan(kind: kind, grudge: .oneWay(deaf: deaf, from: nodes.filter { $0 != deaf }))
        case .kill, .pause, .clockBump, .clockStrobe, .loss, .delay:
            let chosen = TargetSelection.nodes(step.target, of: nodes, leader: leader, using: &rng)
            guard !chosen.isEmpty else {
                return FaultPlan(kind: kind, target: step.target,
                                 unavailable: step.target == .leader ? "the cluster agrees on no leader" : "no target node")
            }
            return FaultPlan(kind: kind, target: step.target, nodes: chosen)
        }
    }

    /// True when planning `step` needs the current leader.
    public static func needsLeader(_ step: Step) -> Bool {
        step.kind == .partitionLeader || (step.target == .leader && !step.kind.isPartition)
    }
}

extension FaultKind {
    /// The partition shapes.
    public var isPartition: Bool { rawValue.hasPrefix("partition-") }
    /// Clock bump and strobe.
    public var isClock: Bool { self == .clockBump || self == .clockStrobe }
}
