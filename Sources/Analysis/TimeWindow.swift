/// A span of a run, in nanoseconds since the run started.
public struct TimeWindow: Sendable, Hashable, Codable {
    public var start: Int64
    public var end: Int64

    public init(start: Int64, end: Int64) {
        self.start = start
        self.end = end
    }

    public var seconds: Double { Double(end - start) / 1e9 }
}
