import Transactions
import Workload
import Yams

extension WorkloadSection {
    static let fields: Set<String> = [
        "kind", "keys", "ops-per-key", "concurrency", "rate", "mix", "value-range", "op-timeout",
        "operation-limit", "final-reads", "quiet-period", "final-read-timeout", "lock-lease", "read-path",
        "consistency", "max-txn-length",
    ]

    /// The workload the section describes, over the defaults of its kind, with the run's time
    /// limit. Errors name the spec file and the line of the offending field.
    public func workloadSpec(timeLimit: Duration) throws -> WorkloadSpec {
        let yaml = reader
        let f = try yaml.mapping(node, "`workload`: a mapping with `kind`")
        try yaml.rejectUnknown(node, allowed: Self.fields, in: "`workload`")
        guard let k = WorkloadSpec.Kind(rawValue: kind) else {
            throw yaml.error(f["kind"] ?? node, "expected `kind` to be one of \(WorkloadSpec.Kind.allCases.map(\.rawValue).joined(separator: ", ")), got `\(kind)`")
        }
        var spec = WorkloadSpec(kind: k)
        spec.timeLimit = timeLimit
        spec.readPath = database.defaultReadPath
        let big = 1...1_000_000_000
        spec.keys = try yaml.integer(f["keys"], in: node, "`keys`: 1 or more", range: big) ?? spec.keys
        if let n = f["ops-per-key"] { spec.opsPerKey = try yaml.integer(n, in: node, "`ops-per-key`: 1 or more", range: big) }
        spec.concurrency = try yaml.integer(f["concurrency"], in: node, "`concurrency`: 1 to 1000", range: 1...1000) ?? spec.concurrency
        if let r = f["rate"] {
            guard let rate = r.scalar.flatMap({ Double($0.string) }), rate > 0 else {
                throw yaml.error(r, "expected `rate` to be operations per second above 0, got `\(r.scalar?.string ?? "a non-scalar")`")
            }
            spec.rate = rate
        }
        if let m = f["mix"] {
            var weights: [String: Int] = [:]
            for (name, value) in try yaml.mapping(m, "`mix`: a mapping of functions to weights") {
                guard let w = value.scalar.flatMap({ Int($0.string) }), w >= 0 else {
                    throw yaml.error(value, "expected the weight of `\(name)` to be a whole number 0 or more")
                }
                guard spec.loadFunctions.contains(name) else {
                    throw yaml.error(value, "`\(name)` is not a function of the \(kind) workload; expected \(spec.loadFunctions.sorted().joined(separator: ", "))")
                }
                guard w == 0 || database.operations(of: k).contains(name) else {
                    throw yaml.error(value, "\(database.name) cannot `\(name)` (it does \(database.operations(of: k).sorted().joined(separator: ", "))); give `\(name)` weight 0 or leave it out")
                }
                weights[name] = w
            }
            spec.mix = OperationMix(weights)
        }
        spec.valueRange = try yaml.integer(f["value-range"], in: node, "`value-range`: 1 or more", range: big) ?? spec.valueRange
        spec.operationTimeout = try yaml.duration(f["op-timeout"], "`op-timeout`") ?? spec.operationTimeout
        if let n = f["operation-limit"] { spec.operationLimit = try yaml.integer(n, in: node, "`operation-limit`: 1 or more", range: big) }
        if let r = f["final-reads"] {
            guard let v = r.scalar.flatMap({ WorkloadSpec.FinalReads(rawValue: $0.string) }) else {
                throw yaml.error(r, "expected `final-reads` to be none, one or every")
            }
            spec.finalReads = v
        }
        spec.quietPeriod = try yaml.duration(f["quiet-period"], "`quiet-period`") ?? spec.quietPeriod
        spec.finalReadTimeout = try yaml.duration(f["final-read-timeout"], "`final-read-timeout`") ?? spec.finalReadTimeout
        spec.lockLease = try yaml.duration(f["lock-lease"], "`lock-lease`") ?? spec.lockLease
        if let r = f["read-path"] {
            guard let path = r.scalar.flatMap({ WorkloadSpec.ReadPath(rawValue: $0.string) }) else {
                throw yaml.error(r, "expected `read-path` to be a read path's name (\(database.readPaths.map(\.rawValue).sorted().joined(separator: ", ")))")
            }
            guard database.readPaths.contains(path) else {
                throw yaml.error(r, "expected a read path \(database.name) has (\(database.readPaths.map(\.rawValue).sorted().joined(separator: ", "))), got `\(path.rawValue)`")
            }
            spec.readPath = path
        }
        if let c = f["consistency"] {
            guard k.transactionModel != nil else {
                throw yaml.error(c, "`consistency` applies to the transactional workloads (list-append, rw-register), not \(kind)")
            }
            guard let model = c.scalar.flatMap({ ConsistencyModel(rawValue: $0.string) }) else {
                throw yaml.error(c, "expected `consistency` to be one of \(ConsistencyModel.allCases.map(\.rawValue).joined(separator: ", ")), got `\(c.scalar?.string ?? "a non-scalar")`")
            }
            spec.consistency = model
        }
        if let n = f["max-txn-length"] {
            guard k.transactionModel != nil else {
                throw yaml.error(n, "`max-txn-length` applies to the transactional workloads (list-append, rw-register), not \(kind)")
            }
            spec.maxTransactionLength = try yaml.integer(n, in: node, "`max-txn-length`: 1 to 100", range: 1...100) ?? spec.maxTransactionLength
        }
        let unable = spec.mix.weights.filter { $0.value > 0 && !database.operations(of: k).contains($0.key) }.keys.sorted()
        if !unable.isEmpty {
            let able = database.operations(of: k).sorted()
            throw yaml.error(f["mix"] ?? node, "\(database.name) cannot \(unable.joined(separator: " or ")) (it does \(able.joined(separator: ", "))); give a `mix` of those, e.g. `mix: {\(able.map { "\($0): 1" }.joined(separator: ", "))}`")
        }
        do {
            try spec.validate()
        } catch {
            throw yaml.error(node, "the workload cannot run: \(error.message)")
        }
        return spec
    }
}
