import History

/// A grow-only set (per key): `add x`, and `read` returning every element.
///
/// A read's ok output is an array of the elements (any order). Adds are monotone: while only
/// adds and reads remain, a state that is not a subset of a later read is a dead end.
public struct SetModel: MonotoneModel {
    public enum Input: Sendable, Hashable {
        case add(Value)
        case read
    }
    public typealias Output = Set<Value>?

    public init() {}
    public var name: String { "set" }
    public var initialState: Set<Value> { [] }

    public func entry(for op: HistoryOperation) throws(ModelError) -> (input: Input, output: Output)? {
        switch op.f {
        case "add": return (.add(op.input), nil)
        case "read":
            guard op.outcome == .ok else { return nil }
            guard case .array(let elements) = op.output else {
                throw ModelError(op, "expected a read of a set to return an array of elements")
            }
            return (.read, Set(elements))
        default: throw ModelError(op, "expected add or read for model set")
        }
    }

    public func step(_ state: Set<Value>, _ input: Input, _ output: Set<Value>?) -> Set<Value>? {
        switch input {
        case .add(let x):
            var next = state
            next.insert(x)
            return next
        case .read: return output == state ? state : nil
        }
    }

    public func isMonotone(_ input: Input) -> Bool { true }

    public func isReadOnly(_ input: Input, _ output: Set<Value>?) -> Bool {
        if case .read = input { return true }
        return false
    }

    public func isObservation(_ input: Input, _ output: Set<Value>?) -> Bool {
        if case .read = input, output != nil { return true }
        return false
    }

    public func canStillObserve(_ input: Input, _ output: Set<Value>?, from state: Set<Value>) -> Bool {
        guard case .read = input, let seen = output else { return true }
        return state.isSubset(of: seen)
    }

    public func describe(state: Set<Value>) -> String {
        "#{" + state.map(\.description).sorted().joined(separator: " ") + "}"
    }

    public func describe(input: Input, output: Set<Value>?) -> String {
        switch input {
        case .add(let x): return "add \(x)"
        case .read:
            return "read → " + (output.map { "#{" + $0.map(\.description).sorted().joined(separator: " ") + "}" } ?? "?")
        }
    }
}
