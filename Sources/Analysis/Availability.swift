// The Analysis target: what a run's history and leader samples show: faults in effect, availability, failover, latency (RunMetrics).

import History

/// When clients could get nothing done.
public enum Availability {
    /// The windows of at least `minimumGap` in which no client operation succeeded, while the
    /// clients were working (from the first invocation to the last completion). A window runs
    /// from the last success before it (or the first invocation) to the next success (or the
    /// last completion).
    public static func unavailableWindows(_ operations: [HistoryOperation], minimumGap: Int64) -> [TimeWindow] {
        let invokes = operations.compactMap(\.invokeTime)
        guard let first = invokes.min() else { return [] }
        let last = operations.compactMap { $0.completeTime ?? $0.invokeTime }.max() ?? first
        let successes = operations.compactMap { $0.outcome == .ok ? $0.completeTime : nil }.sorted()
        var windows: [TimeWindow] = []
        var previous = first
        for t in successes + [last] where t >= previous {
            if t - previous >= minimumGap { windows.append(TimeWindow(start: previous, end: t)) }
            previous = t
        }
        return windows
    }

    /// The first operation invoked at or after `time` that succeeded, among `operations`
    /// (sorted by invocation); nil when none did.
    static func firstSuccess(after time: Int64, in operations: [HistoryOperation],
                             where include: (HistoryOperation) -> Bool) -> HistoryOperation? {
        var best: HistoryOperation?
        for op in operations where op.outcome == .ok && include(op) {
            guard let invoked = op.invokeTime, invoked >= time, let done = op.completeTime else { continue }
            if let b = best, let bd = b.completeTime, bd <= done { continue }
            best = op
        }
        return best
    }
}
