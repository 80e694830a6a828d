import History

/// A linearizable in-memory database for every workload: registers, grow-only sets and locks,
/// by key. Each request is applied atomically inside the actor, so any history its clients
/// record is linearizable (unless `InMemoryFaults` say otherwise: those only ever produce `info`
/// and `fail` completions that are honest about what happened).
///
/// Semantics: `read` of a missing register is `.null`; `write v` sets; `cas [e n]` sets `n` if
/// the value is `e`, else fails; `add e` inserts; a set's `read` returns its elements sorted;
/// `acquire` takes a free lock and fails at once on a held one (a try-lock, never waits);
/// `release` frees a lock the same client holds and fails otherwise; a `txn` (list-append,
/// rw-register) runs all its steps at once, serially (`TransactionSteps`).
public actor InMemoryStore {
    private let kind: WorkloadSpec.Kind
    private var registers: [Value: Value] = [:]
    private var sets: [Value: Set<Value>] = [:]
    private var lockOwners: [Value: Int] = [:]
    private var lists: [Value: [Value]] = [:]
    private var clients = 0
    private var faults: InMemoryFaults

    public init(kind: WorkloadSpec.Kind, faults: InMemoryFaults = InMemoryFaults()) {
        self.kind = kind
        self.faults = faults
    }

    /// A new owner identity for locks, one per client.
    func newClient() -> Int {
        clients += 1
        return clients
    }

    /// Applies `request` for `client` (with faults, if any) and says how it ended.
    func perform(_ request: OperationRequest, client: Int) -> Completion {
        switch faults.draw() {
        case .none: return apply(request, client: client)
        case .fail: return .fail(error: "injected failure")
        case .info(let applied):
            if applied { _ = apply(request, client: client) }
            return .info(error: "injected unknown outcome")
        }
    }

    /// The value of a register, the elements of a set: for tests.
    public func value(at key: Value) -> Value {
        kind == .set ? .array(sorted(sets[key] ?? [])) : registers[key] ?? .null
    }

    private func apply(_ request: OperationRequest, client: Int) -> Completion {
        let key = request.key ?? .null
        switch (kind, request.f) {
        case (.register, "read"): return .ok(registers[key] ?? .null)
        case (.register, "write"):
            registers[key] = request.value
            return .ok(request.value)
        case (.register, "cas"):
            guard case .array(let pair) = request.value, pair.count == 2 else {
                return .fail(error: "cas expects [expected new], got \(request.value)")
            }
            guard (registers[key] ?? .null) == pair[0] else { return .fail(error: "compare failed") }
            registers[key] = pair[1]
            return .ok(request.value)
        case (.set, "add"):
            sets[key, default: []].insert(request.value)
            return .ok(request.value)
        case (.set, "read"): return .ok(.array(sorted(sets[key] ?? [])))
        case (.lock, "acquire"):
            if let owner = lockOwners[key] {
                return .fail(error: owner == client ? "already held by this client" : "held by another client")
            }
            lockOwners[key] = client
            return .ok(request.value)
        case (.lock, "release"):
            guard lockOwners[key] == client else { return .fail(error: "not held by this client") }
            lockOwners[key] = nil
            return .ok(request.value)
        case (.listAppend, "txn"), (.rwRegister, "txn"):
            guard let txn = TransactionSteps(request.value) else { return .fail(error: "txn expects [[f k v] …], got \(request.value)") }
            return .ok(kind == .listAppend ? txn.applyAppends(to: &lists) : txn.applyWrites(to: &registers))
        default:
            return .fail(error: "\(request.f) is not an operation of the \(kind.rawValue) workload")
        }
    }

    private func sorted(_ elements: Set<Value>) -> [Value] {
        elements.sorted { a, b in
            switch (a, b) {
            case (.int(let x), .int(let y)): return x < y
            default: return a.description < b.description
            }
        }
    }
}
