/// Shortest cycles through a seed edge, by breadth-first search over (node, anti-dependencies
/// used) states inside one strongly connected component.
///
/// The buffers are allocated once per graph and reused by every search (generation stamps
/// instead of clearing).
struct CycleSearch {
    /// How many rw edges a cycle must have.
    enum RWCount: Sendable {
        case zero, one, atLeastTwo, any
    }

    private let graph: DependencyGraph
    private var stamp: [Int32]
    private var parentEdge: [Int32]
    private var parentState: [Int32]
    private var queue: [Int32] = []
    private var generation: Int32 = 0
    /// Edges looked at, over all searches (the work budget is counted in these).
    private(set) var work = 0

    init(_ graph: DependencyGraph) {
        self.graph = graph
        let states = graph.nodeCount * 3
        stamp = [Int32](repeating: 0, count: states)
        parentEdge = [Int32](repeating: -1, count: states)
        parentState = [Int32](repeating: -1, count: states)
    }

    /// The shortest path of edges in `mask` from the seed's target back to its source, inside
    /// component `component` of `components`, that makes seed + path have `rw` rw edges and at
    /// most `maxLength` edges in all; returns the cycle's edges, seed first, or nil.
    mutating func cycle(
        seed: Int, mask: UInt8, rw: RWCount, in components: StronglyConnectedComponents, component: Int32,
        maxLength: Int
    ) -> [Int]? {
        let seedRW = graph.kinds[seed] == DependencyKind.rw.bit ? 1 : 0
        let start = Int(graph.targets[seed]), goal = Int(graph.sources[seed])
        // Path rw counts accepted at the goal, and the largest worth keeping.
        let cap: Int
        let accept: (Int) -> Bool
        switch rw {
        case .zero:
            guard seedRW == 0 else { return nil }
            cap = 0
            accept = { $0 == 0 }
        case .one:
            cap = 1 - seedRW
            accept = { $0 == 1 - seedRW }
        case .atLeastTwo:
            cap = 2
            accept = { $0 + seedRW >= 2 }
        case .any:
            cap = 0
            accept = { _ in true }
        }
        let countsRW = rw != .any
        generation &+= 1
        let g = generation
        queue.removeAll(keepingCapacity: true)
        let first = start * 3
        stamp[first] = g
        parentEdge[first] = -1
        queue.append(Int32(first))
        var head = 0
        var depth = 1  // edges in the cycle so far: the seed
        while head < queue.count {
            let levelEnd = queue.count
            if depth + 1 > maxLength { return nil }
            while head < levelEnd {
                let state = Int(queue[head])
                head += 1
                let node = state / 3, r = state % 3
                for e in graph.edges(of: node) {
                    work += 1
                    let kind = graph.kinds[e]
                    guard kind & mask != 0 else { continue }
                    let next = Int(graph.targets[e])
                    guard components.component[next] == component else { continue }
                    var r2 = r
                    if countsRW && kind == DependencyKind.rw.bit { r2 = min(r + 1, 2) }
                    if r2 > cap { continue }
                    let s = next * 3 + r2
                    if stamp[s] == g { continue }
                    stamp[s] = g
                    parentEdge[s] = Int32(e)
                    parentState[s] = Int32(state)
                    if next == goal {
                        // A walk through some transaction twice is not one cycle: look on.
                        if accept(r2), let cycle = simplePath(to: s, seed: seed) { return cycle }
                        continue
                    }
                    queue.append(Int32(s))
                }
            }
            depth += 1
        }
        return nil
    }

    /// The seed and the path to `state`, or nil when the path passes a transaction twice.
    private func simplePath(to state: Int, seed: Int) -> [Int]? {
        var edges: [Int] = []
        var nodes: Set<Int32> = [graph.sources[seed]]
        var s = state
        while parentEdge[s] >= 0 {
            let e = Int(parentEdge[s])
            edges.append(e)
            guard nodes.insert(graph.sources[e]).inserted else { return nil }
            s = Int(parentState[s])
        }
        return [seed] + edges.reversed()
    }
}
