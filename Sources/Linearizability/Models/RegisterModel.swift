import History

/// A single register (per key) with read, write and, when enabled, compare-and-set.
///
/// - `read`: ok output is the value read; an unknown read constrains nothing and is left out.
/// - `write v`: sets the value.
/// - `cas [old new]`: legal only when the value is `old`, then sets `new`. A cas of unknown
///   outcome either took effect (the value was `old`) or not at all.
public struct RegisterModel: Model {
    public enum Input: Sendable, Hashable {
        case read
        case write(Value)
        case cas(expected: Value, new: Value)
    }
    /// The value a read returned, or nil when the outcome is unknown.
    public typealias Output = Value?

    public let initialState: Value
    public let allowsCAS: Bool

    public init(initial: Value = .null, allowsCAS: Bool = true) {
        self.initialState = initial
        self.allowsCAS = allowsCAS
    }

    public var name: String { allowsCAS ? "cas-register" : "register" }

    public func entry(for op: HistoryOperation) throws(ModelError) -> (input: Input, output: Output)? {
        let known = op.outcome == .ok
        switch op.f {
        case "read", "get", "r":
            return known ? (.read, op.output) : nil
        case "write", "put", "w":
            return (.write(op.input), nil)
        case "cas" where allowsCAS:
            let (expected, new) = try op.casArguments()
            return (.cas(expected: expected, new: new), nil)
        default:
            throw ModelError(op, "expected read, write\(allowsCAS ? " or cas" : "") for model \(name)")
        }
    }

    @inline(__always)
    public func step(_ state: Value, _ input: Input, _ output: Value?) -> Value? {
        switch input {
        case .read: return output == state ? state : nil
        case .write(let v): return v
        case .cas(let expected, let new): return expected == state ? new : nil
        }
    }

    public func isReadOnly(_ input: Input, _ output: Value?) -> Bool {
        if case .read = input { return true }
        return false
    }

    public func describe(state: Value) -> String { state.description }

    public func describe(input: Input, output: Value?) -> String {
        switch input {
        case .read: return "read → \(output.map(\.description) ?? "?")"
        case .write(let v): return "write \(v)"
        case .cas(let e, let n): return "cas \(e)→\(n)"
        }
    }
}
