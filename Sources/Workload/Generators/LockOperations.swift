import History

/// The lock workload: a worker that holds no lock acquires one (the lock of its group, moving to
/// a fresh lock name after its share of `opsPerKey` acquire attempts); a worker whose acquire
/// succeeded releases that lock next. A process therefore releases only what it holds: any
/// release ends the holding, and so does an acquire of unknown outcome (its process is retired).
/// A lock still held when the load phase ends is released then.
struct LockOperations: WorkloadOperations {
    let keys: KeyAssignment
    private var attempts = 0
    private var held: Value?

    init(keys: KeyAssignment) {
        self.keys = keys
    }

    mutating func loadRequest(sequence: Int, random: inout SplitMix64) -> OperationRequest {
        if let request = closingRequest() { return request }
        let key = keys.key(forRequest: attempts)
        attempts += 1
        return OperationRequest(f: "acquire", key: .int(key))
    }

    func closingRequest() -> OperationRequest? {
        held.map { OperationRequest(f: "release", key: $0) }
    }

    func finalRequests() -> [OperationRequest] { [] }

    mutating func completed(_ request: OperationRequest, with completion: Completion) {
        switch (request.f, completion) {
        case ("acquire", .ok): held = request.key
        default: held = nil
        }
    }
}
