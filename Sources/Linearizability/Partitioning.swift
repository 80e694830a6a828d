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
    /// the model's partition key (or keeps one part when `split` is false), parts in the order
    /// their keys first appear.
    init(operations: [HistoryOperation], model: M, split: Bool) throws(ModelError) {
        // Two passes: the first finds each operation's part and counts them, so the second fills
        // arrays reserved to size; growing them entry by entry copied every entry several times,
        // which cost a small history about as much as its search. The operations are read in
        // place (through a buffer pointer), not copied out of the array one by one.
        parts = try operations.withUnsafeBufferPointer { ops throws(ModelError) -> [Part] in
            var keys = KeyTable()
            var partOf = [Int32](repeating: -1, count: ops.count)
            var partKeys: [Value?] = []
            var sizes: [Int] = []
            for k in ops.indices where ops[k].outcome != .fail {
                let p = split ? keys.index(of: model.partitionKey(of: ops[k])) : 0
                if p == sizes.count {
                    sizes.append(0)
                    partKeys.append(split ? model.partitionKey(of: ops[k]) : nil)
                }
                sizes[p] += 1
                partOf[k] = Int32(p)
            }
            var parts: [Part] = sizes.indices.map { p in
                var part = Part(key: partKeys[p], entries: [], indices: [], source: operations)
                part.entries.reserveCapacity(sizes[p])
                part.indices.reserveCapacity(sizes[p])
                return part
            }
            for k in ops.indices where partOf[k] >= 0 {
                guard let (input, output) = try model.entry(for: ops[k]) else { continue }
                let p = Int(partOf[k])
                parts[p].entries.append(SearchEntry<M>(
                    input: input, output: output, call: ops[k].invokeIndex,
                    ret: ops[k].outcome == .ok ? (ops[k].completeIndex ?? Int.max) : Int.max,
                    operationID: ops[k].id))
                parts[p].indices.append(k)
            }
            // A key whose every operation the model left out has no part, as before.
            if parts.contains(where: { $0.entries.isEmpty }) { parts.removeAll { $0.entries.isEmpty } }
            return parts
        }
    }
}

/// Partition keys to part numbers in order of first appearance: an open-addressing table over
/// `Value.memoHash` (a `[Value?: Int]` dictionary hashed every key with SipHash), for keys whose
/// equality is their bytes' (`plainKeyHash`); at the first other key (a string that is not ASCII,
/// which may equal another string canonically, or an array) it moves every key into a dictionary.
private struct KeyTable {
    private var keys: [Value?] = []
    private var table = [Int32](repeating: -1, count: 16)
    private var dictionary: [Value?: Int]?

    /// The part number of `key`, a new one (the count so far) if it was not seen.
    mutating func index(of key: Value?) -> Int {
        if dictionary == nil, let h = Self.hash(key) {
            let mask = table.count - 1
            var slot = Int(truncatingIfNeeded: h ^ (h >> 29)) & mask
            while true {
                let k = Int(table[slot])
                if k < 0 { break }
                if keys[k] == key { return k }
                slot = (slot + 1) & mask
            }
            table[slot] = Int32(keys.count)
            keys.append(key)
            if keys.count * 2 > table.count { grow() }
            return keys.count - 1
        }
        if dictionary == nil {
            dictionary = Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, $0) })
        }
        if let k = dictionary![key] { return k }
        let k = dictionary!.count
        dictionary![key] = k
        return k
    }

    /// `plainKeyHash`, or a constant for no key.
    private static func hash(_ key: Value?) -> UInt64? {
        guard let key else { return 0x3C6E_F372_FE94_F82B }
        return key.plainKeyHash
    }

    private mutating func grow() {
        table = [Int32](repeating: -1, count: table.count * 2)
        let mask = table.count - 1
        for (k, key) in keys.enumerated() {
            let h = Self.hash(key)!
            var slot = Int(truncatingIfNeeded: h ^ (h >> 29)) & mask
            while table[slot] >= 0 { slot = (slot + 1) & mask }
            table[slot] = Int32(k)
        }
    }
}
