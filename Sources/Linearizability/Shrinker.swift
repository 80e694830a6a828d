/// Shrinks a failing partition to a small failing sub-history (delta debugging): removes chunks
/// of operations, halving the chunk size, as long as what is left stays illegal.
///
/// Removal is a relaxation, never a new constraint: a removed read-only operation is left out,
/// and a removed operation that changes the state stays in every later trial as *optional* (it
/// took effect within its own interval, or not at all). What remains is therefore illegal
/// whatever the removed operations did, so it never fails for a false reason such as a read of
/// a value whose write was removed.
struct Shrinker<M: Model> {
    let model: M
    let hooks: MonotoneHooks<M>?
    /// Search steps allowed for each trial; a trial that does not finish counts as not illegal.
    var trialIterations = 2_000_000
    let deadline: ContinuousClock.Instant

    func isIllegal(_ entries: [SearchEntry<M>]) -> Bool {
        let search = WGLSearch(model: model, entries: entries, hooks: hooks)
        return search.run(iterations: trialIterations) == .illegal
    }

    /// Returns the indices (into `entries`) of a small illegal subset, in order.
    func shrink(_ entries: [SearchEntry<M>]) -> [Int] {
        var removed = Array(repeating: false, count: entries.count)
        func trial(without chunk: Range<Int>, of keep: [Int]) -> [SearchEntry<M>] {
            var out: [SearchEntry<M>] = []
            let dropped = Set(keep[chunk])
            for i in entries.indices {
                if removed[i] || dropped.contains(i) {
                    if model.isReadOnly(entries[i].input, entries[i].output) { continue }
                    var e = entries[i]
                    e.optional = true
                    out.append(e)
                } else {
                    out.append(entries[i])
                }
            }
            return out
        }
        var keep = Array(entries.indices)
        var chunk = max(keep.count / 2, 1)
        while ContinuousClock.now < deadline {
            var i = 0
            var removedAny = false
            while i < keep.count && ContinuousClock.now < deadline {
                let end = min(i + chunk, keep.count)
                if end - i < keep.count && isIllegal(trial(without: i..<end, of: keep)) {
                    for k in keep[i..<end] { removed[k] = true }
                    keep.removeSubrange(i..<end)
                    removedAny = true
                } else {
                    i = end
                }
            }
            if chunk == 1 && !removedAny { break }
            chunk = max(chunk / 2, 1)
        }
        return keep
    }
}
