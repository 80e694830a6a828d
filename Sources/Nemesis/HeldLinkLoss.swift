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
    /// Applies the held loss when the spec asks for it; returns whether it was tried (then
    /// `releaseLinkLoss` must follow).
    func holdLinkLoss() async -> Bool {
        guard let probability = spec.linkLoss else { return false }
        let nodes = injector.cluster.nodes
        let controller = injector.controllerAddresses
        let share = String(format: "%.2f", probability)
        await hold("link-loss", "\(share) of the packets between \(nodes.map(\.name).joined(separator: ", ")), held") { node in
            let peers = nodes.filter { $0.name != node.name }.map(\.address)
            let listing = try await node.root(try Firewall.linkLossCommands(probability: probability, peers: peers, controller: controller))
            let rules = try Self.listedRules(listing, chain: Firewall.heldChain, containing: "statistic", expected: peers.count)
            return "\(rules) peers dropped at \(share)"
        }
        return true
    }

    /// Removes the held loss (the chain emptied and removed on every node) and records the heal.
    func releaseLinkLoss() async {
        await release("link-loss") { node in
            "chain \(Firewall.heldChain) " + (try await node.root(Firewall.removeCommands(Firewall.heldChain)).trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }
}
