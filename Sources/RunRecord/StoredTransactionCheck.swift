import History
import Transactions

/// What the transaction checker found in a run's history (list-append, rw-register), as stored
/// in `results.json` (`transactions`): the verdict about the consistency model the spec holds
/// it to, the anomaly counts, and each anomaly with its transactions, the edges of its cycle and
/// the explanation, so the report can draw it without checking again.
public struct StoredTransactionCheck: Codable, Sendable, Equatable {
    /// One transaction of an anomaly.
    public struct Transaction: Codable, Sendable, Equatable {
        /// Index of its invocation event in `history.jsonl`.
        public var index: Int
        public var line: Int
        public var completeLine: Int?
        public var process: String
        public var outcome: String
        /// Its steps as Jepsen prints them, `[append 5 1] [r 6 [1 2]]`.
        public var ops: String
    }

    /// One edge of a cycle: `from` must come before `to` (indices into the anomaly's
    /// `transactions`), of dependency `type` (ww, wr, rw, process, realtime), and why.
    public struct Edge: Codable, Sendable, Equatable {
        public var from: Int
        public var to: Int
        public var type: String
        public var reason: String
    }

    public struct Anomaly: Codable, Sendable, Equatable {
        /// The anomaly class (`G-single`, `G1c-realtime`, `lost-update`, …).
        public var type: String
        /// The consistency models it rules out.
        public var rulesOut: [String]
        public var key: String?
        public var transactions: [Transaction]
        /// For a cycle, its edges in cycle order; empty for a direct anomaly.
        public var cycle: [Edge]
        public var explanation: [String]
    }

    /// `list-append` or `rw-register`.
    public var model: String
    public var consistency: String
    public var verdict: String
    public var transactions: Int
    public var anomalyCounts: [String: Int]
    /// The first `keptPerClass` anomalies of each class (the counts have them all).
    public var anomalies: [Anomaly]
    /// The models no anomaly found rules out.
    public var consistentWith: [String]
    /// Why the search stopped early; nil when it was complete.
    public var incomplete: String?
    public var edgeCounts: [String: Int]
    public var cyclicComponents: Int

    /// Anomalies of one class kept in the file.
    public static let keptPerClass = 10

    public init(_ result: TransactionCheckResult, history txns: TransactionHistory) {
        model = result.model.rawValue
        consistency = result.consistency.rawValue
        verdict = result.verdict.rawValue
        transactions = result.transactions
        anomalyCounts = Dictionary(uniqueKeysWithValues: result.counts.map { ($0.0.rawValue, $0.1) })
        var kept: [AnomalyClass: Int] = [:]
        anomalies = result.anomalies.filter { a in
            kept[a.kind, default: 0] += 1
            return kept[a.kind]! <= Self.keptPerClass
        }.map { Self.anomaly($0, txns) }
        consistentWith = result.modelsNotRuledOut.map(\.rawValue)
        incomplete = result.incomplete
        edgeCounts = Dictionary(uniqueKeysWithValues: result.edgeCounts.map { ($0.key.name, $0.value) })
        cyclicComponents = result.cyclicComponents
    }

    /// One anomaly as stored (also `faultline check --json`'s shape of it).
    public static func anomaly(_ a: Transactions.Anomaly, _ txns: TransactionHistory) -> Anomaly {
        let position = Dictionary(a.transactions.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        return Anomaly(
            type: a.kind.rawValue,
            rulesOut: ConsistencyModel.allCases.filter { $0.forbids(a.kind) }.map(\.rawValue),
            key: a.key?.description,
            transactions: a.transactions.map { id in
                let t = txns.transactions[id]
                return Transaction(index: t.invokeIndex, line: t.invokeLine, completeLine: t.completeLine,
                                   process: t.process.description, outcome: t.outcome.rawValue, ops: t.opsText)
            },
            cycle: a.steps.map { s in
                Edge(from: position[s.from] ?? 0, to: position[s.to] ?? 0, type: s.kind.name, reason: s.reason)
            },
            explanation: a.explanation)
    }
}
