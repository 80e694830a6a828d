import History

/// The list-append analysis (Elle's): each key's version order is its longest read (every
/// other read must be a prefix of it), and from it
/// - ww: the appender of each element → the appender of the next one;
/// - wr: the appender of a read's last element → the reader;
/// - rw: a reader → the appender of the first element its read did not see;
/// - direct anomalies: G1a (a read shows an element of a failed transaction), G1b (a read ends
///   with an element its appender followed by another append to the key), garbage-read (an
///   element nobody appended), duplicate-elements, incompatible-order (a read that is not a
///   prefix of the longest; that key then gives no ww or rw edge), internal (a read that does
///   not end with the transaction's own appends) and lost-update (two committed transactions
///   read the same version of a key, then both appended to it).
///
/// Elements appended but never read have no known place and give no edge.
struct ListAppendDependencies: DataDependencies {
    private(set) var edges: [DataEdge] = []
    private(set) var anomalies: [Anomaly] = []
    private var keys = KeyTable()
    private var witnesses: [Witness] = []
    /// Per key: its version order (the longest read), and who appended each element.
    private var orders: [[Value]] = []
    /// Appends of committed transactions that no read saw (see `unobservedAppends`); a
    /// witness's `extra` of -i names the i-th.
    private var unobserved: [Value] = []
    /// Per key: the transaction whose read is the version order.
    private var orderReaders: [Int32] = []
    private var appenders: [[Value: Append]] = []
    private let txns: TransactionHistory

    struct Append: Sendable {
        var txn: Int32
        /// False when the same transaction appended to the key again after this element.
        var final: Bool
    }

    struct Read: Sendable {
        var txn: Int32
        var op: Int32
        /// The transaction appends to the key after this read, and had not before it.
        var thenAppends: Bool
    }

    init(_ txns: TransactionHistory) throws(HistoryError) {
        self.txns = txns
        var reads: [[Read]] = []
        try collect(&reads)
        for k in 0..<keys.count { analyze(key: Int32(k), reads: reads[k]) }
    }

    private mutating func key(_ k: Value, _ reads: inout [[Read]]) -> Int32 {
        let id = keys.id(k)
        if Int(id) == appenders.count {
            appenders.append([:])
            reads.append([])
            orders.append([])
            orderReaders.append(-1)
        }
        return id
    }

    /// Records every append (any outcome) and every ok read; checks reads against the
    /// transaction's own appends.
    private mutating func collect(_ reads: inout [[Read]]) throws(HistoryError) {
        for t in txns.transactions {
            let tid = Int32(t.id)
            var lastAppend: [Int32: Value] = [:]
            // Per key: the list last read (nil before any read) and what was appended since.
            var own: [Int32: (read: [Value]?, appended: [Value])] = [:]
            for (i, op) in t.ops.enumerated() {
                switch op {
                case .append(let k, let v):
                    let kid = key(k, &reads)
                    if let other = appenders[Int(kid)][v] {
                        let first = txns.transactions[Int(other.txn)]
                        throw HistoryError(
                            file: txns.history.source, line: t.invokeLine,
                            message: "\(v) is appended to key \(k) twice, here and by the transaction on line \(first.invokeLine); list-append needs unique values per key")
                    }
                    if let previous = lastAppend[kid] { appenders[Int(kid)][previous]!.final = false }
                    appenders[Int(kid)][v] = Append(txn: tid, final: true)
                    lastAppend[kid] = v
                    own[kid, default: (nil, [])].appended.append(v)
                case .read(let k, let value):
                    let kid = key(k, &reads)
                    guard t.outcome == .ok, case .array(let list)? = value else { continue }
                    let mine = own[kid]
                    let appendsLater = t.ops[(i + 1)...].contains { if case .append(let k2, _) = $0 { return k2 == k } else { return false } }
                    reads[Int(kid)].append(Read(txn: tid, op: Int32(i), thenAppends: appendsLater && (mine?.appended.isEmpty ?? true)))
                    if let mine { checkOwn(t, key: k, list: list, mine) }
                    own[kid] = (list, [])
                case .write:
                    continue
                }
            }
        }
    }

    /// A read must show the transaction's own earlier appends at its end, after the list the
    /// transaction last read of the key.
    private mutating func checkOwn(_ t: Transaction, key: Value, list: [Value], _ mine: (read: [Value]?, appended: [Value])) {
        let expected: String
        if let before = mine.read {
            if list == before + mine.appended { return }
            expected = ValueText.short(.array(before + mine.appended))
        } else {
            if list.count >= mine.appended.count && Array(list.suffix(mine.appended.count)) == mine.appended { return }
            expected = "a list ending in \(ValueText.short(.array(mine.appended)))"
        }
        anomalies.append(
            Anomaly(
                kind: .internal, transactions: [t.id], key: key,
                explanation: TransactionText.direct(.internal, [t.id], in: txns) { names in
                    "\(names[t.id]!) read key \(key) = \(ValueText.short(.array(list))), but after its own steps it should have read \(expected)."
                }))
    }

