/// The generator of one worker: load requests paced by `Pacing`, then a closing request, a quiet
/// period and final reads, as `OperationGenerator` describes.
struct PhasedGenerator<Operations: WorkloadOperations>: OperationGenerator {
    private enum Phase {
        case load
        case closing
        case final(remaining: [OperationRequest], from: Duration)
        case done
    }

    private var operations: Operations
    private var pacing: Pacing
    private var phase = Phase.load
    private var sequence = 0
    private let seed: UInt64
    private let worker: Int
    private let operationTimeout: Duration
    private let readsAtEnd: Bool
    private let quietPeriod: Duration
    private let finalReadTimeout: Duration
    /// A final read that did not answer ok (a leader change, a timeout) is asked again, after a
    /// pause, up to this many times in all for the worker's final reads.
    private var finalRetriesLeft = 0
    /// The final read to ask again, set by `completed`.
    private var retry: OperationRequest?
    static var retryPause: Duration { .milliseconds(250) }
    static var retriesPerFinalRead: Int { 3 }

    init(
        _ operations: Operations, spec: WorkloadSpec, seed: UInt64, worker: Int, readsAtEnd: Bool
    ) {
        self.operations = operations
        self.pacing = Pacing(
            worker: worker, concurrency: spec.concurrency, timeLimit: spec.timeLimit, rate: spec.rate,
            operationLimit: spec.operationLimit)
        self.seed = seed
        self.worker = worker
        self.operationTimeout = spec.operationTimeout
        self.readsAtEnd = readsAtEnd
        self.quietPeriod = spec.quietPeriod
        self.finalReadTimeout = spec.finalReadTimeout
    }

    mutating func next(at elapsed: Duration) -> GeneratorStep {
        if case .load = phase {
            switch pacing.admit(at: elapsed) {
            case .wait(let until): return .wait(until: until)
            case .go:
                var random = OperationRandom.generator(seed: seed, worker: worker, sequence: sequence)
                let request = operations.loadRequest(sequence: sequence, random: &random)
                sequence += 1
                return .invoke(request, timeout: operationTimeout)
            case .over:
                phase = .closing
            }
        }
        if case .closing = phase {
            if let request = operations.closingRequest() { return .invoke(request, timeout: operationTimeout) }
            let finals = readsAtEnd ? operations.finalRequests() : []
            // Quiet from the end of everyone's load phase, the time limit (a worker that used up
            // its share of the operation limit cannot know when the others are done).
            phase = finals.isEmpty ? .done : .final(remaining: finals, from: pacing.timeLimit + quietPeriod)
            finalRetriesLeft = finals.count * Self.retriesPerFinalRead
        }
        if let again = retry {
            retry = nil
            var remaining: [OperationRequest] = []
            if case .final(let rest, _) = phase { remaining = rest }
            phase = .final(remaining: [again] + remaining, from: elapsed + Self.retryPause)
        }
        if case .final(var remaining, let from) = phase {
            if elapsed < from { return .wait(until: from) }
            let request = remaining.removeFirst()
            phase = remaining.isEmpty ? .done : .final(remaining: remaining, from: from)
            return .invoke(request, timeout: finalReadTimeout)
        }
        return .done
    }

    mutating func completed(_ request: OperationRequest, with completion: Completion) {
        operations.completed(request, with: completion)
        if case .ok = completion { return }
        if isFinal(request), finalRetriesLeft > 0 {
            finalRetriesLeft -= 1
            retry = request
        }
    }

    /// Whether `request` was one of the final reads: they are asked once the load and closing
    /// requests are over, so the phase is `final` or `done` by then.
    private func isFinal(_ request: OperationRequest) -> Bool {
        switch phase {
        case .final, .done: return true
        case .load, .closing: return false
        }
    }
}
