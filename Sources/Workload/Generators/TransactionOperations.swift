import History

/// The transactional workloads (list-append, rw-register): each load request is one `txn`
/// whose value is a list of 1 to `maxLength` micro-operations `[f, key, value]` — `[append k v]`
/// or `[w k v]` (the write function), and `[r k nil]` — drawn by the mix.
///
/// Keys: every worker draws from a pool of `keys` consecutive integer keys that moves on by one
/// (the oldest key retires, a fresh one joins) every `shift` transactions of the worker, so
/// lists stay short and workers at about the same pace share keys. Values are unique across the
/// run, and so per key: worker w's n-th transaction writes `(n·C + w)·maxLength + i` at its i-th
/// step (C workers). The request's key is nil: a transaction has many.
struct TransactionOperations: WorkloadOperations {
    let worker: Int
    let concurrency: Int
    let keys: Int
    let shift: Int
    let maxLength: Int
    let writeName: String
    let mix: MixDraw

    init(worker: Int, spec: WorkloadSpec, writeName: String) {
        self.worker = worker
        concurrency = spec.concurrency
        keys = spec.keys
        shift = max(1, (spec.opsPerKey ?? spec.concurrency) / spec.concurrency)
        maxLength = spec.maxTransactionLength
        self.writeName = writeName
        mix = MixDraw(spec.mix)
    }

    mutating func loadRequest(sequence: Int, random: inout SplitMix64) -> OperationRequest {
        let base = sequence / shift
        let length = 1 + Int(random.next(upperBound: UInt64(maxLength)))
        var steps: [Value] = []
        steps.reserveCapacity(length)
        for i in 0..<length {
            let key = Value.int(base + Int(random.next(upperBound: UInt64(keys))))
            if mix.draw(&random) == "r" {
                steps.append(.array([.string("r"), key, .null]))
            } else {
                let unique = (sequence * concurrency + worker) * maxLength + i
                steps.append(.array([.string(writeName), key, .int(unique)]))
            }
        }
        return OperationRequest(f: "txn", value: .array(steps))
    }

    func finalRequests() -> [OperationRequest] { [] }
}

/// A transaction request's micro-operations, for clients: `(f, key, value)` per step.
public struct TransactionSteps: Sendable, Hashable {
    public struct Step: Sendable, Hashable {
        /// `r`, `append` or `w`.
        public var f: String
        public var key: Value
        /// The appended or written value; `.null` for a read.
        public var value: Value
    }

    public var steps: [Step]

    /// The steps of a `txn` request's value `[[f, k, v], …]`; nil if it is not one.
    public init?(_ value: Value) {
        guard case .array(let items) = value else { return nil }
        var steps: [Step] = []
        for item in items {
            guard case .array(let parts) = item, parts.count == 3, case .string(let f) = parts[0] else { return nil }
            steps.append(Step(f: f, key: parts[1], value: parts[2]))
        }
        self.steps = steps
    }

    /// The distinct keys, in the order they first appear.
    public var keys: [Value] {
        var seen: Set<Value> = []
        return steps.map(\.key).filter { seen.insert($0).inserted }
    }

    /// True when no step writes.
    public var readOnly: Bool { steps.allSatisfy { $0.f == "r" } }

    /// The completed value: each step with reads filled in by `read(i)` (what step i read).
    public func completed(reads read: (Int) -> Value) -> Value {
        .array(steps.enumerated().map { i, s in .array([.string(s.f), s.key, s.f == "r" ? read(i) : s.value]) })
    }

    /// Runs the steps against `state` (key → list of elements; a missing key is the empty list),
    /// appending in place: what a serial list-append store does. Returns the completed value,
    /// each read the list as it was at that step (`.null` for a key never appended to, as
    /// stores answer a missing key), and `state` holds the lists after the transaction.
    public func applyAppends(to state: inout [Value: [Value]]) -> Value {
        var reads: [Int: Value] = [:]
        for (i, s) in steps.enumerated() {
            if s.f == "r" {
                reads[i] = state[s.key].map { .array($0) } ?? .null
            } else {
                state[s.key, default: []].append(s.value)
            }
        }
        return completed { reads[$0] ?? .null }
    }

    /// As `applyAppends`, for registers: a write sets the key, a read returns its value (`.null`
    /// when never written).
    public func applyWrites(to state: inout [Value: Value]) -> Value {
        var reads: [Int: Value] = [:]
        for (i, s) in steps.enumerated() {
            if s.f == "r" { reads[i] = state[s.key] ?? .null } else { state[s.key] = s.value }
        }
        return completed { reads[$0] ?? .null }
    }
}
