/// Who drops whose traffic during a partition: each node maps to the set of nodes it drops
/// incoming traffic from. A node absent from `drops` hears everyone. Symmetric partitions list
/// both directions; a one-way partition lists only one.
public struct Grudge: Sendable, Equatable, CustomStringConvertible {
    /// node → nodes whose packets it drops (never empty sets, never the node itself).
    public private(set) var drops: [String: Set<String>]

    /// The grudge `drops`, with empty sets and self-drops removed.
    public init(_ drops: [String: Set<String>]) {
        var clean: [String: Set<String>] = [:]
        for (node, peers) in drops {
            let peers = peers.subtracting([node])
            if !peers.isEmpty { clean[node] = peers }
        }
        self.drops = clean
    }

    /// True when `node` receives traffic from `peer`.
    public func hears(_ node: String, from peer: String) -> Bool {
        !(drops[node]?.contains(peer) ?? false)
    }

    /// Every node of `groups` drops traffic from every node of every other group (the groups
    /// cannot talk to each other at all).
    public static func split(_ groups: [[String]]) -> Grudge {
        var drops: [String: Set<String>] = [:]
        for (index, group) in groups.enumerated() {
            let others = Set(groups.enumerated().filter { $0.offset != index }.flatMap(\.element))
            for node in group { drops[node, default: []].formUnion(others) }
        }
        return Grudge(drops)
    }

    /// `node` cannot hear the others, nor they it.
    public static func isolate(_ node: String, in nodes: [String]) -> Grudge {
        split([[node], nodes.filter { $0 != node }])
    }

    /// Two random halves (the first ⌊n/2⌋ of a seeded shuffle, and the rest) that cannot talk.
    public static func halves(_ nodes: [String], using rng: inout some RandomNumberGenerator) -> Grudge {
        let shuffled = nodes.shuffled(using: &rng)
        let cut = shuffled.count / 2
        return split([Array(shuffled[..<cut]), Array(shuffled[cut...])])
    }

    /// Two halves of a seeded shuffle joined by one bridge node: the halves cannot talk to each
    /// other, the bridge hears and is heard by everyone.
    public static func bridge(_ nodes: [String], using rng: inout some RandomNumberGenerator) -> Grudge {
        let shuffled = nodes.shuffled(using: &rng)
        guard shuffled.count >= 3 else { return Grudge([:]) }
        let middle = shuffled.count / 2
        return split([Array(shuffled[..<middle]), Array(shuffled[(middle + 1)...])])
    }

    /// Majorities ring: the nodes, in a seeded order, sit on a ring; each hears a window of
    /// ⌊n/2⌋+1 consecutive nodes around itself (itself included) and drops the rest. Every node
    /// sees a majority and no two see the same one. For an even window the ring is one-way in
    /// places (n = 3: a hears b, b hears c, c hears a). Fewer than 3 nodes: no grudge.
    public static func ring(_ nodes: [String], using rng: inout some RandomNumberGenerator) -> Grudge {
        let ring = nodes.shuffled(using: &rng)
        let n = ring.count
        guard n >= 3 else { return Grudge([:]) }
        let window = n / 2 + 1
        let before = (window - 1) / 2
        var drops: [String: Set<String>] = [:]
        for (position, node) in ring.enumerated() {
            let seen = Set((0..<window).map { ring[(position - before + $0 + n) % n] })
            drops[node] = Set(ring).subtracting(seen)
        }
        return Grudge(drops)
    }

    /// One way: `deaf` drops traffic from every node of `others`, while they still hear it.
    public static func oneWay(deaf: String, from others: [String]) -> Grudge {
        Grudge([deaf: Set(others)])
    }

    /// `n1 drops n3,n4; n2 drops …`, nodes sorted: the text recorded in the history.
    public var description: String {
        if drops.isEmpty { return "nobody drops anything" }
        return drops.keys.sorted().map { "\($0) drops \(drops[$0]!.sorted().joined(separator: ","))" }
            .joined(separator: "; ")
    }
}
