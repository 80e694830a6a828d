// The Transactions target: the transaction checker (Elle-style): list-append and rw-register, dependency graph, anomalies.

import History

/// One anomaly found in a history, with the transactions that show it and why.
public struct Anomaly: Sendable {
    /// One edge of a cycle: `from` must come before `to`, and why.
    public struct Step: Sendable {
        public var from: Int
        public var to: Int
        public var kind: DependencyKind
        /// The evidence, in a sentence naming the transactions as in `names`.
        public var reason: String
    }

    public var kind: AnomalyClass
    /// The transactions (ids into `TransactionHistory.transactions`); for a cycle, in cycle order.
    public var transactions: [Int]
    /// For a cycle, its edges: `steps[i]` goes from `transactions[i]` to the next one (the last
    /// back to the first). Empty for a direct anomaly.
    public var steps: [Step]
    /// The key, for an anomaly about one key.
    public var key: Value?
    /// The story in plain sentences: the transactions with their history lines, each edge and
    /// why it exists, and what it rules out.
    public var explanation: [String]

    public init(kind: AnomalyClass, transactions: [Int], steps: [Step] = [], key: Value? = nil, explanation: [String]) {
        self.kind = kind
        self.transactions = transactions
        self.steps = steps
        self.key = key
        self.explanation = explanation
    }
}

/// How explanations name and show transactions.
enum TransactionText {
    /// `T1 (process 3, lines 12–13, ok): [append 5 1] [r 6 [1 2]]`.
    static func line(_ name: String, _ t: Transaction) -> String {
        "\(name) (process \(t.process), \(t.lineRange), \(t.outcome.rawValue)): \(t.opsText)"
    }

    /// `the transaction on lines 12–13`, for a transaction outside the named ones.
    static func reference(_ t: Transaction) -> String { "the transaction on \(t.lineRange)" }

    /// Names T1, T2, … for `ids` in order, each followed by its line.
    static func listing(_ ids: [Int], in txns: TransactionHistory) -> (names: [Int: String], lines: [String]) {
        var names: [Int: String] = [:]
        var lines: [String] = []
        for id in ids where names[id] == nil {
            let name = "T\(names.count + 1)"
            names[id] = name
            lines.append(line(name, txns.transactions[id]))
        }
        return (names, lines)
    }

    /// The sentence naming the models an anomaly rules out.
    static func rulesOut(_ kind: AnomalyClass) -> String {
        let models = ConsistencyModel.allCases.filter { kind.rulesOut.contains($0) }.map(\.rawValue)
        return "\(kind.rawValue) (\(kind.meaning)) rules out \(models.joined(separator: ", "))."
    }

    /// A direct anomaly's explanation: the transactions, then `what`, then what it rules out.
    static func direct(_ kind: AnomalyClass, _ ids: [Int], in txns: TransactionHistory, _ what: ([Int: String]) -> String)
        -> [String]
    {
        let (names, lines) = listing(ids, in: txns)
        return lines + [what(names), rulesOut(kind)]
    }
}
