import History

/// Faults an `InMemoryStore` injects, drawn from its own seeded random numbers: with probability
/// `infoRate` an operation ends in `info` (and took effect or not, half the time each), with
/// probability `failRate` it ends in `fail` without effect. Defaults: no faults.
public struct InMemoryFaults: Sendable {
    enum Draw: Equatable {
        case none
        case fail
        case info(applied: Bool)
    }

    public var infoRate: Double
    public var failRate: Double
    private var random: SplitMix64

    public init(infoRate: Double = 0, failRate: Double = 0, seed: UInt64 = 0) {
        self.infoRate = infoRate
        self.failRate = failRate
        self.random = SplitMix64(seed: seed)
    }

    mutating func draw() -> Draw {
        guard infoRate > 0 || failRate > 0 else { return .none }
        let x = Double(random.next() >> 11) / Double(1 << 53)
        if x < infoRate { return .info(applied: random.next() & 1 == 1) }
        if x < infoRate + failRate { return .fail }
        return .none
    }
}
