import History

/// A grow-only set (per key): `add x`, and `read` returning every element.
///
/// A read's ok output is an array of the elements (any order). Adds are monotone: while only
/// adds and reads remain, a state that is not a subset of a later read is a dead end.
///
/// The state is a `PersistentValueSet`: an add costs O(log n) and hashing a state O(1), so a
/// history of tens of thousands of adds is checked in about linear time instead of quadratic.
public struct SetModel: MonotoneModel {
    public enum Input: Sendable, Hashable {
        case add(Value)
        case read
    }
    public typealias Output = Set<Value>?

    public init() {}
    public var name: String { "set" }
    public var initialState: State { State() }

    /// The set's elements at one point of a linearization.
    public struct State: Hashable, Sendable {
        var elements: PersistentValueSet
        init(_ elements: PersistentValueSet = PersistentValueSet()) { self.elements = elements }
    }

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

    public func step(_ state: State, _ input: Input, _ output: Set<Value>?) -> State? {
        switch input {
        case .add(let x): return State(state.elements.inserting(x))
        case .read:
            guard let seen = output else { return state }
            return state.elements.equals(seen) ? state : nil
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

    public func canStillObserve(_ input: Input, _ output: Set<Value>?, from state: State) -> Bool {
        guard case .read = input, let seen = output else { return true }
        return state.elements.isSubset(of: seen)
    }

    /// `previous` was a subset of the read: the state after an add still is if the element is in
    /// it, and a read changes nothing.
    public func canStillObserve(_ input: Input, _ output: Set<Value>?, afterApplying applied: Input,
                                _ appliedOutput: Set<Value>?, to previous: State) -> Bool {
        guard case .read = input, let seen = output else { return true }
        guard case .add(let x) = applied else { return true }
        return seen.contains(x)
    }

    public func describe(state: State) -> String {
        "#{" + state.elements.elements.map(\.description).sorted().joined(separator: " ") + "}"
    }

    public func describe(input: Input, output: Set<Value>?) -> String {
        switch input {
        case .add(let x): return "add \(x)"
        case .read:
            return "read → " + (output.map { "#{" + $0.map(\.description).sorted().joined(separator: " ") + "}" } ?? "?")
        }
    }
}
