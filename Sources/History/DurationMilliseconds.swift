// The History target: events and operations of a history, its readers and writers (JSONL, Jepsen logs, Porcupine kv, Knossos EDN).

extension Duration {
    /// This duration in milliseconds, with fractions (for reports and benchmarks).
    public var inMilliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }
}
