/// The kinds of edge between transactions, each one bit so sets of kinds are masks.
public enum DependencyKind: UInt8, Sendable, CaseIterable {
    /// T1 installed a version of a key and T2 the next one.
    case ww = 1
    /// T2 read a version T1 installed.
    case wr = 2
    /// T1 read a version and T2 installed the next one (an anti-dependency).
    case rw = 4
    /// T1 and T2 ran on the same process, T1 first (T1 committed).
    case process = 8
    /// T1 completed (ok) before T2 was invoked.
    case realtime = 16

    /// The bit of this kind.
    var bit: UInt8 { rawValue }

    /// ww, wr and rw: the edges read from values.
    static let data: UInt8 = ww.bit | wr.bit | rw.bit
}

extension DependencyKind {
    /// `ww`, `wr`, `rw`, `process`, `realtime`.
    public var name: String {
        switch self {
        case .ww: return "ww"
        case .wr: return "wr"
        case .rw: return "rw"
        case .process: return "process"
        case .realtime: return "realtime"
        }
    }
}

/// An edge inferred from values, with the evidence for it (see `DataDependencies.explain`).
struct DataEdge: Sendable {
    var from: Int32
    var to: Int32
    var kind: DependencyKind
    /// Index into the analysis's own list of witnesses.
    var witness: Int32
}

/// The dependency graph over transactions, in compressed sparse rows: the out-edges of node
/// `n` are `offsets[n]..<offsets[n+1]`, ordered by kind (ww, wr, process, realtime, rw) so a
/// search prefers the weaker explanation.
struct DependencyGraph: Sendable {
    let nodeCount: Int
    let offsets: [Int32]
    let targets: [Int32]
    let kinds: [UInt8]
    /// For data edges the witness index, else -1.
    let witnesses: [Int32]
    /// For each edge, its source node (for reading a cycle back).
    let sources: [Int32]

    /// The kinds in the order edges are stored.
    static let order: [DependencyKind] = [.ww, .wr, .process, .realtime, .rw]

    /// Builds the graph of `nodeCount` nodes from data edges and order edges (process and
    /// real-time, without witness). Self-edges are dropped.
    init(nodeCount: Int, data: [DataEdge], order: [(from: Int32, to: Int32, kind: DependencyKind)]) {
        self.nodeCount = nodeCount
        var counts = [Int32](repeating: 0, count: nodeCount + 1)
        for e in data where e.from != e.to { counts[Int(e.from) + 1] += 1 }
        for e in order where e.from != e.to { counts[Int(e.from) + 1] += 1 }
        for i in 0..<nodeCount { counts[i + 1] += counts[i] }
        let total = Int(counts[nodeCount])
        var next = counts
        var targets = [Int32](repeating: 0, count: total)
        var kinds = [UInt8](repeating: 0, count: total)
        var witnesses = [Int32](repeating: -1, count: total)
        var sources = [Int32](repeating: 0, count: total)
        for kind in Self.order {
            if kind.bit & DependencyKind.data != 0 {
                for e in data where e.kind == kind && e.from != e.to {
                    let at = Int(next[Int(e.from)])
                    next[Int(e.from)] += 1
                    targets[at] = e.to
                    kinds[at] = kind.bit
                    witnesses[at] = e.witness
                    sources[at] = e.from
                }
            } else {
                for e in order where e.kind == kind && e.from != e.to {
                    let at = Int(next[Int(e.from)])
                    next[Int(e.from)] += 1
                    targets[at] = e.to
                    kinds[at] = kind.bit
                    sources[at] = e.from
                }
            }
        }
        self.offsets = counts
        self.targets = targets
        self.kinds = kinds
        self.witnesses = witnesses
        self.sources = sources
    }

    /// The edge indices leaving `node`.
    @inline(__always) func edges(of node: Int) -> Range<Int> { Int(offsets[node])..<Int(offsets[node + 1]) }

    /// Number of edges.
    var edgeCount: Int { targets.count }
}
