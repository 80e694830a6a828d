import Cluster
import History

/// What the held network faults (`link-loss`, `link-delay`) share: they are applied on every node
/// at the start of the load phase and removed from every node at its end, each recorded as one
/// invoke/info pair (`KIND`, then `heal-KIND`).
extension Nemesis {
    /// Records `kind`'s invoke with `value`, runs `apply` on every node at once (its answer says
    /// what it did there) and records the info: "not in effect" unless every node succeeded.
    func hold(_ kind: String, _ value: String, _ apply: @escaping @Sendable (ClusterNode) async throws -> String) async {
        log.recordNemesis(.invoke, f: kind, value: .string(value))
        let outcomes = await NodeOutcomes<String>.run(kind, injector.cluster.nodes.map(\.name), in: injector.cluster, apply)
        log.recordNemesis(.info, f: kind, value: .string(outcomes.summary { $0 }), error: outcomes.allSucceeded ? nil : "not in effect")
    }

    /// Records `heal-KIND`'s invoke, runs `remove` on every node at once and records the info:
    /// "not healed" unless every node succeeded.
    func release(_ kind: String, _ remove: @escaping @Sendable (ClusterNode) async throws -> String) async {
        log.recordNemesis(.invoke, f: "heal-" + kind, value: "all nodes")
        let outcomes = await NodeOutcomes<String>.run("heal \(kind)", injector.cluster.nodes.map(\.name), in: injector.cluster, remove)
        log.recordNemesis(.info, f: "heal-" + kind, value: .string(outcomes.summary { $0 }), error: outcomes.allSucceeded ? nil : "not healed")
    }

    /// The `-A CHAIN …` rules of `listing` that contain `word`; throws `StepFailure` unless there
    /// are `expected` of them.
    static func listedRules(_ listing: String, chain: String, containing word: String, expected: Int) throws -> Int {
        let rules = listing.split(separator: "\n").filter { $0.hasPrefix("-A \(chain) ") && $0.contains(word) }
        guard rules.count == expected else { throw StepFailure("\(rules.count) of \(expected) rules listed in \(chain)") }
        return rules.count
    }
}
