import Analysis
import History

extension RunStore {
    /// The run's metrics: as stored in its results.json when the run was recorded, else (runs
    /// stored before results.json held them) measured from its stored history and leader
    /// samples; nil when they cannot be read.
    public func metrics() -> RunMetrics? {
        if let stored = try? ResultsFile.read(path: resultsPath).metrics { return stored }
        guard let history = try? JSONLHistory.read(path: historyPath, allowTruncatedTail: true),
              let operations = try? history.operations() else { return nil }
        return measure(events: history.events, operations: operations)
    }

    /// The metrics of `events` (the run's history) with the leader samples stored beside it;
    /// nil when those cannot be read. Computed once, when the run is recorded.
    public func measure(events: [Event], operations: [HistoryOperation]) -> RunMetrics? {
        guard let leaders = try? LeaderSample.read(path: leadersPath) else { return nil }
        return RunMetrics.measure(events: events, operations: operations, leaders: leaders)
    }
}
