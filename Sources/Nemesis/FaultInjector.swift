import Cluster

/// Applies and heals single faults on a cluster's hosts, every target at once, through each
/// node's `Remote`. Before anything changes on a host it appends a heal-journal entry there;
/// healing removes it. Every apply verifies the fault and says what it saw; nothing throws —
/// a fault that could not be applied comes back with `inEffect == false` and the reason.
public struct FaultInjector: Sendable {
    public let cluster: ClusterContext
    public let database: any Database
    public let spec: NemesisSpec
    /// Addresses that partitions and loss must never drop (the controller's own).
    public let controllerAddresses: Set<String>

    public init(cluster: ClusterContext, database: any Database, spec: NemesisSpec, controllerAddresses: [String]) {
        self.cluster = cluster
        self.database = database
        self.spec = spec
        self.controllerAddresses = Set(controllerAddresses)
    }

    /// Applies `plan` and verifies it; returns once it is in effect on all targets or known not
    /// to be.
    public func apply(_ plan: FaultPlan) async -> AppliedFault {
        let id = HealJournalEntry.newID()
        if let why = plan.unavailable {
            return AppliedFault(plan: plan, journalID: id, inEffect: false, evidence: why, touched: [])
        }
        return await plan.kind.family.apply(plan, id: id, by: self)
    }

    /// Keeps `fault` for `duration` (a strobe flips the clocks meanwhile); returns early when the
    /// task is cancelled.
    public func hold(_ fault: AppliedFault, for duration: Duration) async {
        await fault.plan.kind.family.hold(fault, for: duration, by: self)
    }

    /// Undoes `fault` on the hosts it touched, removes their journal entries and returns the
    /// evidence (`node: …` per host). A fault that touched nothing heals to "nothing to heal".
    public func heal(_ fault: AppliedFault) async -> (healed: Bool, evidence: String) {
        guard !fault.touched.isEmpty else { return (true, "nothing to heal") }
        return await fault.plan.kind.family.heal(fault, by: self)
    }

    func node(_ name: String) -> ClusterNode? { cluster.nodes.first { $0.name == name } }
}
