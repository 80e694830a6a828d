import History

/// The set workload: `add e` of integers unique across the run (worker w's n-th request adds
/// n·C + w for C workers), and `read` if the mix has reads; each group of workers adds to its own
/// set (key). A final read reads the worker's set and returns every element.
struct SetOperations: WorkloadOperations {
    let set: Int
    let worker: Int
    let concurrency: Int
    let mix: MixDraw

    mutating func loadRequest(sequence: Int, random: inout SplitMix64) -> OperationRequest {
        switch mix.draw(&random) {
        case "read": return OperationRequest(f: "read", key: .int(set))
        default: return OperationRequest(f: "add", key: .int(set), value: .int(sequence * concurrency + worker))
        }
    }

    func finalRequests() -> [OperationRequest] { [OperationRequest(f: "read", key: .int(set))] }
}
