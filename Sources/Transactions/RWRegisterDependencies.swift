import History

/// The rw-register analysis: values written are unique per key, so a read names its writer.
/// Inferred, and nothing more (sound under every model):
/// - wr: the writer of the value a transaction read → the reader (only a transaction's reads
///   of a key before it writes that key count; its last write of a key is the version it
///   installs);
/// - version order, where it is known: the initial state (nil) comes before every write of the
///   key, and a transaction that read v and then wrote v' installed v' after v; from these,
///   ww (v's writer → v''s writer) and rw (every reader of nil → each writer of the key; every
///   other reader of v → the transaction that overwrote v);
/// - direct anomalies: G1a (a read of a failed transaction's write), G1b (a read of a value its
///   writer overwrote in the same transaction), garbage-read (a value nobody wrote), internal (a
///   read that disagrees with the transaction's own earlier write or read) and lost-update (two
///   committed transactions read the same version of a key and both wrote it).
///
/// Real-time order is not used to order versions (it would hold only under strict models).
struct RWRegisterDependencies: DataDependencies {
    private(set) var edges: [DataEdge] = []
    private(set) var anomalies: [Anomaly] = []
    private var keys = KeyTable()
    private var witnesses: [Witness] = []
    private let txns: TransactionHistory

    struct Write: Sendable {
        var txn: Int32
        var op: Int32
        /// False when the same transaction wrote the key again afterwards.
        var final: Bool
    }

    struct Read: Sendable {
        var txn: Int32
        var op: Int32
        var value: Value
        /// The op index of the transaction's later final write of this key, or -1.
        var thenWrites: Int32
    }

    private var writers: [[Value: Write]] = []

    init(_ txns: TransactionHistory) throws(HistoryError) {
        self.txns = txns
        var reads: [[Read]] = []
        try collect(&reads)
        for k in 0..<keys.count { analyze(key: Int32(k), reads: reads[k]) }
    }

    private mutating func key(_ k: Value, _ reads: inout [[Read]]) -> Int32 {
        let id = keys.id(k)
        if Int(id) == writers.count {
            writers.append([:])
            reads.append([])
        }
        return id
    }

    private mutating func collect(_ reads: inout [[Read]]) throws(HistoryError) {
        for t in txns.transactions {
            let tid = Int32(t.id)
            var lastWrite: [Int32: Int] = [:]
            // Per key: what the transaction itself knows the key holds (its last read or write).
            var known: [Int32: (value: Value, wrote: Bool)] = [:]
            var pendingReads: [(key: Int32, index: Int)] = []
            for (i, op) in t.ops.enumerated() {
                switch op {
                case .write(let k, let v):
                    let kid = key(k, &reads)
                    if let other = writers[Int(kid)][v] {
                        let first = txns.transactions[Int(other.txn)]
                        throw HistoryError(
                            file: txns.history.source, line: t.invokeLine,
                            message: "\(v) is written to key \(k) twice, here and by the transaction on line \(first.invokeLine); rw-register needs unique values per key")
                    }
                    if let previous = lastWrite[kid], case .write(_, let pv) = t.ops[previous] {
                        writers[Int(kid)][pv]!.final = false
                    }
                    writers[Int(kid)][v] = Write(txn: tid, op: Int32(i), final: true)
                    lastWrite[kid] = i
                    known[kid] = (v, true)
                case .read(let k, let value):
                    let kid = key(k, &reads)
                    guard t.outcome == .ok, let value else { continue }
                    if let mine = known[kid] {
                        if mine.value != value {
                            anomalies.append(internalAnomaly(t, key: k, read: value, expected: mine.value, wrote: mine.wrote))
                        }
                        continue
                    }
                    known[kid] = (value, false)
                    pendingReads.append((kid, reads[Int(kid)].count))
                    reads[Int(kid)].append(Read(txn: tid, op: Int32(i), value: value, thenWrites: -1))
                case .append:
                    continue
                }
            }
            for (kid, index) in pendingReads {
                if let w = lastWrite[kid] { reads[Int(kid)][index].thenWrites = Int32(w) }
            }
        }
    }

    private func internalAnomaly(_ t: Transaction, key: Value, read: Value, expected: Value, wrote: Bool) -> Anomaly {
        Anomaly(
            kind: .internal, transactions: [t.id], key: key,
            explanation: TransactionText.direct(.internal, [t.id], in: txns) { names in
                "\(names[t.id]!) read key \(key) = \(read) after it had \(wrote ? "written" : "read") \(expected) there itself."
            })
    }

    private func isNode(_ txn: Int32) -> Bool { txns.transactions[Int(txn)].outcome != .fail }

