import History

/// Process-order and real-time edges between transactions.
enum OrderEdges {
    /// - Process: from each committed (ok) transaction to the next transaction of its process.
    /// - Real-time: from T1 to T2 when T1 completed ok before T2 was invoked, transitively
    ///   reduced the way Elle does: each invocation gets an edge from every ok transaction on
    ///   the current frontier (completed, and not yet followed by an ok completion of a
    ///   transaction invoked after it), so the edges stay about concurrency × transactions.
    ///
    /// Failed transactions take no part; `info` ones only receive edges (they never completed,
    /// so nothing is known to follow them).
    static func build(_ txns: TransactionHistory) -> [(from: Int32, to: Int32, kind: DependencyKind)] {
        let eventCount = txns.history.events.count
        // Event index → transaction (+1 for an invocation, -(id+1) for an ok completion).
        var atEvent = [Int32](repeating: 0, count: eventCount)
        for t in txns.transactions where t.outcome != .fail {
            atEvent[t.invokeIndex] = Int32(t.id + 1)
            if t.outcome == .ok, let c = t.completeIndex { atEvent[c] = -Int32(t.id + 1) }
        }
        var edges: [(from: Int32, to: Int32, kind: DependencyKind)] = []
        var frontier: [Int32] = []
        var lastOK: [ProcessID: Int32] = [:]
        for i in 0..<eventCount where atEvent[i] != 0 {
            let mark = atEvent[i]
            if mark > 0 {
                let t = mark - 1
                for f in frontier { edges.append((f, t, .realtime)) }
                let p = txns.transactions[Int(t)].process
                if let previous = lastOK[p] { edges.append((previous, t, .process)) }
            } else {
                let t = -mark - 1
                let txn = txns.transactions[Int(t)]
                frontier.removeAll { txns.transactions[Int($0)].completeIndex! < txn.invokeIndex }
                frontier.append(t)
                lastOK[txn.process] = t
            }
        }
        return edges
    }
}