    private func writer(_ key: Int32, _ element: Value) -> Append? { appenders[Int(key)][element] }

    private func isNode(_ a: Append?) -> Bool {
        guard let a else { return false }
        return txns.transactions[Int(a.txn)].outcome != .fail
    }

    private func readList(_ r: Read) -> [Value] {
        guard case .read(_, .array(let list)?) = txns.transactions[Int(r.txn)].ops[Int(r.op)] else { return [] }
        return list
    }

    private mutating func witness(_ key: Int32, _ r: Read, _ extra: Int) -> Int32 {
        witnesses.append(Witness(key: key, txn: r.txn, op: r.op, extra: Int32(extra)))
        return Int32(witnesses.count - 1)
    }

    private mutating func analyze(key kid: Int32, reads: [Read]) {
        guard let longest = reads.max(by: { readList($0).count < readList($1).count }) else { return }
        let k = keys.values[Int(kid)]
        let order = readList(longest)
        // Duplicates in the longest read: no order for this key.
        var seen = Set<Value>()
        for v in order where !seen.insert(v).inserted {
            let t = Int(longest.txn)
            anomalies.append(
                Anomaly(
                    kind: .duplicateElements, transactions: [t], key: k,
                    explanation: TransactionText.direct(.duplicateElements, [t], in: txns) { names in
                        "\(names[t]!) read key \(k) = \(ValueText.short(.array(order))), which holds \(v) more than once; each value is appended once."
                    }))
            return
        }
        // Every read must be a prefix of the longest.
        var lengths: [Int] = []
        lengths.reserveCapacity(reads.count)
        for r in reads {
            let list = readList(r)
            if list.count <= order.count && list.elementsEqual(order.prefix(list.count)) {
                lengths.append(list.count)
                continue
            }
            let (a, b) = (Int(r.txn), Int(longest.txn))
            anomalies.append(
                Anomaly(
                    kind: .incompatibleOrder, transactions: [a, b], key: k,
                    explanation: TransactionText.direct(.incompatibleOrder, [a, b], in: txns) { names in
                        "\(names[a]!) read key \(k) = \(ValueText.short(.array(list))) and \(names[b]!) read \(ValueText.short(.array(order))): neither is a prefix of the other, so the key's appends have no single order."
                    }))
            return
        }
        orders[Int(kid)] = order
        orderReaders[Int(kid)] = longest.txn
        directAnomalies(kid, order, reads, lengths)
        // ww along the order.
        if order.count > 1 {
            for p in 0..<(order.count - 1) {
                let (a, b) = (writer(kid, order[p]), writer(kid, order[p + 1]))
                guard isNode(a), isNode(b), a!.txn != b!.txn else { continue }
                edges.append(DataEdge(from: a!.txn, to: b!.txn, kind: .ww, witness: witness(kid, longest, p)))
            }
        }
        for (r, n) in zip(reads, lengths) {
            if n > 0, let w = writer(kid, order[n - 1]), isNode(w), w.txn != r.txn {
                edges.append(DataEdge(from: w.txn, to: r.txn, kind: .wr, witness: witness(kid, r, n - 1)))
            }
            // The next version is the next element by another transaction than the one whose
            // element the read ended with (a read that ends inside a transaction's appends saw
            // an intermediate state, G1b, not a version of its own).
            var next = n
            if n > 0, let last = writer(kid, order[n - 1]) {
                while next < order.count, writer(kid, order[next])?.txn == last.txn { next += 1 }
            }
            if next < order.count, let w = writer(kid, order[next]), isNode(w), w.txn != r.txn {
                edges.append(DataEdge(from: r.txn, to: w.txn, kind: .rw, witness: witness(kid, r, next)))
            }
        }
        unobservedAppends(kid, order, seen, reads, lengths, longest)
        lostUpdates(kid, reads, lengths)
    }

