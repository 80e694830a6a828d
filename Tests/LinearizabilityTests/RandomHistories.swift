import History
@testable import Linearizability

/// Decides linearizability by trying every order of the operations: slow, obviously right, and
/// used only on tiny histories to cross-check the search.
func bruteForceLinearizable<M: Model>(_ ops: [HistoryOperation], model: M) -> Bool {
    let prepared = try! PreparedHistory(operations: ops, model: model, split: false)
    guard let entries = prepared.parts.first?.entries else { return true }
    func search(_ placed: [Bool], _ state: M.State) -> Bool {
        if entries.indices.allSatisfy({ placed[$0] || !entries[$0].isRequired }) { return true }
        let horizon = entries.indices.filter { !placed[$0] }.map { entries[$0].ret }.min()!
        for i in entries.indices where !placed[i] && entries[i].call < horizon {
            if let s = model.step(state, entries[i].input, entries[i].output) {
                var p = placed
                p[i] = true
                if search(p, s) { return true }
            }
        }
        return false
    }
    return search(Array(repeating: false, count: entries.count), model.initialState)
}
