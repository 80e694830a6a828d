import Analysis
import History
import Histogram

/// The figures a run prints and stores: how many operations, how they ended, how fast.
public struct RunSummary: Sendable, Codable, Equatable {
    public var operations: Int
    public var ok: Int
    public var fail: Int
    public var info: Int
    /// From the first invocation to the last event, in seconds.
    public var seconds: Double
    /// Completed operations (ok or fail) per second.
    public var throughput: Double
    /// Latency of ok operations, in milliseconds.
    public var latencyP50: Double
    public var latencyP99: Double
    public var latencyMax: Double
    /// The fault kinds the history records as in effect at least once, in the order they were
    /// first applied (a fault asked for but never in effect is not here). nil in older files.
    public var faultsInEffect: [String]?

    /// Computes the summary of client operations in `operations` (nemesis events aside).
    public init(_ operations: [HistoryOperation], events: [Event]) {
        self.operations = operations.count
        ok = operations.filter { $0.outcome == .ok }.count
        fail = operations.filter { $0.outcome == .fail }.count
        info = operations.count - ok - fail
        let times = events.compactMap(\.time)
        seconds = Double((times.max() ?? 0) - (times.min() ?? 0)) / 1e9
        throughput = seconds > 0 ? Double(ok + fail) / seconds : 0
        var histogram = Histogram<UInt64>(highestTrackableValue: 3_600_000_000_000, numberOfSignificantValueDigits: .three)
        for op in operations where op.outcome == .ok {
            guard let start = op.invokeTime, let end = op.completeTime, end >= start else { continue }
            _ = histogram.record(UInt64(max(end - start, 1)))
        }
        let ms = { (ns: UInt64) in Double(ns) / 1e6 }
        latencyP50 = histogram.totalCount > 0 ? ms(histogram.valueAtPercentile(50)) : 0
        latencyP99 = histogram.totalCount > 0 ? ms(histogram.valueAtPercentile(99)) : 0
        latencyMax = histogram.totalCount > 0 ? ms(histogram.max) : 0
        var kinds: [String] = []
        for fault in FaultInterval.faults(in: events) where fault.inEffect && !kinds.contains(fault.kind) { kinds.append(fault.kind) }
        faultsInEffect = kinds
    }

    /// One line for the terminal.
    public var line: String {
        func f(_ x: Double) -> String { String(format: "%.1f", x) }
        return "\(operations) operations (\(ok) ok, \(fail) fail, \(info) info) in \(f(seconds)) s, "
            + "\(f(throughput)) ops/s, latency p50 \(f(latencyP50)) ms, p99 \(f(latencyP99)) ms"
    }
}
