import History

/// A history cut into independent parts, each translated into the model's entries.
struct PreparedHistory<M: Model> {
    struct Part {
        var key: Value?
        var entries: [SearchEntry<M>]
        /// Where each entry's operation is in `source` (parallel to `entries`).
        var indices: [Int]
        /// The whole history the parts were cut from (shared by all parts, not copied).
        let source: [HistoryOperation]
        /// The source operation of each entry (parallel to `entries`): built when asked for (a
        /// counterexample), as copying every operation into its part cost a small check more
        /// than its search.
        var operations: [HistoryOperation] { indices.map { source[$0] } }
    }

    var parts: [Part]

    /// Leaves out failed operations and the ones the model says constrain nothing, then splits by
    /// the model's partition key (or keeps one part when `split` is false).
    init(operations: [HistoryOperation], model: M, split: Bool) throws(ModelError) {
        var index: [Value?: Int] = [:]
        var parts: [Part] = []
        for k in operations.indices where operations[k].outcome != .fail {
            guard let (input, output) = try model.entry(for: operations[k]) else { continue }
            let key = split ? model.partitionKey(of: operations[k]) : nil
            let entry = SearchEntry<M>(
                input: input, output: output, call: operations[k].invokeIndex,
                ret: operations[k].outcome == .ok ? (operations[k].completeIndex ?? Int.max) : Int.max,
                operationID: operations[k].id)
            if let p = index[key] {
                parts[p].entries.append(entry)
                parts[p].indices.append(k)
            } else {
                index[key] = parts.count
                parts.append(Part(key: key, entries: [entry], indices: [k], source: operations))
            }
        }
        self.parts = parts
    }
}
