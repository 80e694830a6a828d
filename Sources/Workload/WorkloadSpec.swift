import History
import Linearizability
import Transactions

/// What load a run drives: which workload, how many workers, how fast, for how long, and how the
/// history is judged. A plain value; `init(kind:)` gives every setting a default for the kind.
public struct WorkloadSpec: Sendable, Hashable {
    /// The workloads Faultline ships.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// read / write / cas on independent integer keys; checked with `cas-register`.
        case register
        /// adds of unique integers, then final reads of the whole set; checked with `set`.
        case set
        /// acquire / release of a lock (etcd: lock API with a lease); checked with `mutex`.
        case lock
        /// transactions of `append k v` and `r k` over a small, shifting pool of keys, values
        /// unique per key; checked with the transaction checker (`list-append`).
        case listAppend = "list-append"
        /// transactions of `w k v` (unique values) and `r k`; checked with the transaction
        /// checker (`rw-register`).
        case rwRegister = "rw-register"

        /// The transactional workload this kind is, if it is one.
        public var transactionModel: TransactionModel? {
            switch self {
            case .listAppend: return .listAppend
            case .rwRegister: return .rwRegister
            case .register, .set, .lock: return nil
            }
        }
    }

    /// Which workers read at the end, after the quiet period.
    public enum FinalReads: String, Sendable, Hashable, CaseIterable {
        case none
        /// Worker 0 only.
        case one
        /// Every worker.
        case every
    }

    /// How reads reach the data, where a database offers more than one way: a name the database
    /// declares (a built-in kind its own, a definition any in its `read-paths`, which its adapter
    /// receives as the request's `read_path`: `plain`, `sync`, …).
    public struct ReadPath: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String

        /// nil unless `rawValue` is a name: a lowercase letter, then lowercase letters, digits and `-`.
        public init?(rawValue: String) {
            guard let first = rawValue.unicodeScalars.first, ("a"..."z").contains(first),
                  rawValue.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }) else {
                return nil
            }
            self.rawValue = rawValue
        }

        /// Through the cluster's agreement (etcd's default, raftkv's read index): linearizable.
        public static let linearizable = ReadPath(rawValue: "linearizable")!
        /// From the member's own state without asking the leader (etcd's `serializable: true`),
        /// which its documentation warns may be stale.
        public static let serializable = ReadPath(rawValue: "serializable")!

        public var description: String { rawValue }
    }

    public var kind: Kind
    /// What a transactional workload's history is held to (`consistency`); default
    /// strict-serializable. Unused by the other kinds.
    public var consistency: ConsistencyModel = .strictSerializable
    /// The most micro-operations in one transaction (`max-txn-length`); each transaction has
    /// 1 to this many. Transactional kinds only.
    public var maxTransactionLength = 4
    /// How reads reach the data (`read-path`); the database's descriptor lists the paths it has.
    public var readPath: ReadPath = .linearizable
    /// How many keys are in play at once (register: registers, set: sets, lock: lock names).
    /// Workers are split into `min(keys, concurrency)` groups, one key per group at a time.
    /// Transactional kinds: the size of the pool of keys every worker's transactions draw from.
    public var keys: Int
    /// The most load requests one key gets before its group moves to a fresh key (register: all
    /// requests; lock: acquire attempts, each followed by at most one release); nil for no bound
    /// (the set workload has none). Final reads come on top. Transactional kinds: every worker
    /// moves its key pool on by one key (retiring the oldest) after `max(1, opsPerKey /
    /// concurrency)` transactions, so each key is touched by roughly `opsPerKey` transactions.
    public var opsPerKey: Int?
    /// Number of workers, each one process at a time.
    public var concurrency: Int
    /// Overall load requests per second; nil for as fast as the workers go.
    public var rate: Double?
    /// Weights of the load functions (register: read, write, cas; set: add, read; lock: unused;
    /// list-append: append, r; rw-register: w, r — per micro-operation).
    public var mix: OperationMix
    /// Register values are drawn from `0..<valueRange`.
    public var valueRange: Int
    /// The timeout the client gets for each load (and closing) request.
    public var operationTimeout: Duration
    /// The load phase ends this long after the run starts.
    public var timeLimit: Duration
    /// At most this many load requests in the whole run (split evenly over the workers); nil for
    /// no limit.
    public var operationLimit: Int?
    public var finalReads: FinalReads
    /// The pause between the end of the load phase and the final reads (for faults to heal).
    public var quietPeriod: Duration
    /// The timeout of each final read.
    public var finalReadTimeout: Duration
    /// The TTL of the lease a lock is acquired with (whole seconds for etcd).
    public var lockLease: Duration

    /// Defaults for `kind`: 10 workers, no rate limit, 2 s operation timeout, 30 s load; register:
    /// 5 keys, 200 ops per key, mix read 1 / write 1 / cas 1, values 0..<5; set: one set, adds
    /// only, final reads by every worker after 5 s; lock: one lock name at a time, 200 acquires
    /// per name, 10 s lease.
    public init(kind: Kind) {
        self.kind = kind
        concurrency = 10
        rate = nil
        valueRange = 5
        operationTimeout = .seconds(2)
        timeLimit = .seconds(30)
        operationLimit = nil
        finalReadTimeout = .seconds(10)
        lockLease = .seconds(10)
        switch kind {
        case .register:
            keys = 5
            opsPerKey = 200
            mix = OperationMix(["read": 1, "write": 1, "cas": 1])
            finalReads = .none
            quietPeriod = .zero
        case .set:
            keys = 1
            opsPerKey = nil
            mix = OperationMix(["add": 1])
            finalReads = .every
            quietPeriod = .seconds(5)
        case .lock:
            keys = 1
            opsPerKey = 200
            mix = OperationMix(["acquire": 1])
            finalReads = .none
            quietPeriod = .zero
        case .listAppend, .rwRegister:
            keys = 5
            opsPerKey = 100
            mix = OperationMix([(kind == .listAppend ? "append" : "w"): 1, "r": 1])
            finalReads = .none
            quietPeriod = .zero
        }
    }

    /// How a history of this workload is judged: linearizability with its model and initial
    /// value, or the transaction checker with `consistency`.
    public var checking: HistoryChecking {
        if let model = kind.transactionModel { return .transactional(model, consistency) }
        return .linearizable(model, initial: initialValue)
    }

    /// The linearizability model a history of this workload is checked with (transactional
    /// kinds are not checked for linearizability: see `checking`; this is `cas-register` then).
    public var model: BuiltInModel {
        switch kind {
        case .register, .listAppend, .rwRegister: return .casRegister
        case .set: return .set
        case .lock: return .mutex
        }
    }

    /// The state of every key before the run: registers start missing (`.null`, which is what a
    /// read of a missing key returns); sets start empty and locks free (the models' own start).
    public var initialValue: Value { .null }

    /// The functions the load phase may draw, per kind.
    public var loadFunctions: Set<String> {
        switch kind {
        case .register: return ["read", "write", "cas"]
        case .set: return ["add", "read"]
        case .lock: return ["acquire"]
        case .listAppend: return ["append", "r"]
        case .rwRegister: return ["w", "r"]
        }
    }

    /// Throws naming the first setting that cannot be run.
    public func validate() throws(WorkloadSpecError) {
        guard concurrency >= 1 else { throw WorkloadSpecError("concurrency is \(concurrency); expected 1 or more") }
        guard keys >= 1 else { throw WorkloadSpecError("keys is \(keys); expected 1 or more") }
        if kind == .set, opsPerKey != nil {
            throw WorkloadSpecError("ops-per-key does not apply to the set workload; leave it out")
        }
        if kind.transactionModel != nil {
            guard maxTransactionLength >= 1 else {
                throw WorkloadSpecError("max-txn-length is \(maxTransactionLength); expected 1 or more")
            }
            guard finalReads == .none else {
                throw WorkloadSpecError("final-reads does not apply to the \(kind.rawValue) workload; leave it out")
            }
        } else if let opsPerKey {
            let least = KeyAssignment.largestGroup(concurrency: concurrency, keys: keys)
            guard opsPerKey >= least else {
                throw WorkloadSpecError(
                    "ops-per-key is \(opsPerKey); expected at least \(least), the most workers sharing a key "
                        + "(\(concurrency) workers over \(min(keys, concurrency)) keys)")
            }
        }
        if let rate, !(rate > 0 && rate.isFinite) {
            throw WorkloadSpecError("rate is \(rate); expected a positive number of operations per second")
        }
        try mix.validate(allowed: loadFunctions)
        guard valueRange >= 1 else { throw WorkloadSpecError("value-range is \(valueRange); expected 1 or more") }
        guard operationTimeout > .zero else { throw WorkloadSpecError("op-timeout must be positive") }
        guard finalReadTimeout > .zero else { throw WorkloadSpecError("final-read-timeout must be positive") }
        guard timeLimit > .zero else { throw WorkloadSpecError("time-limit must be positive") }
        guard quietPeriod >= .zero else { throw WorkloadSpecError("quiet-period must not be negative") }
        if let operationLimit, operationLimit < 0 {
            throw WorkloadSpecError("operation-limit is \(operationLimit); expected 0 or more")
        }
        guard lockLease >= .seconds(1) else { throw WorkloadSpecError("lock-lease must be at least 1 s") }
    }

    /// The generators of a run with this spec and `seed`; throws if the spec is invalid.
    public func makeGenerator(seed: UInt64) throws(WorkloadSpecError) -> WorkloadGenerator {
        try validate()
        return WorkloadGenerator(spec: self, seed: seed)
    }
}
