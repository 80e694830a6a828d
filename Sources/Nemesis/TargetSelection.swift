/// Which nodes a kill, pause, clock or packet fault hits, drawn from the schedule's generator.
public enum TargetSelection {
    /// The nodes `target` names among `nodes`, in the order of `nodes`:
    /// `one` a seeded node; `minority` ⌊(n−1)/2⌋ seeded nodes (at least one); `majority`
    /// ⌊n/2⌋+1; `all` every node; `leader` the leader, or none when there is no leader;
    /// `random` a seeded subset of seeded size 1…n. Draws from `rng` the same way whatever
    /// `leader` is, so a schedule stays reproducible from its seed.
    public static func nodes(_ target: FaultTarget, of nodes: [String], leader: String?,
                             using rng: inout some RandomNumberGenerator) -> [String] {
        guard !nodes.isEmpty else { return [] }
        let shuffled = nodes.shuffled(using: &rng)
        let randomCount = Int.random(in: 1...nodes.count, using: &rng)
        let chosen: [String]
        switch target {
        case .one: chosen = [shuffled[0]]
        case .minority: chosen = Array(shuffled.prefix(max(1, (nodes.count - 1) / 2)))
        case .majority: chosen = Array(shuffled.prefix(nodes.count / 2 + 1))
        case .all: chosen = nodes
        case .leader: chosen = leader.map { nodes.contains($0) ? [$0] : [] } ?? []
        case .random: chosen = Array(shuffled.prefix(randomCount))
        }
        return nodes.filter(chosen.contains)
    }
}
