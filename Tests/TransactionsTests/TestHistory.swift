import History
@testable import Transactions

/// Hand-built transactional histories: transactions written with their results, run
/// concurrently (all invoked, then all completed: no real-time order between them) or one
/// after another.
struct TestHistory {
    private(set) var history = History(events: [], source: "test.jsonl", lines: [])
    private var count = 0

    /// `[append k v]`, `[w k v]`, `[r k result]`.
    static func a(_ k: Int, _ v: Int) -> Value { ["append", .int(k), .int(v)] }
    static func w(_ k: Int, _ v: Int) -> Value { ["w", .int(k), .int(v)] }
    static func r(_ k: Int, _ list: [Int]) -> Value { ["r", .int(k), .array(list.map { .int($0) })] }
    static func r(_ k: Int, _ v: Int?) -> Value { ["r", .int(k), v.map { .int($0) } ?? .null] }

    /// The invocation's value: reads unknown.
    private static func invocation(_ ops: [Value]) -> Value {
        .array(ops.map { op in
            let p = op.array!
            return p[0] == "r" ? ["r", p[1], .null] : op
        })
    }

    private mutating func emit(_ type: EventType, _ process: Int, _ value: Value) {
        let i = history.events.count
        history.append(Event(index: i, type: type, process: .client(process), f: "txn", value: value), line: i + 1)
    }

    /// Invokes a transaction (`ops` with their results; the invocation leaves reads unknown);
    /// returns its id.
    @discardableResult
    mutating func invoke(_ process: Int, _ ops: [Value]) -> Int {
        emit(.invoke, process, Self.invocation(ops))
        count += 1
        return count - 1
    }

    /// Completes the pending transaction of `process`: ok with `ops` as results, otherwise with
    /// the invocation's value.
    mutating func complete(_ process: Int, _ ops: [Value], _ outcome: EventType = .ok) {
        emit(outcome, process, outcome == .ok ? .array(ops) : Self.invocation(ops))
    }

    /// Transactions invoked together, then completed in the same order (an `invoke` outcome
    /// leaves one pending); returns their ids.
    @discardableResult
    mutating func concurrent(_ txns: [(process: Int, ops: [Value], outcome: EventType)]) -> [Int] {
        let ids = txns.map { invoke($0.process, $0.ops) }
        for t in txns where t.outcome != .invoke { complete(t.process, t.ops, t.outcome) }
        return ids
    }

    /// Concurrent ok transactions, one per process from `firstProcess` on.
    @discardableResult
    mutating func concurrent(_ txns: [[Value]], firstProcess: Int = 0) -> [Int] {
        concurrent(txns.enumerated().map { (firstProcess + $0.offset, $0.element, .ok) })
    }

    /// One transaction, invoked and completed before the next event.
    @discardableResult
    mutating func serial(_ process: Int, _ ops: [Value], _ outcome: EventType = .ok) -> Int {
        concurrent([(process, ops, outcome)])[0]
    }

    func check(_ model: TransactionModel = .listAppend, _ consistency: ConsistencyModel = .strictSerializable) throws
        -> TransactionCheckResult
    {
        try model.check(history, options: TransactionCheckOptions(consistency: consistency))
    }
}

extension TransactionCheckResult {
    /// The anomalies of one class.
    func of(_ kind: AnomalyClass) -> [Anomaly] { anomalies.filter { $0.kind == kind } }

    /// The transaction sets of the anomalies of one class.
    func sets(_ kind: AnomalyClass) -> [Set<Int>] { of(kind).map { Set($0.transactions) } }

    var kinds: Set<AnomalyClass> { Set(anomalies.map(\.kind)) }
}

extension History {
    /// Checks as list-append against `consistency` within `timeout`.
    func checkTransactions(_ consistency: ConsistencyModel, timeout: Duration) throws -> TransactionCheckResult {
        try TransactionModel.listAppend.check(self, options: TransactionCheckOptions(consistency: consistency, timeout: timeout))
    }
}
