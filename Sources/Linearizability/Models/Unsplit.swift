import History

/// Checks a keyed model over the whole history as one map, without splitting by key: the state
/// holds one `M.State` per key. Slower than splitting (the search sees every interleaving of
/// every key); used to compare with checkers that do not split, and for models whose keys
/// might interact.
/// An input of one key of an `Unsplit` map: the key's slot and the inner model's input.
public struct KeyedInput<Input: Hashable & Sendable>: Hashable, Sendable {
    public var slot: Int
    public var input: Input
}

public struct Unsplit<M: Model>: Model {
    /// The states of all keys, with a hash kept up to date as one key changes.
    public struct State: Hashable, Sendable {
        var values: [M.State]
        var combinedHash: Int

        public static func == (a: State, b: State) -> Bool {
            a.combinedHash == b.combinedHash && a.values == b.values
        }
        public func hash(into hasher: inout Hasher) { hasher.combine(combinedHash) }
    }

    public let model: M
    private let slots: [Value?: Int]
    public let initialState: State

    /// Prepares the map over every key that occurs in `operations`.
    public init(_ model: M, operations: [HistoryOperation]) {
        self.model = model
        var slots: [Value?: Int] = [:]
        for op in operations where slots[model.partitionKey(of: op)] == nil {
            slots[model.partitionKey(of: op)] = slots.count
        }
        self.slots = slots
        let values = Array(repeating: model.initialState, count: max(slots.count, 1))
        initialState = State(
            values: values,
            combinedHash: values.indices.reduce(0) { $0 &+ Self.slotHash($1, model.initialState) })
    }

    public var name: String { model.name + " (unsplit)" }

    static func slotHash(_ slot: Int, _ value: M.State) -> Int {
        var h = Hasher()
        h.combine(slot)
        h.combine(value)
        return h.finalize()
    }

    public func entry(for op: HistoryOperation) throws(ModelError) -> (input: KeyedInput<M.Input>, output: M.Output)? {
        guard let (input, output) = try model.entry(for: op) else { return nil }
        return (KeyedInput(slot: slots[model.partitionKey(of: op)] ?? 0, input: input), output)
    }

    public func partitionKey(of operation: HistoryOperation) -> Value? { nil }

    public func step(_ state: State, _ input: KeyedInput<M.Input>, _ output: M.Output) -> State? {
        let (slot, inner) = (input.slot, input.input)
        let old = state.values[slot]
        guard let new = model.step(old, inner, output) else { return nil }
        if new == old { return state }
        var next = state
        next.values[slot] = new
        next.combinedHash = state.combinedHash &- Self.slotHash(slot, old) &+ Self.slotHash(slot, new)
        return next
    }

    public func isReadOnly(_ input: KeyedInput<M.Input>, _ output: M.Output) -> Bool {
        model.isReadOnly(input.input, output)
    }

    public func describe(state: State) -> String {
        let names = slots.sorted { $0.value < $1.value }.map { $0.key.map(\.description) ?? "-" }
        return "{" + zip(names, state.values).map { "\($0) \(model.describe(state: $1))" }.joined(separator: ", ") + "}"
    }

    public func describe(input: KeyedInput<M.Input>, output: M.Output) -> String {
        model.describe(input: input.input, output: output)
    }
}

extension Unsplit: MonotoneModel where M: MonotoneModel {
    public func isMonotone(_ input: KeyedInput<M.Input>) -> Bool { model.isMonotone(input.input) }
    public func isObservation(_ input: KeyedInput<M.Input>, _ output: M.Output) -> Bool {
        model.isObservation(input.input, output)
    }
    public func canStillObserve(_ input: KeyedInput<M.Input>, _ output: M.Output, from state: State) -> Bool {
        model.canStillObserve(input.input, output, from: state.values[input.slot])
    }
}
