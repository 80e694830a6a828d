/// What to hold a transactional history to, and how long to look.
public struct TransactionCheckOptions: Sendable {
    /// The model the verdict is about (default strict-serializable).
    public var consistency: ConsistencyModel = .strictSerializable
    /// Time budget of the cycle search; past it, unsearched components leave the verdict
    /// unknown unless an anomaly the model forbids was already found.
    public var timeout: Duration = .seconds(60)
    /// Edges a search may look at per component and anomaly class once it found a cycle, to
    /// look for a shorter one.
    public var refineBudget = 2_000_000

    public init(consistency: ConsistencyModel = .strictSerializable, timeout: Duration = .seconds(60)) {
        self.consistency = consistency
        self.timeout = timeout
    }
}

/// The verdict about one consistency model.
public enum ConsistencyVerdict: String, Sendable {
    /// No anomaly the model forbids, and the search was complete.
    case valid
    /// Some anomaly the model forbids was found.
    case invalid
    /// None found, but the search stopped early (time budget).
    case unknown
}

/// The result of checking one transactional history.
public struct TransactionCheckResult: Sendable {
    /// The workload the history was read as.
    public var model: TransactionModel
    /// The model the verdict is about.
    public var consistency: ConsistencyModel
    /// Invalid when an anomaly `consistency` forbids was found; unknown when none was but the
    /// search of a class it forbids stopped early; else valid.
    public var verdict: ConsistencyVerdict
    /// Transactions in the history (every outcome).
    public var transactions: Int
    /// Every anomaly found, direct ones first, then cycles, each class in `AnomalyClass` order;
    /// one cycle per class and strongly connected component (the shortest found).
    public var anomalies: [Anomaly]
    /// Why the search stopped early; nil when it was complete.
    public var incomplete: String?
    /// Edges of the dependency graph, by kind.
    public var edgeCounts: [DependencyKind: Int]
    /// Strongly connected components of two or more transactions (all edges).
    public var cyclicComponents: Int
    /// Wall time of the check, reading the transactions included.
    public var elapsed: Duration

    /// The anomalies the chosen model forbids.
    public var forbidden: [Anomaly] { anomalies.filter { consistency.forbids($0.kind) } }

    /// Anomaly counts by class, in class order.
    public var counts: [(AnomalyClass, Int)] {
        var c: [AnomalyClass: Int] = [:]
        for a in anomalies { c[a.kind, default: 0] += 1 }
        return c.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// The models no anomaly found rules out (valid as far as this check can tell).
    public var modelsNotRuledOut: [ConsistencyModel] {
        ConsistencyModel.allCases.filter { m in !anomalies.contains { m.forbids($0.kind) } }
    }
}
