extension Duration {
    /// This duration in milliseconds, with fractions (for reports and benchmarks).
    public var inMilliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }
}
