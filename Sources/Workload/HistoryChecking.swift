import History
import Linearizability
import Transactions

/// How a run's history is judged: for linearizability under a model from an initial value, or
/// by the transaction checker against a consistency model.
public enum HistoryChecking: Sendable, Hashable {
    case linearizable(BuiltInModel, initial: Value)
    case transactional(TransactionModel, ConsistencyModel)

    /// The model's name as stored with a run (`cas-register`, `list-append`, …).
    public var modelName: String {
        switch self {
        case .linearizable(let m, _): return m.rawValue
        case .transactional(let m, _): return m.rawValue
        }
    }

    /// What is stored beside the model name: the initial value, or the consistency model.
    public var detail: String {
        switch self {
        case .linearizable(_, let initial): return initial.description
        case .transactional(_, let c): return c.rawValue
        }
    }

    /// The checking stored as `modelName` and `detail`; nil for a name Faultline does not have.
    public init?(modelName: String, detail: String) {
        if let m = BuiltInModel(rawValue: modelName) {
            self = .linearizable(m, initial: Value(literal: detail))
        } else if let m = TransactionModel(rawValue: modelName) {
            self = .transactional(m, ConsistencyModel(rawValue: detail) ?? .strictSerializable)
        } else {
            return nil
        }
    }

    /// The result of a check: the verdict in the linearizability checker's shape (a transactional
    /// check is one partition, its transactions the operations), and the transaction checker's
    /// own result when it judged.
    public struct Outcome: Sendable {
        public var check: CheckResult
        public var transactions: TransactionCheckResult?
        /// The transactions the checker read (for naming them in explanations).
        public var history: TransactionHistory?
    }

    /// Checks `history` within `timeout`.
    /// - Throws: `HistoryError` for events the workload cannot read (file:line), `ModelError`
    ///   for values the model cannot interpret.
    public func check(_ history: History, timeout: Duration) async throws -> Outcome {
        switch self {
        case .linearizable(let model, let initial):
            var options = CheckOptions()
            options.timeout = timeout
            let operations = try history.operations()
            return Outcome(check: try await model.check(operations, initial: initial, options: options), transactions: nil, history: nil)
        case .transactional(let model, let consistency):
            let txns = try TransactionHistory(history, model: model)
            let result = try await offPool {
                try txns.check(options: TransactionCheckOptions(consistency: consistency, timeout: timeout))
            }
            let verdict = Verdict(rawValue: result.verdict.rawValue) ?? .unknown
            let partition = PartitionResult(
                key: nil, operations: result.transactions, verdict: verdict, reason: result.incomplete,
                elapsed: result.elapsed, nodes: 0)
            let check = CheckResult(
                verdict: verdict, model: model.rawValue, operations: result.transactions, partitions: [partition],
                counterexample: nil, elapsed: result.elapsed)
            return Outcome(check: check, transactions: result, history: txns)
        }
    }

}