    /// G1a, garbage-read and G1b of one key whose reads agree with `order`.
    private mutating func directAnomalies(_ kid: Int32, _ order: [Value], _ reads: [Read], _ lengths: [Int]) {
        let k = keys.values[Int(kid)]
        func firstReader(containing p: Int) -> Read { zip(reads, lengths).first { $0.1 > p }!.0 }
        for (p, v) in order.enumerated() {
            let w = writer(kid, v)
            if let w, txns.transactions[Int(w.txn)].outcome != .fail { continue }
            let r = Int(firstReader(containing: p).txn)
            if let w {
                let a = Int(w.txn)
                anomalies.append(
                    Anomaly(
                        kind: .g1a, transactions: [r, a], key: k,
                        explanation: TransactionText.direct(.g1a, [r, a], in: txns) { names in
                            "\(names[r]!) read key \(k) and saw \(v), which \(names[a]!) appended; \(names[a]!) failed, so it never committed."
                        }))
            } else {
                anomalies.append(
                    Anomaly(
                        kind: .garbageRead, transactions: [r], key: k,
                        explanation: TransactionText.direct(.garbageRead, [r], in: txns) { names in
                            "\(names[r]!) read key \(k) and saw \(v), which no transaction appended to it."
                        }))
            }
        }
        for (r, n) in zip(reads, lengths) where n > 0 {
            guard let w = writer(kid, order[n - 1]), !w.final, w.txn != r.txn,
                txns.transactions[Int(w.txn)].outcome != .fail
            else { continue }
            let (a, b) = (Int(r.txn), Int(w.txn))
            let v = order[n - 1]
            anomalies.append(
                Anomaly(
                    kind: .g1b, transactions: [a, b], key: k,
                    explanation: TransactionText.direct(.g1b, [a, b], in: txns) { names in
                        "\(names[a]!) read key \(k) = \(ValueText.short(.array(Array(order.prefix(n))))), ending at \(v), but \(names[b]!) appended more to key \(k) after \(v): \(names[a]!) saw an intermediate state of \(names[b]!)."
                    }))
        }
    }

    /// An append of a committed transaction that no read saw is in the key's final list, so
    /// after every element read: ww from the appender of the last element read, rw from every
    /// read of the whole order. (A read that missed an acknowledged append is how a lost
    /// append shows.) Appends of `info` transactions may never have happened and give nothing.
    private mutating func unobservedAppends(
        _ kid: Int32, _ order: [Value], _ observed: Set<Value>, _ reads: [Read], _ lengths: [Int], _ longest: Read
    ) {
        let last = order.last.flatMap { writer(kid, $0) }
        let full = zip(reads, lengths).filter { $0.1 == order.count }.map(\.0)
        for (v, a) in appenders[Int(kid)] where !observed.contains(v) && txns.transactions[Int(a.txn)].outcome == .ok {
            unobserved.append(v)
            let marker = -unobserved.count
            if let last, isNode(last), last.txn != a.txn {
                edges.append(DataEdge(from: last.txn, to: a.txn, kind: .ww, witness: witness(kid, longest, marker)))
            }
            for r in full where r.txn != a.txn {
                edges.append(DataEdge(from: r.txn, to: a.txn, kind: .rw, witness: witness(kid, r, marker)))
            }
        }
    }

    /// Two committed transactions that read the same version of a key and then both appended
    /// to it: whichever serializes second should have seen the other's append.
    private mutating func lostUpdates(_ kid: Int32, _ reads: [Read], _ lengths: [Int]) {
        var byLength: [Int: [Int]] = [:]
        for (r, n) in zip(reads, lengths) where r.thenAppends { byLength[n, default: []].append(Int(r.txn)) }
        let k = keys.values[Int(kid)]
        for (n, group) in byLength.sorted(by: { $0.key < $1.key }) where Set(group).count > 1 {
            let ids = Array(Set(group)).sorted()
            let list = ValueText.short(.array(Array(orders[Int(kid)].prefix(n))))
            anomalies.append(
                Anomaly(
                    kind: .lostUpdate, transactions: ids, key: k,
                    explanation: TransactionText.direct(.lostUpdate, ids, in: txns) { names in
                        "\(ids.map { names[$0]! }.joined(separator: " and ")) all read key \(k) = \(list) and then appended to it: in any serial order the later one would have read the earlier one's append."
                    }))
        }
    }

    func explain(_ witness: Int32, kind: DependencyKind, from: String, to: String, name: (Int) -> String) -> String {
        let w = witnesses[Int(witness)]
        let k = keys.values[Int(w.key)]
        let order = orders[Int(w.key)]
        let p = Int(w.extra)
        let prefix = { (n: Int) in ValueText.short(.array(Array(order.prefix(n)))) }
        let evidence = "as \(name(Int(orderReaders[Int(w.key)]))) read key \(k) = \(prefix(order.count))"
        if p < 0 {
            let v = unobserved[-p - 1]
            let read = readList(Read(txn: w.txn, op: w.op, thenAppends: false))
            let after = "\(to) appended \(v) to key \(k) and committed, yet no read saw it: it comes after every element read, \(evidence)"
            return kind == .ww
                ? "\(after), so after \(from)'s \(order.last.map(\.description) ?? "")."
                : "\(from) read key \(k) = \(ValueText.short(.array(read))), without \(v); \(after)."
        }
        switch kind {
        case .ww:
            return "\(to) appended \(order[p + 1]) to key \(k) right after \(from)'s \(order[p]), \(evidence)."
        case .wr:
            return "\(to) read key \(k) = \(prefix(p + 1)), whose last element \(order[p]) \(from) appended."
        case .rw:
            let read = readList(Read(txn: w.txn, op: w.op, thenAppends: false))
            return "\(from) read key \(k) = \(ValueText.short(.array(read))), without \(order[p]), which \(to) appended next, \(evidence)."
        case .process, .realtime:
            return ""
        }
    }
}
