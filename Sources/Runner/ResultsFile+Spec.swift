import Linearizability
import RunRecord
import Workload

extension ResultsFile {
    /// The results of a run of `spec`: what it ran as the spec says, and what it observed.
    /// `failure`: when given, the verdict is `unknown` whatever `check` says.
    public init(spec: TestSpec, seed: UInt64, summary: RunSummary, check: CheckResult,
                versions: [String: String], hosts: [String], interrupted: Bool, failure: String? = nil,
                reproduce: String? = nil) {
        self.init(test: spec.name,
                  database: DatabaseInfo(kind: spec.database.kind, parameters: spec.database.parameters, versions: versions),
                  workload: spec.workload.kind, timeLimitSeconds: spec.timeLimit.inMilliseconds / 1000,
                  specFile: spec.file, seed: seed, summary: summary, check: check, hosts: hosts,
                  interrupted: interrupted, failure: failure, reproduce: reproduce)
    }
}

extension HistoryChecking.Outcome {
    /// The transaction checker's findings as `results.json` stores them; nil for linearizability.
    var stored: StoredTransactionCheck? {
        guard let transactions, let history else { return nil }
        return StoredTransactionCheck(transactions, history: history)
    }
}
