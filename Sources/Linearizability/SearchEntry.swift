/// One operation as the search sees it: the model's input and output, and when it was invoked
/// and completed (positions in the history; `Int.max` when the outcome is unknown).
struct SearchEntry<M: Model>: Sendable {
    var input: M.Input
    var output: M.Output
    var call: Int
    var ret: Int
    /// The `HistoryOperation.id` this entry came from.
    var operationID: Int
    /// May be left out: it either took effect (within its interval) or not at all. Used by the
    /// shrinker for operations it has removed.
    var optional = false

    var isRequired: Bool { ret != Int.max && !optional }
}

/// The optional pruning of `MonotoneModel`, captured as closures so the search stays generic
/// over any `Model`.
struct MonotoneHooks<M: Model>: Sendable {
    var isMonotone: @Sendable (M.Input) -> Bool
    var isObservation: @Sendable (M.Input, M.Output) -> Bool
    var canStillObserve: @Sendable (M.Input, M.Output, M.State) -> Bool
    /// The same after one entry applied to a state that passed (see `MonotoneModel`).
    var canStillObserveAfter: @Sendable (M.Input, M.Output, M.Input, M.Output, M.State) -> Bool
}

extension MonotoneHooks where M: MonotoneModel {
    init(_ model: M) {
        isMonotone = { model.isMonotone($0) }
        isObservation = { model.isObservation($0, $1) }
        canStillObserve = { model.canStillObserve($0, $1, from: $2) }
        canStillObserveAfter = { model.canStillObserve($0, $1, afterApplying: $2, $3, to: $4) }
    }
}
