import History

/// A sequential specification that a history is checked against.
///
/// Contract:
/// - `initialState` is the state before any operation.
/// - `entry(for:)` translates one `ok` or `info` operation of a history into the model's input
///   and output (`fail` operations never took effect and are removed before). For an `info`
///   operation the model must produce an output meaning "unknown", which `step` accepts whatever
///   the state. Returning nil leaves the operation out (it constrains nothing, e.g. a read whose
///   result is unknown). Throwing says the operation is not one this model understands.
/// - `step` is a pure function: the state after applying `input` that returned `output` in
///   `state`, or nil if that is impossible.
/// - States compare and hash by value: two equal states must behave identically from then on.
/// - `partitionKey` splits a history into parts checked independently (P-compositionality):
///   operations with different keys must never interact. The default splits by the operation's
///   key; return nil to put an operation with every other keyless operation.
public protocol Model: Sendable {
    associatedtype State: Hashable & Sendable
    /// Equal inputs (and outputs) must mean the same operation: the search treats pending
    /// operations of unknown outcome with equal input and output as interchangeable.
    associatedtype Input: Hashable & Sendable
    associatedtype Output: Hashable & Sendable

    /// A short name for reports, e.g. `cas-register`.
    var name: String { get }
    var initialState: State { get }
    func entry(for operation: HistoryOperation) throws(ModelError) -> (input: Input, output: Output)?
    func step(_ state: State, _ input: Input, _ output: Output) -> State?
    func partitionKey(of operation: HistoryOperation) -> Value?
    /// True if this entry never changes the state when it is legal (a read). The search
    /// linearizes such an entry as soon as it is legal, without trying other orders: moving a
    /// read-only operation to the earliest point where it is legal keeps any linearization valid.
    /// Defaults to false, which is always safe.
    func isReadOnly(_ input: Input, _ output: Output) -> Bool
    /// The state in words, for reports.
    func describe(state: State) -> String
    /// The operation in words, e.g. `cas(1→2) ok` or `read → 3`.
    func describe(input: Input, output: Output) -> String
}

extension Model {
    public func partitionKey(of operation: HistoryOperation) -> Value? { operation.key }
    public func isReadOnly(_ input: Input, _ output: Output) -> Bool { false }
    public func describe(state: State) -> String { String(describing: state) }
    public func describe(input: Input, output: Output) -> String { "\(input) → \(output)" }
}

/// An optional ability: a model some of whose inputs only ever extend the state (appending to a
/// string or list, adding to a set). While every operation still to be placed is such an input,
/// a state from which a later observation can no longer be reached is a dead end, and the search
/// prunes it at once instead of exhausting every order of the concurrent inputs after it.
public protocol MonotoneModel: Model {
    /// True if applying `input` can only extend the state, never undo what was there.
    func isMonotone(_ input: Input) -> Bool
    /// True if this entry observes the state without changing it (a read with a known result).
    func isObservation(_ input: Input, _ output: Output) -> Bool
    /// False only if no sequence of monotone inputs applied to `state` can make the observation
    /// legal (e.g. the state is not a prefix of the string that a later read returned).
    func canStillObserve(_ input: Input, _ output: Output, from state: State) -> Bool
    /// `canStillObserve` after applying `applied` (with `appliedOutput`) to `previous`, a state for
    /// which it held; true if `applied` is not legal there. A model whose check can look at the
    /// change alone implements this (the search asks it before stepping, for every candidate);
    /// the default steps and checks the whole state.
    func canStillObserve(_ input: Input, _ output: Output, afterApplying applied: Input, _ appliedOutput: Output,
                         to previous: State) -> Bool
}

extension MonotoneModel {
    public func canStillObserve(_ input: Input, _ output: Output, afterApplying applied: Input, _ appliedOutput: Output,
                                to previous: State) -> Bool {
        guard let next = step(previous, applied, appliedOutput) else { return true }
        return canStillObserve(input, output, from: next)
    }
}

/// An operation the model cannot interpret, naming it and what was expected.
public struct ModelError: Error, Sendable, CustomStringConvertible {
    public var operation: HistoryOperation
    public var message: String

    public init(_ operation: HistoryOperation, _ message: String) {
        self.operation = operation
        self.message = message
    }

    public var description: String {
        "operation \(operation.id) (process \(operation.process), \(operation.f) \(operation.input)): \(message)"
    }
}
