import History

/// What one workload asks for, per worker, leaving timing and phases to `PhasedGenerator`.
protocol WorkloadOperations: Sendable {
    /// The worker's load request number `sequence`, drawn from `random` (seeded from the run's
    /// seed, the worker and `sequence`).
    mutating func loadRequest(sequence: Int, random: inout SplitMix64) -> OperationRequest
    /// A request the worker must make once its load phase is over (e.g. releasing a held lock),
    /// or nil. Asked again after each completion until nil.
    func closingRequest() -> OperationRequest?
    /// The worker's final reads, if it is one of the workers that read at the end.
    func finalRequests() -> [OperationRequest]
    /// Learns how a request ended.
    mutating func completed(_ request: OperationRequest, with completion: Completion)
}

extension WorkloadOperations {
    func closingRequest() -> OperationRequest? { nil }
    mutating func completed(_ request: OperationRequest, with completion: Completion) {}
}
