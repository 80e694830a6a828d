import History

/// One family of faults — partitions, process faults, clock faults, packet faults — in one
/// file: the kinds it offers and, for each, how a step of the schedule becomes a plan, how the
/// plan is applied with evidence that it took effect, held, and healed.
///
/// Contract: `plan` draws only from `rng`, the same way for the same inputs (a schedule is
/// reproducible from its seed). `apply` appends a heal-journal entry on a host before it
/// changes anything there (or alongside, for a change every heal undoes unasked), verifies the fault and never throws: a fault it could not apply comes
/// back with `inEffect == false` and the reason. `heal` undoes the fault on `fault.touched`,
/// removes its journal entries and says per host what it saw. `Heal` (the sweep after a crash)
/// undoes what the journal entries' `undo` words name with the family's `healSteps`.
public protocol FaultFamily: Sendable {
    /// The kinds of this family, in the order specs list them.
    var kinds: [FaultKind] { get }
    /// True when planning `step` needs the cluster's current leader.
    func needsLeader(_ step: NemesisSchedule.Step) -> Bool
    /// The plan for `step` (one of `kinds`) on a cluster of `nodes` led by `leader`.
    func plan(_ step: NemesisSchedule.Step, nodes: [String], leader: String?, using rng: inout SplitMix64) -> FaultPlan
    /// Why none of this family's faults can be applied on this cluster (found once, before the
    /// schedule starts; such kinds are recorded as not in effect and left out), or nil.
    func unavailable(by injector: FaultInjector) async -> String?
    func apply(_ plan: FaultPlan, id: String, by injector: FaultInjector) async -> AppliedFault
    /// Keeps `fault` for `duration`; returns early when the task is cancelled.
    func hold(_ fault: AppliedFault, for duration: Duration, by injector: FaultInjector) async
    func heal(_ fault: AppliedFault, by injector: FaultInjector) async -> (healed: Bool, evidence: String)
    /// What `faultline heal` must run to undo this family's faults after a crash: the steps its
    /// journal entries' `undo` words name, and sweeps for what it leaves without an entry. A
    /// step several families name runs once.
    var healSteps: [any HealStep] { get }
    /// What this family's faults change on a host. Two faults changing nothing in common (or
    /// only database processes, on different nodes) neither undo nor disturb each other: the
    /// nemesis then applies the next one before healing the one before, so a triggered fault
    /// waits for no heal. The default, nil (not declared), never allows it.
    var changes: Set<HostState>? { get }
}

extension FaultFamily {
    public var changes: Set<HostState>? { nil }

    public func unavailable(by injector: FaultInjector) async -> String? { nil }

    public func hold(_ fault: AppliedFault, for duration: Duration, by injector: FaultInjector) async {
        try? await Task.sleep(for: duration)
    }
}

/// What a fault may change on a host (`FaultFamily.changes`).
public enum HostState: Sendable, Hashable, CaseIterable {
    /// Firewall rules (the FAULTLINE chain of each host).
    case firewall
    /// Queueing disciplines (netem).
    case trafficControl
    /// The host's or the database's clock.
    case clock
    /// The database process: running, stopped, paused.
    case process
    /// The database's files and the disk layer under them.
    case files
}

/// The fault families Faultline has: the one list. A new family is its own file plus a line here.
public enum FaultFamilies {
    public static let all: [any FaultFamily] = [
        PartitionFaults(), ProcessFaults(), ClockFaults(), PacketFaults(), PowerLossFaults(), CorruptFileFaults(),
        MembershipFaults(), MembershipSplitFaults(),
    ]

    /// The family offering the kind named `name`, or nil.
    public static func family(named name: String) -> (any FaultFamily)? {
        all.first { $0.kinds.contains { $0.rawValue == name } }
    }
}

/// Planning shared by the families whose faults hit chosen nodes (kill, pause, clock, packet
/// faults): the step's target selector, drawn with `TargetSelection`.
enum TargetedPlan {
    static func needsLeader(_ step: NemesisSchedule.Step) -> Bool { step.target == .leader }

    static func plan(_ step: NemesisSchedule.Step, nodes: [String], leader: String?, using rng: inout SplitMix64) -> FaultPlan {
        let chosen = TargetSelection.nodes(step.target, of: nodes, leader: leader, using: &rng)
        guard !chosen.isEmpty else {
            return FaultPlan(kind: step.kind, target: step.target,
                             unavailable: step.target == .leader ? "the cluster agrees on no leader" : "no target node")
        }
        return FaultPlan(kind: step.kind, target: step.target, nodes: chosen)
    }
}
