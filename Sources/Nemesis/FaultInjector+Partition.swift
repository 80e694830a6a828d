import Cluster
import Control

extension FaultInjector {
    /// Every node with a grudge gets `DROP` rules for the addresses of the nodes it drops, in the
    /// FAULTLINE chain; verified by listing the chain.
    func applyPartition(_ plan: FaultPlan, id: String) async -> AppliedFault {
        guard let grudge = plan.grudge, !grudge.drops.isEmpty else {
            return AppliedFault(plan: plan, journalID: id, inEffect: false, evidence: "the grudge drops nothing", touched: [])
        }
        let addresses = Dictionary(cluster.nodes.map { ($0.name, $0.address) }, uniquingKeysWith: { a, _ in a })
        let entry = HealJournalEntry(id: id, fault: plan.kind.rawValue, undo: [.firewall])
        let controller = controllerAddresses
        let outcomes = await NodeOutcomes<[String]>.run("partition", plan.affectedNodes, in: cluster) { node in
            let sources = (grudge.drops[node.name] ?? []).sorted().compactMap { addresses[$0] }
            let rules = try Firewall.dropCommands(from: sources, controller: controller)
            let listing = try await node.root(HealJournal.appendCommand(entry, baseDirectory: node.baseDirectory) + "\n" + rules)
            let listed = Firewall.droppedSources(in: listing)
            let missing = Set(sources).subtracting(listed)
            guard missing.isEmpty else { throw StepFailure("chain lacks DROP for \(missing.sorted().joined(separator: ","))") }
            return listed.sorted()
        }
        return AppliedFault(plan: plan, journalID: id, inEffect: outcomes.allSucceeded,
                            evidence: outcomes.summary { "chain FAULTLINE drops " + $0.joined(separator: ",") },
                            touched: plan.affectedNodes)
    }

    /// Flushes the FAULTLINE chain on the touched nodes and checks it is empty.
    func healFirewall(_ fault: AppliedFault) async -> (healed: Bool, evidence: String) {
        let id = fault.journalID
        let outcomes = await NodeOutcomes<Int>.run("heal partition", fault.touched, in: cluster) { node in
            let listing = try await node.root(Firewall.flushCommands)
            let left = Firewall.rules(in: listing).count
            guard left == 0 else { throw StepFailure("\(left) rules left in FAULTLINE") }
            _ = try await node.root(HealJournal.removeCommand(id: id, baseDirectory: node.baseDirectory))
            return left
        }
        return (outcomes.allSucceeded, outcomes.summary { _ in "chain FAULTLINE empty" })
    }
}
