import Cluster
import History

extension FaultKind {
    /// SIGKILL the database on the targets, drop what its disk layer holds un-fsynced, then start
    /// it again on what survived.
    public static let powerLoss = FaultKind(declared: "power-loss")
}

/// Power loss: on each target the database process is killed (`Killable`) and the disk layer
/// mounted over its data directory (`LazyFS`, `DataDirectories`) drops every write not fsynced
/// since, as a machine losing power would; evidence is the bytes and files dropped
/// and the directory entries undone per node. Healed
/// like a kill: the database starts again, on what survived. Needs the cluster's disk layer
/// (`ClusterContext.diskLayer`, mounted at set-up), else unavailable for the whole run.
public struct PowerLossFaults: FaultFamily {
    public var healSteps: [any HealStep] { [DiskLayerSweep(), StartHeal()] }
    public var kinds: [FaultKind] { [.powerLoss] }
    public func needsLeader(_ step: NemesisSchedule.Step) -> Bool { TargetedPlan.needsLeader(step) }
    public func plan(_ step: NemesisSchedule.Step, nodes: [String], leader: String?, using rng: inout SplitMix64) -> FaultPlan {
        TargetedPlan.plan(step, nodes: nodes, leader: leader, using: &rng)
    }
    public func unavailable(by injector: FaultInjector) async -> String? {
        let database = injector.database
        guard database is any Killable, database is any DataDirectories else {
            return "\(database.name) cannot be killed on a data directory of its own by Faultline"
        }
        return injector.cluster.diskLayer == nil ? "the cluster runs without the disk layer (faultline-lazyfs)" : nil
    }
    public func apply(_ plan: FaultPlan, id: String, by injector: FaultInjector) async -> AppliedFault {
        await injector.applyPowerLoss(plan, id: id)
    }
    public func heal(_ fault: AppliedFault, by injector: FaultInjector) async -> (healed: Bool, evidence: String) {
        await injector.healProcessFault(fault)
    }
}

extension FaultInjector {
    /// On every target at once: journals `start`, kills the database (returns once the process
    /// is gone), then has the disk layer over its data directory drop what was not fsynced.
    func applyPowerLoss(_ plan: FaultPlan, id: String) async -> AppliedFault {
        if let why = await plan.kind.family.unavailable(by: self) {
            return AppliedFault(plan: plan, journalID: id, inEffect: false, evidence: why, touched: [])
        }
        let killable = database as! any Killable, data = database as! any DataDirectories
        let entry = HealJournalEntry(id: id, fault: plan.kind.rawValue, undo: [.start])
        let cluster = cluster
        let outcomes = await NodeOutcomes<LazyFS.Dropped>.run(plan.kind.rawValue, plan.nodes, in: cluster) { node in
            _ = try await node.root(HealJournal.appendCommand(entry, baseDirectory: node.baseDirectory))
            let directory = try data.dataDirectory(for: node)
            try await killable.kill(node, in: cluster)
            return try await LazyFS.drop(directory, on: node)
        }
        return AppliedFault(plan: plan, journalID: id, inEffect: outcomes.allSucceeded,
                            evidence: outcomes.summary { "killed, \($0.description)" },
                            touched: plan.nodes)
    }
}
