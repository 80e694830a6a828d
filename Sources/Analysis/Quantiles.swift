/// Latency quantiles of a set of operations, in milliseconds.
public struct LatencyQuantiles: Sendable, Hashable, Codable {
    public var count: Int
    public var p50: Double
    public var p99: Double
    public var max: Double

    public static let empty = LatencyQuantiles(count: 0, p50: 0, p99: 0, max: 0)

    public init(count: Int, p50: Double, p99: Double, max: Double) {
        self.count = count
        self.p50 = p50
        self.p99 = p99
        self.max = max
    }

    /// Nearest-rank quantiles of `latencies` (nanoseconds).
    public init(nanoseconds latencies: [Int64]) {
        guard !latencies.isEmpty else { self = .empty; return }
        let sorted = latencies.sorted()
        func rank(_ q: Double) -> Double {
            let i = Swift.max(0, Swift.min(sorted.count - 1, Int((q * Double(sorted.count)).rounded(.up)) - 1))
            return Double(sorted[i]) / 1e6
        }
        self.init(count: sorted.count, p50: rank(0.5), p99: rank(0.99), max: Double(sorted.last!) / 1e6)
    }
}