    private mutating func witness(_ key: Int32, _ txn: Int32, _ op: Int32, _ extra: Int32) -> Int32 {
        witnesses.append(Witness(key: key, txn: txn, op: op, extra: extra))
        return Int32(witnesses.count - 1)
    }

    private mutating func analyze(key kid: Int32, reads: [Read]) {
        let k = keys.values[Int(kid)]
        var readersOf: [Value: [Read]] = [:]
        for r in reads { readersOf[r.value, default: []].append(r) }
        for r in reads where r.value != .null {
            guard let w = writers[Int(kid)][r.value] else {
                let t = Int(r.txn)
                anomalies.append(
                    Anomaly(
                        kind: .garbageRead, transactions: [t], key: k,
                        explanation: TransactionText.direct(.garbageRead, [t], in: txns) { names in
                            "\(names[t]!) read key \(k) = \(r.value), which no transaction wrote."
                        }))
                continue
            }
            let (a, b) = (Int(r.txn), Int(w.txn))
            if !isNode(w.txn) {
                anomalies.append(
                    Anomaly(
                        kind: .g1a, transactions: [a, b], key: k,
                        explanation: TransactionText.direct(.g1a, [a, b], in: txns) { names in
                            "\(names[a]!) read key \(k) = \(r.value), which \(names[b]!) wrote; \(names[b]!) failed, so it never committed."
                        }))
                continue
            }
            if !w.final {
                anomalies.append(
                    Anomaly(
                        kind: .g1b, transactions: [a, b], key: k,
                        explanation: TransactionText.direct(.g1b, [a, b], in: txns) { names in
                            "\(names[a]!) read key \(k) = \(r.value), which \(names[b]!) wrote and then overwrote in the same transaction: an intermediate state."
                        }))
            }
            edges.append(DataEdge(from: w.txn, to: r.txn, kind: .wr, witness: witness(kid, r.txn, r.op, -1)))
        }
        // The initial state comes before every write.
        if let nilReaders = readersOf[.null] {
            for (_, w) in writers[Int(kid)] where w.final && isNode(w.txn) {
                for r in nilReaders where r.txn != w.txn {
                    edges.append(DataEdge(from: r.txn, to: w.txn, kind: .rw, witness: witness(kid, r.txn, r.op, w.op)))
                }
            }
        }
        // A transaction that read v and then wrote the key installed its version after v.
        var overwriters: [Value: [Read]] = [:]
        for r in reads where r.thenWrites >= 0 {
            overwriters[r.value, default: []].append(r)
            if r.value != .null, let w = writers[Int(kid)][r.value], isNode(w.txn), w.txn != r.txn {
                edges.append(DataEdge(from: w.txn, to: r.txn, kind: .ww, witness: witness(kid, r.txn, r.op, r.thenWrites)))
            }
            for other in readersOf[r.value] ?? [] where other.txn != r.txn && r.value != .null {
                edges.append(DataEdge(from: other.txn, to: r.txn, kind: .rw, witness: witness(kid, other.txn, other.op, r.thenWrites)))
            }
        }
        for (v, group) in overwriters where Set(group.map(\.txn)).count > 1 {
            let ids = Array(Set(group.map { Int($0.txn) })).sorted()
            anomalies.append(
                Anomaly(
                    kind: .lostUpdate, transactions: ids, key: k,
                    explanation: TransactionText.direct(.lostUpdate, ids, in: txns) { names in
                        "\(ids.map { names[$0]! }.joined(separator: " and ")) all read key \(k) = \(v) and then wrote it: in any serial order the later one would have read the earlier one's write."
                    }))
        }
    }

    func explain(_ witness: Int32, kind: DependencyKind, from: String, to: String, name: (Int) -> String) -> String {
        let w = witnesses[Int(witness)]
        let k = keys.values[Int(w.key)]
        let t = txns.transactions[Int(w.txn)]
        guard case .read(_, let read?) = t.ops[Int(w.op)] else { return "" }
        func written(_ txn: Transaction, _ op: Int32) -> Value {
            if case .write(_, let v) = txn.ops[Int(op)] { return v }
            return .null
        }
        switch kind {
        case .wr:
            return "\(to) read key \(k) = \(read), which \(from) wrote."
        case .ww:
            return "\(to) read key \(k) = \(read), which \(from) wrote, and then wrote \(written(t, w.extra)) over it."
        case .rw:
            if read == .null {
                // `to` is the writer; its write op is `extra`.
                return "\(from) read key \(k) = nil, the initial state, which comes before every write of it, such as \(to)'s."
            }
            return "\(from) read key \(k) = \(read), and \(to) read that value too and then overwrote it with a later version."
        case .process, .realtime:
            return ""
        }
    }
}
