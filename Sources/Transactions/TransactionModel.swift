import History

/// The transactional workloads Faultline checks, by the names the command line uses.
public enum TransactionModel: String, Sendable, CaseIterable {
    /// Appends of unique values to lists, and reads of whole lists (`append`, `r`).
    case listAppend = "list-append"
    /// Writes of unique values to registers, and reads (`w`, `r`).
    case rwRegister = "rw-register"

    /// The micro-operation names this workload accepts besides `r`.
    var writeName: String {
        switch self {
        case .listAppend: return "append"
        case .rwRegister: return "w"
        }
    }

    /// Checks `history` against `options.consistency`: reads its transactions
    /// (`TransactionHistory`), infers the dependency graph, and reports every anomaly found.
    ///
    /// - Throws: `HistoryError` (file:line) for an event whose value is not a transaction of this
    ///   workload, or a value appended or written twice to one key.
    public func check(_ history: History, options: TransactionCheckOptions = TransactionCheckOptions())
        throws(HistoryError) -> TransactionCheckResult
    {
        try TransactionHistory(history, model: self).check(options: options)
    }
}
