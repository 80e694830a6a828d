/// Finds the cycle anomalies of a dependency graph: strongly connected components first, then
/// inside each the shortest cycle of each anomaly class, and explains them.
///
/// Stages, weakest evidence first: value edges only (G0, G1c, G-single, G2-item), then with
/// process order (`-process`, cycles through a process edge), then with real-time order
/// (`-realtime`, through a real-time edge). Every edge of a component lies on some cycle, so a
/// component always yields at least one cycle unless the time budget runs out.
struct CycleAnomalies {
    private let graph: DependencyGraph
    private let deps: any DataDependencies
    private let txns: TransactionHistory
    private let options: TransactionCheckOptions
    private let deadline: ContinuousClock.Instant
    private var search: CycleSearch
    private var found: [AnomalyClass: [(key: [Int], cycle: [Int])]] = [:]
    private var seen: Set<[Int]> = []
    /// Classes whose search stopped early (time or work budget) somewhere.
    private(set) var cut: Set<AnomalyClass> = []
    private(set) var timedOut = false
    private(set) var cyclicComponents = 0

    private static let ww = DependencyKind.ww.bit, wr = DependencyKind.wr.bit, rw = DependencyKind.rw.bit
    private static let pr = DependencyKind.process.bit, rt = DependencyKind.realtime.bit
    /// Work (edges looked at) a class may spend in one component before its first cycle.
    private static let exhaustiveBudget = 50_000_000

    init(graph: DependencyGraph, deps: any DataDependencies, txns: TransactionHistory, options: TransactionCheckOptions,
         deadline: ContinuousClock.Instant) {
        self.graph = graph
        self.deps = deps
        self.txns = txns
        self.options = options
        self.deadline = deadline
        self.search = CycleSearch(graph)
    }

    /// One class search: cycles through a seed edge of `seed` kind, the path in `mask`.
    private struct ClassSearch {
        var kind: AnomalyClass
        var seed: UInt8
        var mask: UInt8
        var rw: CycleSearch.RWCount
    }

    /// Runs every stage; returns the anomalies in class order.
    mutating func run() -> [Anomaly] {
        let all = Self.ww | Self.wr | Self.rw | Self.pr | Self.rt
        let whole = StronglyConnectedComponents(graph, mask: all)
        cyclicComponents = whole.members.count
        guard !whole.members.isEmpty else { return [] }
        let stages: [(mask: UInt8, extra: UInt8, names: [AnomalyClass])] = [
            (DependencyKind.data, 0, [.g0, .g1c, .gSingle, .g2Item]),
            (DependencyKind.data | Self.pr, Self.pr, [.g0Process, .g1cProcess, .gSingleProcess, .g2ItemProcess]),
            (all, Self.rt, [.g0Realtime, .g1cRealtime, .gSingleRealtime, .g2ItemRealtime]),
        ]
        for stage in stages {
            let sccs = stage.mask == all ? whole : StronglyConnectedComponents(graph, mask: stage.mask)
            if sccs.members.isEmpty { continue }
            let order = stage.mask & (Self.pr | Self.rt)
            // Zero-rw classes: only inside components of their own mask.
            let zeroMasks: [UInt8] = [Self.ww | order, Self.ww | Self.wr | order]
            for (i, m) in zeroMasks.enumerated() {
                let inner = StronglyConnectedComponents(graph, mask: m)
                let seed = stage.extra != 0 ? stage.extra : (i == 0 ? Self.ww : Self.wr)
                let c = ClassSearch(kind: stage.names[i], seed: seed, mask: m, rw: .zero)
                for comp in inner.members.indices { run(c, in: inner, component: Int32(comp), prune: nil) }
            }
            let nonRW = stage.extra == 0 ? StronglyConnectedComponents(graph, mask: Self.ww | Self.wr) : nil
            let seed = stage.extra != 0 ? stage.extra : Self.rw
            for comp in sccs.members.indices {
                run(ClassSearch(kind: stage.names[2], seed: seed, mask: stage.mask, rw: .one), in: sccs, component: Int32(comp),
                    prune: nonRW)
                run(ClassSearch(kind: stage.names[3], seed: seed, mask: stage.mask, rw: .atLeastTwo), in: sccs,
                    component: Int32(comp), prune: nil)
            }
        }
        guaranteeOneCycle(per: whole, mask: all)
        return found.keys.sorted().flatMap { kind in found[kind]!.map { explain($0.cycle, as: kind) } }
    }

    /// A component none of whose cycles was found (the time budget ran out) still shows one:
    /// the shortest cycle through one of its edges, by one search without budget (linear in
    /// the component).
    private mutating func guaranteeOneCycle(per sccs: StronglyConnectedComponents, mask: UInt8) {
        var shown = Set<Int32>()
        for cycles in found.values {
            for c in cycles { shown.insert(sccs.component[c.key[0]]) }
        }
        for (index, members) in sccs.members.enumerated() where !shown.contains(Int32(index)) {
            let c = Int32(index)
            let graph = self.graph
            guard let seed = members.lazy.flatMap({ graph.edges(of: Int($0)) })
                .first(where: { graph.kinds[$0] & mask != 0 && sccs.component[Int(graph.targets[$0])] == c })
            else { continue }
            if let cycle = search.cycle(seed: seed, mask: mask, rw: .any, in: sccs, component: c, maxLength: Int.max) {
                record(cycle, stageMask: mask)
            }
        }
    }

