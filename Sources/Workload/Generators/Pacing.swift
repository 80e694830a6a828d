/// When a worker may start its next load request: the time limit, its share of the operation
/// limit, and its share of the overall rate.
struct Pacing: Sendable {
    enum Admission: Equatable {
        case go
        case wait(until: Duration)
        /// The load phase is over for this worker.
        case over
    }

    let timeLimit: Duration
    /// The least time between two requests of this worker; nil without a rate limit.
    let interval: Duration?
    /// Load requests left for this worker; nil without an operation limit.
    private var remaining: Int?
    private var nextSlot: Duration

    init(worker: Int, concurrency: Int, timeLimit: Duration, rate: Double?, operationLimit: Int?) {
        self.timeLimit = timeLimit
        if let rate {
            // Each of C workers at R/C ops/s, worker w starting w/R seconds in.
            interval = .seconds(Double(concurrency) / rate)
            nextSlot = .seconds(Double(worker) / rate)
        } else {
            interval = nil
            nextSlot = .zero
        }
        remaining = operationLimit.map { $0 / concurrency + (worker < $0 % concurrency ? 1 : 0) }
    }

    /// Whether a request may start at `elapsed`; `.go` counts it as started.
    mutating func admit(at elapsed: Duration) -> Admission {
        if elapsed >= timeLimit || remaining == 0 { return .over }
        if let interval {
            if elapsed < nextSlot { return .wait(until: min(nextSlot, timeLimit)) }
            // A worker that fell behind starts again from now instead of catching up in a burst.
            nextSlot = max(nextSlot, elapsed - interval) + interval
        }
        if let left = remaining { remaining = left - 1 }
        return .go
    }
}
