import History

/// A lock (per key): `acquire` is legal only when free, `release` only when held.
public struct MutexModel: Model {
    public enum Input: Sendable, Hashable { case acquire, release }
    /// Nothing is returned; `true` for every operation.
    public typealias Output = Bool

    public init() {}
    public var name: String { "mutex" }
    public var initialState: Bool { false }

    public func entry(for op: HistoryOperation) throws(ModelError) -> (input: Input, output: Output)? {
        switch op.f {
        case "acquire", "lock": return (.acquire, true)
        case "release", "unlock": return (.release, true)
        default: throw ModelError(op, "expected acquire or release for model mutex")
        }
    }

    public func step(_ held: Bool, _ input: Input, _ output: Bool) -> Bool? {
        switch input {
        case .acquire: return held ? nil : true
        case .release: return held ? false : nil
        }
    }

    public func describe(state held: Bool) -> String { held ? "held" : "free" }
    public func describe(input: Input, output: Bool) -> String { input == .acquire ? "acquire" : "release" }
}
