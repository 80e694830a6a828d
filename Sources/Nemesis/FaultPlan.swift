/// One fault, decided and ready to apply: its kind, for a partition the grudge, for the other
/// faults the target nodes. `unavailable` says why it cannot be applied at all (no leader for a
/// leader fault, nothing targeted); such a plan is recorded as "not in effect" without touching
/// any host.
public struct FaultPlan: Sendable, Equatable, CustomStringConvertible {
    public var kind: FaultKind
    /// The target selector the schedule drew (kill, pause, clock, packet faults).
    public var target: FaultTarget?
    /// For partitions: who drops whom.
    public var grudge: Grudge?
    /// For the other faults: the node names hit, in cluster order.
    public var nodes: [String]
    /// For `corrupt-file`: how files are damaged.
    public var corruption: FileCorruption?
    public var unavailable: String?

    public init(kind: FaultKind, target: FaultTarget? = nil, grudge: Grudge? = nil, nodes: [String] = [],
                unavailable: String? = nil) {
        self.kind = kind
        self.target = target
        self.grudge = grudge
        self.nodes = nodes
        self.unavailable = unavailable
    }

    /// The nodes the fault changes something on: the droppers of a partition, else `nodes`.
    public var affectedNodes: [String] {
        if let grudge { return grudge.drops.keys.sorted() }
        return nodes
    }

    /// What is done to which nodes, as recorded on the `nemesis` invoke.
    public var description: String {
        if let grudge { return grudge.description }
        let on = nodes.isEmpty ? "no node" : nodes.joined(separator: ",")
        let how = corruption.map { " (\($0.kind.rawValue))" } ?? ""
        return (target.map { "\(kind.rawValue) \($0.rawValue): \(on)" } ?? "\(kind.rawValue): \(on)") + how
    }
}
