// The Linearizability target: the linearizability checker: models, the search, partitions, counterexamples and shrinking.

import History

/// The models Faultline ships, by the names used on the command line and in specs.
public enum BuiltInModel: String, Sendable, CaseIterable {
    case register
    case casRegister = "cas-register"
    case kv
    case mutex
    case set

    /// The initial value when none is given: `0` for registers, `""` for kv.
    public var defaultInitial: Value {
        switch self {
        case .register, .casRegister: return .int(0)
        case .kv: return .string("")
        case .mutex, .set: return .null
        }
    }

    /// Checks `operations` with this model. With `options.split == false` keyed operations are
    /// checked together as one map (`Unsplit`).
    public func check(
        _ operations: [HistoryOperation], initial: Value? = nil, options: CheckOptions = CheckOptions()
    ) throws(ModelError) -> CheckResult {
        let initial = initial ?? defaultInitial
        switch self {
        case .register: return try Self.run(RegisterModel(initial: initial, allowsCAS: false), operations, options)
        case .casRegister: return try Self.run(RegisterModel(initial: initial), operations, options)
        case .kv: return try Self.runMonotone(KVModel(initial: initial), operations, options)
        case .mutex: return try Self.run(MutexModel(), operations, options)
        case .set:
            var result = try Self.runMonotone(SetModel(), operations, options)
            SetLoss.explain(&result, operations)
            return result
        }
    }

    private static func run<M: Model>(_ m: M, _ ops: [HistoryOperation], _ options: CheckOptions) throws(ModelError)
        -> CheckResult
    {
        if options.split { return try Checker.check(ops, model: m, options: options) }
        return try Checker.check(ops, model: Unsplit(m, operations: ops), options: options)
    }

    private static func runMonotone<M: MonotoneModel>(_ m: M, _ ops: [HistoryOperation], _ options: CheckOptions)
        throws(ModelError) -> CheckResult
    {
        if options.split { return try Checker.check(ops, model: m, options: options) }
        return try Checker.check(ops, model: Unsplit(m, operations: ops), options: options)
    }
}
