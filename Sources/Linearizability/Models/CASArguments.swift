import History

extension HistoryOperation {
    /// The `[expected new]` pair of a compare-and-set, or a `ModelError` saying what was expected.
    func casArguments() throws(ModelError) -> (expected: Value, new: Value) {
        guard case .array(let pair) = input, pair.count == 2 else {
            throw ModelError(self, "expected cas value [expected new]")
        }
        return (pair[0], pair[1])
    }
}