    /// Searches component `component` for the shortest cycle of class `c`; with `prune`, skips
    /// rw seeds a→b where b cannot reach a without rw edges.
    private mutating func run(_ c: ClassSearch, in sccs: StronglyConnectedComponents, component: Int32,
                              prune: StronglyConnectedComponents?) {
        if timedOut { cut.insert(c.kind); return }
        var best: [Int]?
        let startWork = search.work
        var workAtFirst = 0
        outer: for node in sccs.members[Int(component)] {
            if ContinuousClock.now > deadline { timedOut = true; cut.insert(c.kind); break }
            for e in graph.edges(of: Int(node)) where graph.kinds[e] == c.seed {
                let to = Int(graph.targets[e])
                guard sccs.component[to] == component else { continue }
                if let prune, prune.rank[to] < prune.rank[Int(node)] { continue }
                let limit = best.map { $0.count - 1 } ?? Int.max
                if let cycle = search.cycle(seed: e, mask: c.mask, rw: c.rw, in: sccs, component: component, maxLength: limit) {
                    if best == nil { workAtFirst = search.work }
                    best = cycle
                    if cycle.count <= 2 { break outer }
                }
                if best != nil, search.work - workAtFirst > options.refineBudget { break outer }
                if best == nil, search.work - startWork > Self.exhaustiveBudget { cut.insert(c.kind); break outer }
            }
        }
        if let best { record(best, stageMask: c.mask) }
    }

    /// Relabels each edge of a cycle with the weakest kind joining its two transactions (ww,
    /// wr, process, real-time, rw), classifies it, and keeps it unless already found.
    private mutating func record(_ cycle: [Int], stageMask: UInt8) {
        let relabeled = cycle.map { e -> Int in
            let from = Int(graph.sources[e]), to = graph.targets[e]
            var bestEdge = e
            for p in graph.edges(of: from) where graph.targets[p] == to && graph.kinds[p] & stageMask != 0 {
                if Self.preference(graph.kinds[p]) < Self.preference(graph.kinds[bestEdge]) { bestEdge = p }
            }
            return bestEdge
        }
        let kind = classify(relabeled)
        let members = relabeled.map { Int(graph.sources[$0]) }
        let key = [AnomalyClass.allCases.firstIndex(of: kind)!] + members.sorted()
        guard seen.insert(key).inserted else { return }
        found[kind, default: []].append((members, relabeled))
    }

    private static func preference(_ kind: UInt8) -> Int {
        DependencyGraph.order.firstIndex { $0.bit == kind }!
    }

    private func classify(_ cycle: [Int]) -> AnomalyClass {
        let kinds = cycle.map { graph.kinds[$0] }
        let rws = kinds.filter { $0 == Self.rw }.count
        let hasWR = kinds.contains(Self.wr)
        let suffix = kinds.contains(Self.rt) ? 2 : kinds.contains(Self.pr) ? 1 : 0
        let base: [AnomalyClass]
        switch rws {
        case 0: base = hasWR ? [.g1c, .g1cProcess, .g1cRealtime] : [.g0, .g0Process, .g0Realtime]
        case 1: base = [.gSingle, .gSingleProcess, .gSingleRealtime]
        default: base = [.g2Item, .g2ItemProcess, .g2ItemRealtime]
        }
        return base[suffix]
    }

    /// The anomaly of one cycle: its transactions, each edge with its evidence, and the
    /// conclusion.
    private func explain(_ cycle: [Int], as kind: AnomalyClass) -> Anomaly {
        let members = cycle.map { Int(graph.sources[$0]) }
        let (names, lines) = TransactionText.listing(members, in: txns)
        let name = { (id: Int) in names[id] ?? TransactionText.reference(txns.transactions[id]) }
        var steps: [Anomaly.Step] = []
        var text = lines
        for e in cycle {
            let from = Int(graph.sources[e]), to = Int(graph.targets[e])
            let k = DependencyKind(rawValue: graph.kinds[e])!
            let reason: String
            switch k {
            case .ww, .wr, .rw:
                reason = deps.explain(graph.witnesses[e], kind: k, from: name(from), to: name(to), name: name)
            case .process:
                let a = txns.transactions[from], b = txns.transactions[to]
                reason = "\(name(from)) and \(name(to)) ran on process \(a.process), \(name(from)) first: it completed on line \(a.completeLine ?? a.invokeLine) before \(name(to)) was invoked on line \(b.invokeLine)."
            case .realtime:
                let a = txns.transactions[from], b = txns.transactions[to]
                reason = "\(name(from)) completed on line \(a.completeLine ?? a.invokeLine) before \(name(to)) was invoked on line \(b.invokeLine)."
            }
            steps.append(Anomaly.Step(from: from, to: to, kind: k, reason: reason))
            text.append("\(name(from)) → \(name(to)) (\(k.name)): \(reason)")
        }
        let rws = steps.filter { $0.kind == .rw }.count
        let first = name(members[0])
        text.append(
            "So \(first) must come before itself: a cycle of \(cycle.count) edges with \(rws) rw edge\(rws == 1 ? "" : "s"). "
                + TransactionText.rulesOut(kind))
        return Anomaly(kind: kind, transactions: members, steps: steps, explanation: text)
    }
}
