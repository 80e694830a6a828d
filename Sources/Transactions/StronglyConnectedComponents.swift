/// Strongly connected components of a dependency graph restricted to some edge kinds, by
/// Tarjan's algorithm run with an explicit stack (no recursion: histories are long).
struct StronglyConnectedComponents: Sendable {
    /// For each node, its component's number; nodes alone in their component (no cycle through
    /// them) get -1.
    let component: [Int32]
    /// The members of each component of two or more nodes, indexed by component number.
    let members: [[Int32]]
    /// For each node, when its component (alone or not) was completed. Tarjan completes a
    /// component after every component it reaches, so a path from x to y implies
    /// `rank[x] >= rank[y]`.
    let rank: [Int32]

    init(_ graph: DependencyGraph, mask: UInt8) {
        let n = graph.nodeCount
        var index = [Int32](repeating: -1, count: n)
        var low = [Int32](repeating: 0, count: n)
        var onStack = [Bool](repeating: false, count: n)
        var stack: [Int32] = []
        var component = [Int32](repeating: -1, count: n)
        var members: [[Int32]] = []
        var counter: Int32 = 0
        var rank = [Int32](repeating: 0, count: n)
        var completed: Int32 = 0
        // Each frame: the node, and the next of its edges to look at.
        var frames: [(node: Int32, edge: Int)] = []
        for root in 0..<n where index[root] < 0 {
            frames.append((Int32(root), graph.edges(of: root).lowerBound))
            index[root] = counter
            low[root] = counter
            counter += 1
            stack.append(Int32(root))
            onStack[root] = true
            while let top = frames.last {
                let v = Int(top.node)
                let end = graph.edges(of: v).upperBound
                var e = top.edge
                var descended = false
                while e < end {
                    let w = Int(graph.targets[e])
                    let take = graph.kinds[e] & mask != 0
                    e += 1
                    guard take else { continue }
                    if index[w] < 0 {
                        frames[frames.count - 1].edge = e
                        index[w] = counter
                        low[w] = counter
                        counter += 1
                        stack.append(Int32(w))
                        onStack[w] = true
                        frames.append((Int32(w), graph.edges(of: w).lowerBound))
                        descended = true
                        break
                    } else if onStack[w] {
                        low[v] = min(low[v], index[w])
                    }
                }
                if descended { continue }
                frames.removeLast()
                if let parent = frames.last {
                    let p = Int(parent.node)
                    low[p] = min(low[p], low[v])
                }
                if low[v] == index[v] {
                    var group: [Int32] = []
                    while true {
                        let w = stack.removeLast()
                        onStack[Int(w)] = false
                        group.append(w)
                        rank[Int(w)] = completed
                        if w == Int32(v) { break }
                    }
                    completed += 1
                    if group.count > 1 {
                        let c = Int32(members.count)
                        for w in group { component[Int(w)] = c }
                        members.append(group.sorted())
                    }
                }
            }
        }
        self.component = component
        self.members = members
        self.rank = rank
    }
}
