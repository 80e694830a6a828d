import Cluster
import History

extension FaultKind {
    /// Drop a share of incoming packets on the targets (netem where present, else iptables'
    /// statistic match).
    public static let loss = FaultKind(declared: "loss")
    /// Delay packets (netem only; reported unavailable where the kernel lacks it).
    public static let delay = FaultKind(declared: "delay")
}

/// Packet faults: loss and delay on the targets' interface, verified by showing the qdisc or
/// listing the chain; healed by removing netem and flushing the chain.
public struct PacketFaults: FaultFamily {
    public var healSteps: [any HealStep] { [NetemHeal(), FirewallHeal(), LinkDelayHeal()] }
    public var kinds: [FaultKind] { [.loss, .delay] }
    public func needsLeader(_ step: NemesisSchedule.Step) -> Bool { TargetedPlan.needsLeader(step) }
    public func plan(_ step: NemesisSchedule.Step, nodes: [String], leader: String?, using rng: inout SplitMix64) -> FaultPlan {
        TargetedPlan.plan(step, nodes: nodes, leader: leader, using: &rng)
    }
    public func apply(_ plan: FaultPlan, id: String, by injector: FaultInjector) async -> AppliedFault {
        plan.kind == .loss ? await injector.applyLoss(plan, id: id) : await injector.applyDelay(plan, id: id)
    }
    public func heal(_ fault: AppliedFault, by injector: FaultInjector) async -> (healed: Bool, evidence: String) {
        await injector.healPacket(fault)
    }
}

extension FaultInjector {
    /// Loss through netem where the kernel has it, else iptables' statistic match in the FAULTLINE
    /// chain (the controller's addresses exempt). Verified by showing the qdisc or listing the chain.
    func applyLoss(_ plan: FaultPlan, id: String) async -> AppliedFault {
        let interface = spec.interface
        let probability = spec.lossProbability
        let controller = controllerAddresses
        let entry = HealJournalEntry(id: id, fault: plan.kind.rawValue, undo: [.netem, .firewall], interface: interface)
        let outcomes = await NodeOutcomes<(netem: Bool, evidence: String)>.run("loss", plan.nodes, in: cluster) { node in
            _ = try await node.root(HealJournal.appendCommand(entry, baseDirectory: node.baseDirectory))
            let netem: String
            do {
                return (true, try await node.root(Netem.applyCommand(Netem.lossCommand(interface: interface, probability: probability),
                                                                     interface: interface)))
            } catch {
                netem = "\(error)"
            }
            let listing = try await node.root(Firewall.lossCommands(probability: probability, controller: controller))
            guard let rule = Firewall.rules(in: listing).first(where: { $0.contains("statistic") && $0.hasSuffix("-j DROP") }) else {
                throw StepFailure("no statistic rule listed in FAULTLINE")
            }
            return (false, "\(rule) (netem unavailable: \(netem))")
        }
        var fault = AppliedFault(plan: plan, journalID: id, inEffect: outcomes.allSucceeded,
                                 evidence: outcomes.summary { $0.evidence }, touched: plan.nodes)
        fault.netemNodes = outcomes.successes.filter { $0.1.netem }.map(\.0)
        return fault
    }

    /// Delay through netem only; where netem is missing the fault is not in effect, and the
    /// journal entries are taken back.
    func applyDelay(_ plan: FaultPlan, id: String) async -> AppliedFault {
        let interface = spec.interface
        let command = Netem.applyCommand(Netem.delayCommand(interface: interface, delay: spec.delay, jitter: spec.delayJitter),
                                         interface: interface)
        let entry = HealJournalEntry(id: id, fault: plan.kind.rawValue, undo: [.netem], interface: interface)
        let outcomes = await NodeOutcomes<String>.run("delay", plan.nodes, in: cluster) { node in
            _ = try await node.root(HealJournal.appendCommand(entry, baseDirectory: node.baseDirectory))
            do {
                return try await node.root(command)
            } catch {
                throw StepFailure("netem unavailable: \(error)")
            }
        }
        return AppliedFault(plan: plan, journalID: id, inEffect: outcomes.allSucceeded,
                            evidence: outcomes.summary { $0 }, touched: plan.nodes)
    }

    /// Removes netem and flushes the FAULTLINE chain on the touched nodes.
    func healPacket(_ fault: AppliedFault) async -> (healed: Bool, evidence: String) {
        let remove = Netem.removeCommand(interface: spec.interface)
        let id = fault.journalID
        let outcomes = await NodeOutcomes<String>.run("heal \(fault.plan.kind.rawValue)", fault.touched, in: cluster) { node in
            let removed = try await node.root(remove).contains("removed")
            let listing = try await node.root(Firewall.flushCommands(then: HealJournal.removeCommand(id: id, baseDirectory: node.baseDirectory)))
            guard Firewall.rules(in: listing).isEmpty else { throw StepFailure("rules left in FAULTLINE") }
            return removed ? "netem removed, chain FAULTLINE empty" : "no netem, chain FAULTLINE empty"
        }
        return (outcomes.allSucceeded, outcomes.summary { $0 })
    }
}
