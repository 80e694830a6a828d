import History

/// A history cut into independent parts, each translated into the model's entries.
struct PreparedHistory<M: Model> {
    struct Part {
        var key: Value?
        var entries: [SearchEntry<M>]
        /// The source operation of each entry (parallel to `entries`).
        var operations: [HistoryOperation]
    }

    var parts: [Part]

    /// Leaves out failed operations and the ones the model says constrain nothing, then splits by
    /// the model's partition key (or keeps one part when `split` is false).
    init(operations: [HistoryOperation], model: M, split: Bool) throws(ModelError) {
        var index: [Value?: Int] = [:]
        var parts: [Part] = []
        for op in operations where op.outcome != .fail {
            guard let (input, output) = try model.entry(for: op) else { continue }
            let key = split ? model.partitionKey(of: op) : nil
            let entry = SearchEntry<M>(
                input: input, output: output, call: op.invokeIndex,
                ret: op.outcome == .ok ? (op.completeIndex ?? Int.max) : Int.max, operationID: op.id)
            if let p = index[key] {
                parts[p].entries.append(entry)
                parts[p].operations.append(op)
            } else {
                index[key] = parts.count
                parts.append(Part(key: key, entries: [entry], operations: [op]))
            }
        }
        self.parts = parts
    }
}
