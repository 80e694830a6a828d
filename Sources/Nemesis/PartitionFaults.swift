import Cluster
import History

extension FaultKind {
    /// One node (seeded choice) cannot hear the others, nor they it.
    public static let partitionOne = FaultKind(declared: "partition-one")
    /// The current leader is isolated.
    public static let partitionLeader = FaultKind(declared: "partition-leader")
    /// Two random halves.
    public static let partitionHalves = FaultKind(declared: "partition-halves")
    /// Majorities ring: every node sees a majority, no two see the same one.
    public static let partitionRing = FaultKind(declared: "partition-ring")
    /// Two halves joined by one bridge node that hears both.
    public static let partitionBridge = FaultKind(declared: "partition-bridge")
    /// One way: A cannot hear B, but B hears A.
    public static let partitionOneWay = FaultKind(declared: "partition-one-way")

    /// The partition shapes.
    public var isPartition: Bool { family is PartitionFaults }
}

/// Partitions: a grudge (who drops whom) drawn per shape, applied as `DROP` rules in the
/// FAULTLINE chain of each node that drops, verified by listing the chain; healed by flushing it.
public struct PartitionFaults: FaultFamily {
    public var healSteps: [any HealStep] { [FirewallHeal()] }
    /// Each host's FAULTLINE chain, one per host: two partitions never hold at once.
    public var changes: Set<HostState>? { [.firewall] }
    public var kinds: [FaultKind] {
        [.partitionOne, .partitionLeader, .partitionHalves, .partitionRing, .partitionBridge, .partitionOneWay]
    }

    public func needsLeader(_ step: NemesisSchedule.Step) -> Bool { step.kind == .partitionLeader }

    public func plan(_ step: NemesisSchedule.Step, nodes: [String], leader: String?, using rng: inout SplitMix64) -> FaultPlan {
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
        default:  // partition-one-way
            guard nodes.count >= 2 else { return FaultPlan(kind: kind, unavailable: "fewer than 2 nodes") }
            let deaf = nodes[Int.random(in: 0..<nodes.count, using: &rng)]
            return FaultPlan(kind: kind, grudge: .oneWay(deaf: deaf, from: nodes.filter { $0 != deaf }))
        }
    }

    public func apply(_ plan: FaultPlan, id: String, by injector: FaultInjector) async -> AppliedFault {
        await injector.applyPartition(plan, id: id)
    }

    public func heal(_ fault: AppliedFault, by injector: FaultInjector) async -> (healed: Bool, evidence: String) {
        await injector.healFirewall(fault)
    }
}

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
            // The journal line goes in the same command, once the chain is seen empty.
            let listing = try await node.root(Firewall.flushCommands(then: HealJournal.removeCommand(id: id, baseDirectory: node.baseDirectory)))
            let left = Firewall.rules(in: listing).count
            guard left == 0 else { throw StepFailure("\(left) rules left in FAULTLINE") }
            return left
        }
        return (outcomes.allSucceeded, outcomes.summary { _ in "chain FAULTLINE empty" })
    }
}
