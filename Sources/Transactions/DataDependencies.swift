import History

/// What a workload's analysis of values gives the checker: the ww, wr and rw edges it can
/// prove, the anomalies it sees without a cycle, and the evidence for each edge.
protocol DataDependencies: Sendable {
    var edges: [DataEdge] { get }
    var anomalies: [Anomaly] { get }
    /// The reason for edge `witness` of `kind` from the transaction named `from` to the one
    /// named `to`; `name` names any other transaction the evidence cites.
    func explain(_ witness: Int32, kind: DependencyKind, from: String, to: String, name: (Int) -> String) -> String
}

/// Where a value-derived edge's evidence is: a key, a transaction's read step, and one more
/// number whose meaning depends on the workload and the edge.
struct Witness: Sendable {
    var key: Int32
    var txn: Int32
    var op: Int32
    var extra: Int32
}

/// Interned keys: each distinct key value gets a small integer.
struct KeyTable: Sendable {
    private(set) var values: [Value] = []
    private var ids: [Value: Int32] = [:]

    mutating func id(_ key: Value) -> Int32 {
        if let id = ids[key] { return id }
        let id = Int32(values.count)
        ids[key] = id
        values.append(key)
        return id
    }

    var count: Int { values.count }
}
