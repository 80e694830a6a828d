import History

/// A lock (per key): `acquire` is legal only when free, `release` only when held.
public struct MutexModel: Model {
    public enum Input: Sendable, Hashable { case acquire, release }
    public typealias Output = Void

    public init() {}
    public var name: String { "mutex" }
    public var initialState: Bool { false }

    public func entry(for op: HistoryOperation) throws(ModelError) -> (input: Input, output: Output)? {
        switch op.f {
        case "acquire", "lock": return (.acquire, ())
        case "release", "unlock": return (.release, ())
        default: throw ModelError(op, "expected acquire or release for model mutex")
        }
    }

    public func step(_ held: Bool, _ input: Input, _ output: Void) -> Bool? {
        switch input {
        case .acquire: return held ? nil : true
        case .release: return held ? false : nil
        }
    }

    public func describe(state held: Bool) -> String { held ? "held" : "free" }
    public func describe(input: Input, output: Void) -> String { input == .acquire ? "acquire" : "release" }
}
