import Cluster
import History

extension FaultKind {
    /// SIGKILL the database process on the targets, then start it again on its data.
    public static let kill = FaultKind(declared: "kill")
    /// SIGSTOP the database process on the targets, then SIGCONT.
    public static let pause = FaultKind(declared: "pause")

    /// True for the kinds whose heal starts the database again (they left it killed).
    public var healStartsDatabase: Bool { self == .kill || self == .powerLoss || self == .corruptFile }
}

/// Process faults: the database's process on the targets killed (`Killable`) or paused
/// (`Pausable`), verified by its state; healed by starting or resuming it.
public struct ProcessFaults: FaultFamily {
    public var healSteps: [any HealStep] { [StartHeal(), ResumeHeal()] }
    public var kinds: [FaultKind] { [.kill, .pause] }
    /// A kill or pause changes only its targets' processes.
    public var changes: Set<HostState>? { [.process] }
    public func needsLeader(_ step: NemesisSchedule.Step) -> Bool { TargetedPlan.needsLeader(step) }
    public func plan(_ step: NemesisSchedule.Step, nodes: [String], leader: String?, using rng: inout SplitMix64) -> FaultPlan {
        TargetedPlan.plan(step, nodes: nodes, leader: leader, using: &rng)
    }
    public func apply(_ plan: FaultPlan, id: String, by injector: FaultInjector) async -> AppliedFault {
        await injector.applyProcessFault(plan, id: id)
    }
    public func heal(_ fault: AppliedFault, by injector: FaultInjector) async -> (healed: Bool, evidence: String) {
        await injector.healProcessFault(fault)
    }
}

extension FaultInjector {
    /// Kill (`Killable.kill`: returns once the process is gone) or pause (`Pausable.pause`:
    /// returns once it is in state `T`) on every target, journaling `start` / `resume` first.
    func applyProcessFault(_ plan: FaultPlan, id: String) async -> AppliedFault {
        let kill = plan.kind == .kill
        let killable = database as? any Killable
        let pausable = database as? any Pausable
        guard kill ? killable != nil : pausable != nil else {
            return AppliedFault(plan: plan, journalID: id, inEffect: false,
                                evidence: "\(database.name) cannot be \(kill ? "killed" : "paused") by Faultline", touched: [])
        }
        let entry = HealJournalEntry(id: id, fault: plan.kind.rawValue, undo: [kill ? .start : .resume])
        let cluster = cluster
        let outcomes = await NodeOutcomes<String>.run(plan.kind.rawValue, plan.nodes, in: cluster) { node in
            let journal = HealJournal.appendCommand(entry, baseDirectory: node.baseDirectory)
            if let killable, kill {
                _ = try await node.root(journal)
                try await killable.kill(node, in: cluster)
                return "killed, process gone"
            }
            // A pause's undo (resume) runs on every heal whether journaled or not (`ResumeHeal`),
            // so its entry is written after the SIGSTOP rather than before it: the pause waits
            // for no journal. One after the other, not at once: with a shell kept on the host
            // (triggers armed) both are one write each to that shell, where two at once would
            // send one of them to a new channel, which the fault's record would wait for.
            try await pausable!.pause(node, in: cluster)
            _ = try await node.root(journal)
            return "stopped, state T"
        }
        return AppliedFault(plan: plan, journalID: id, inEffect: outcomes.allSucceeded,
                            evidence: outcomes.summary { $0 }, touched: plan.nodes)
    }

    /// Starts killed processes again (returns once they answer) or resumes paused ones; every
    /// kind but `pause` (`kill`, `power-loss`, `corrupt-file`) left the process killed.
    func healProcessFault(_ fault: AppliedFault) async -> (healed: Bool, evidence: String) {
        let kill = fault.plan.kind.healStartsDatabase
        let killable = database as? any Killable
        let pausable = database as? any Pausable
        let cluster = cluster
        let id = fault.journalID
        let outcomes = await NodeOutcomes<String>.run("heal \(fault.plan.kind.rawValue)", fault.touched, in: cluster) { node in
            if kill {
                try await killable?.start(node, in: cluster)
            } else {
                try await pausable?.resume(node, in: cluster)
            }
            _ = try await node.root(HealJournal.removeCommand(id: id, baseDirectory: node.baseDirectory))
            return kill ? "started, answering" : "resumed"
        }
        return (outcomes.allSucceeded, outcomes.summary { $0 })
    }
}

extension UndoAction {
    /// SIGCONT the database process (`Pausable.resume`).
    public static let resume = UndoAction(rawValue: "resume")
    /// Start the database process again (`Killable.start`).
    public static let start = UndoAction(rawValue: "start")
}

/// Starts a database process the journal says was stopped (killed, power lost) again.
struct StartHeal: HealStep {
    var stage: HealStage { .process }

    func heal(_ node: ClusterNode, _ context: HealContext, into report: inout HealReport.Host) async {
        guard context.asked.contains(.start), let killable = context.database as? any Killable else { return }
        let name = context.database.name
        await report.attempt("start \(name)") {
            try await killable.start(node, in: context.cluster)
            return "started \(name)"
        }
    }
}

/// Resumes the database process on every heal when the database is `Pausable` (safe when it is
/// not paused); says so when the journal asked.
struct ResumeHeal: HealStep {
    var stage: HealStage { .process }

    func heal(_ node: ClusterNode, _ context: HealContext, into report: inout HealReport.Host) async {
        guard let pausable = context.database as? any Pausable else { return }
        let name = context.database.name, asked = context.asked.contains(.resume)
        await report.attempt("resume \(name)") {
            try await pausable.resume(node, in: context.cluster)
            return asked ? "resumed \(name)" : nil
        }
    }
}
