import Cluster
import History

/// Loss held on the links between the nodes for the whole load phase (`NemesisSpec.linkLoss`):
/// on every node a random share of the packets from each other node is dropped (iptables'
/// statistic match in `Firewall.heldChain`); the controller's traffic (clients, status polls,
/// SSH) is never touched. It stays beside whatever the clock schedule and the triggers apply
/// (their heals flush `Firewall.chain`, not this one), so a lost append or vote waits for TCP's
/// retransmission (200 ms and more) while leaders change: followers lag and catch up slowly.
/// Recorded as `link-loss` from the start of the load phase to its `heal-link-loss` at the end;
/// any heal (`FirewallHeal`) removes the chain too.
extension Nemesis {
    /// Applies the held loss when the spec asks for it; returns whether it is in effect.
    func holdLinkLoss() async -> Bool {
        guard let probability = spec.linkLoss else { return false }
        let nodes = injector.cluster.nodes
        let controller = injector.controllerAddresses
        let kind = "link-loss"
        log.recordNemesis(.invoke, f: kind, value: .string("\(String(format: "%.2f", probability)) of the packets between \(nodes.map(\.name).joined(separator: ", ")), held"))
        let outcomes = await NodeOutcomes<String>.run(kind, nodes.map(\.name), in: injector.cluster) { node in
            let peers = nodes.filter { $0.name != node.name }.map(\.address)
            let listing = try await node.root(try Firewall.linkLossCommands(probability: probability, peers: peers, controller: controller))
            let rules = listing.split(separator: "\n").filter { $0.hasPrefix("-A \(Firewall.heldChain) ") && $0.contains("statistic") }
            guard rules.count == peers.count else { throw StepFailure("\(rules.count) of \(peers.count) rules listed in \(Firewall.heldChain)") }
            return "\(rules.count) peers dropped at \(String(format: "%.2f", probability))"
        }
        log.recordNemesis(.info, f: kind, value: .string(outcomes.summary { $0 }), error: outcomes.allSucceeded ? nil : "not in effect")
        return true
    }

    /// Removes the held loss (the chain emptied and removed on every node) and records the heal.
    func releaseLinkLoss() async {
        let kind = "link-loss"
        log.recordNemesis(.invoke, f: "heal-" + kind, value: "all nodes")
        let outcomes = await NodeOutcomes<String>.run("heal \(kind)", injector.cluster.nodes.map(\.name), in: injector.cluster) { node in
            try await node.root(Firewall.removeCommands(Firewall.heldChain)).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        log.recordNemesis(.info, f: "heal-" + kind, value: .string(outcomes.summary { "chain \(Firewall.heldChain) " + $0 }),
                          error: outcomes.allSucceeded ? nil : "not healed")
    }
}
