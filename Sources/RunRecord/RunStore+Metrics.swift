import Analysis
import History

extension RunStore {
    /// The run's metrics from its stored history and leader samples; nil when they cannot be
    /// read.
    public func metrics() -> RunMetrics? {
        guard let history = try? JSONLHistory.read(path: historyPath),
              let operations = try? history.operations(),
              let leaders = try? LeaderSample.read(path: leadersPath) else { return nil }
        return RunMetrics.measure(events: history.events, operations: operations, leaders: leaders)
    }
}
