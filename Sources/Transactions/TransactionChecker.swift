import History

/// Puts the analysis together: value dependencies of the workload, process and real-time
/// order, the graph, its cycles, and the verdict.
enum TransactionChecker {
    static func check(_ txns: TransactionHistory, options: TransactionCheckOptions, start: ContinuousClock.Instant)
        throws(HistoryError) -> TransactionCheckResult
    {
        let deps: any DataDependencies
        switch txns.model {
        case .listAppend: deps = try ListAppendDependencies(txns)
        case .rwRegister: deps = try RWRegisterDependencies(txns)
        }
        let graph = DependencyGraph(nodeCount: txns.transactions.count, data: deps.edges, order: OrderEdges.build(txns))
        var cycles = CycleAnomalies(graph: graph, deps: deps, txns: txns, options: options, deadline: start + options.timeout)
        let cycleAnomalies = cycles.run()
        let direct = deps.anomalies.sorted { $0.kind < $1.kind }
        let anomalies = direct + cycleAnomalies
        var edgeCounts: [DependencyKind: Int] = [:]
        for k in graph.kinds { edgeCounts[DependencyKind(rawValue: k)!, default: 0] += 1 }

        let verdict: ConsistencyVerdict
        let cutForbidden = cycles.cut.filter { options.consistency.forbids($0) }
        if anomalies.contains(where: { options.consistency.forbids($0.kind) }) {
            verdict = .invalid
        } else if !cutForbidden.isEmpty {
            verdict = .unknown
        } else {
            verdict = .valid
        }
        var incomplete: String?
        if !cycles.cut.isEmpty {
            let classes = cycles.cut.sorted().map(\.rawValue).joined(separator: ", ")
            incomplete = cycles.timedOut
                ? "the time budget (\(options.timeout)) ran out before the search for \(classes) was done"
                : "the search for \(classes) gave up in a large component (work budget)"
        }
        return TransactionCheckResult(
            model: txns.model, consistency: options.consistency, verdict: verdict, transactions: txns.transactions.count,
            anomalies: anomalies, incomplete: incomplete, edgeCounts: edgeCounts, cyclicComponents: cycles.cyclicComponents,
            elapsed: ContinuousClock.now - start)
    }
}
