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

    /// The plan for `step` on a cluster of `nodes` whose leader is `leader` (needed only when
    /// `needsLeader(step)`; pass nil otherwise or when there is none), by the kind's family.
    public mutating func plan(_ step: Step, nodes: [String], leader: String?) -> FaultPlan {
        step.kind.family.plan(step, nodes: nodes, leader: leader, using: &rng)
    }

    /// True when planning `step` needs the current leader.
    public static func needsLeader(_ step: Step) -> Bool { step.kind.family.needsLeader(step) }
}
