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

    /// Which of `nodes` nodes worker `index` talks to: the workers sharing a key (a group of
    /// `KeyAssignment`) are spread over the nodes, so every key is read and written through
    /// several members. (Round robin alone, `index % nodes`, puts a whole group on one node
    /// whenever the node count divides the number of groups — 3 keys on 3 nodes — and then no
    /// key is ever touched through two members, which hides stale reads.)
    public func node(forWorker index: Int, of nodes: Int) -> Int {
        guard nodes > 0 else { return 0 }
        let groups = max(1, min(spec.keys, spec.concurrency))
        return (index % groups + index / groups) % nodes
    }

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
        case .listAppend, .rwRegister:
            let operations = TransactionOperations(worker: index, spec: spec, writeName: spec.kind == .listAppend ? "append" : "w")
            return PhasedGenerator(operations, spec: spec, seed: seed, worker: index, readsAtEnd: false)
        }
    }
}
