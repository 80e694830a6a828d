import History

/// The register workload: `read`, `write v` and `cas [expected new]` on independent integer keys,
/// values drawn from `0..<valueRange`; each key gets at most `opsPerKey` load requests.
/// A final read, if asked for, reads the worker's last key.
struct RegisterOperations: WorkloadOperations {
    let keys: KeyAssignment
    let mix: MixDraw
    let valueRange: Int
    private var lastKey: Int?

    init(keys: KeyAssignment, mix: MixDraw, valueRange: Int) {
        self.keys = keys
        self.mix = mix
        self.valueRange = valueRange
    }

    mutating func loadRequest(sequence: Int, random: inout SplitMix64) -> OperationRequest {
        let key = keys.key(forRequest: sequence)
        lastKey = key
        switch mix.draw(&random) {
        case "read": return OperationRequest(f: "read", key: .int(key))
        case "write": return OperationRequest(f: "write", key: .int(key), value: value(&random))
        default: return OperationRequest(f: "cas", key: .int(key), value: .array([value(&random), value(&random)]))
        }
    }

    func finalRequests() -> [OperationRequest] {
        lastKey.map { [OperationRequest(f: "read", key: .int($0))] } ?? []
    }

    private func value(_ random: inout SplitMix64) -> Value {
        .int(Int(random.next(upperBound: UInt64(valueRange))))
    }
}
