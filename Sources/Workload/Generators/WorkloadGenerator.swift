/// The generators of one run: one `OperationGenerator` per worker, all drawn from one seed.
/// Made by `WorkloadSpec.makeGenerator(seed:)`.
public struct WorkloadGenerator: Sendable {
    public let spec: WorkloadSpec
    public let seed: UInt64

    init(spec: WorkloadSpec, seed: UInt64) {
        self.spec = spec
        self.seed = seed
    }

    /// How many workers the run has (`spec.concurrency`).
    public var workerCount: Int { spec.concurrency }

    /// The generator of worker `index` (0 ..< workerCount). Calling this twice gives two equal,
    /// independent generators.
    public func worker(_ index: Int) -> any OperationGenerator {
        precondition((0..<workerCount).contains(index), "worker \(index) of \(workerCount)")
        let keys = KeyAssignment(
            worker: index, concurrency: spec.concurrency, keys: spec.keys, perKey: spec.opsPerKey)
        let readsAtEnd: Bool
        switch spec.finalReads {
        case .none: readsAtEnd = false
        case .one: readsAtEnd = index == 0
        case .every: readsAtEnd = true
        }
        switch spec.kind {
        case .register:
            let operations = RegisterOperations(keys: keys, mix: MixDraw(spec.mix), valueRange: spec.valueRange)
            return PhasedGenerator(operations, spec: spec, seed: seed, worker: index, readsAtEnd: readsAtEnd)
        case .set:
            let operations = SetOperations(
                set: keys.group, worker: index, concurrency: spec.concurrency, mix: MixDraw(spec.mix))
            return PhasedGenerator(operations, spec: spec, seed: seed, worker: index, readsAtEnd: readsAtEnd)
        case .lock:
            return PhasedGenerator(LockOperations(keys: keys), spec: spec, seed: seed, worker: index, readsAtEnd: readsAtEnd)
        }
    }
}
