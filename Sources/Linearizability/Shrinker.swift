/// Shrinks a failing partition to a small failing sub-history (delta debugging).
///
/// First a guess: the blocking operation (the one the failed search could not place) and the
/// operation that left the state it was blocked in, everything else removed, in one trial. A
/// stale or impossible read is usually exactly that pair, so its counterexample then costs a
/// few trials on two operations. When the guess is not illegal, the window around the blocking
/// operation: everything invoked after it completed is removed in one trial, then the earliest operations
/// before it are removed by bisection (the largest leading run whose removal leaves the rest
/// illegal). Each of these is a few trials on the whole partition instead of one per chunk.
/// Then the chunked pass on what is left: removes chunks of operations, halving the chunk size,
/// as long as what is left stays illegal.
///
/// Operations of unknown outcome go first, without a trial: they are never required, so removing
/// them changes nothing.
///
/// Removal is a relaxation, never a new constraint: a removed read-only operation is left out,
/// and a removed operation that changes the state stays in every later trial as *optional* (it
/// took effect within its own interval, or not at all). What remains is therefore illegal
/// whatever the removed operations did, so it never fails for a false reason such as a read of
/// a value whose write was removed. Every removal, in each phase, is kept only after a trial
/// showed the rest illegal under this rule.
struct Shrinker<M: Model> {
    let model: M
    let hooks: MonotoneHooks<M>?
    /// Search steps allowed for each trial; a trial that does not finish counts as not illegal.
    var trialIterations = 2_000_000
    let deadline: ContinuousClock.Instant
    /// Shrink the window around the blocking operation before the chunked pass. When false,
    /// only the chunked pass runs (the shrinker as it was before; tests compare the two).
    var windowFirst = true
    /// Trials (searches of a candidate sub-history) the last `shrink` ran.
    private(set) var trials = 0
    /// Search steps those trials took in all.
    private(set) var searchSteps = 0
    /// The search of the last trial shown illegal (watching the blocking operation): after
    /// `shrink`, the search of exactly what it returns (each accepted removal is the last trial's
    /// sub-history: the entries not returned are optional or absent in it), or nil when no trial
    /// was accepted.
    private(set) var lastIllegal: WGLSearch<M>?

    /// Returns the indices (into `entries`) of a small illegal subset, in order. `blocking` is
    /// the entry the failed search of all of `entries` could not place (nil: unknown), around
    /// which the window is shrunk first; `blockedAfter` the entries that search placed before
    /// it at its deepest dead end (`WGLSearch.bestPrefix`), from which the guess is taken.
    /// `reusing`, a search over exactly `entries` (the failed one), is restarted for the first
    /// trials instead of setting up a new one: it is then lost unless it became `lastIllegal`.
    mutating func shrink(_ entries: [SearchEntry<M>], blocking: Int? = nil, blockedAfter: [Int32] = [],
                         reusing search: WGLSearch<M>? = nil) -> [Int] {
        trials = 0
        searchSteps = 0
        lastIllegal = nil
        let n = entries.count
        let readOnly = entries.map { model.isReadOnly($0.input, $0.output) }
        var removed = Array(repeating: false, count: n)
        var optional = Array(repeating: false, count: n)
        var absent = Array(repeating: false, count: n)
        // Every trial restarts one of two searches over all of `entries` (set up once): the
        // spare one, which becomes `lastIllegal` when the trial is illegal.
        var spare = search ?? WGLSearch(model: model, entries: entries, hooks: hooks)
        /// Whether the trial sub-history is illegal: `removed` and `dropped` entries left out
        /// (absent), or optional when they change the state.
        func isIllegal<C: Collection<Int>>(dropping dropped: C) -> Bool {
            for i in 0..<n {
                optional[i] = entries[i].optional || (removed[i] && !readOnly[i])
                absent[i] = removed[i] && readOnly[i]
            }
            for i in dropped {
                optional[i] = !readOnly[i]
                absent[i] = readOnly[i]
            }
            trials += 1
            spare.restart(optional: optional, absent: absent, watching: blocking ?? -1)
            let status = spare.run(iterations: trialIterations)
            searchSteps += spare.iterationsDone
            guard status == .illegal else { return false }
            let next = lastIllegal ?? WGLSearch(model: model, entries: entries, hooks: hooks)
            lastIllegal = spare
            spare = next
            return true
        }
        // Operations of unknown outcome are removed without a trial: left out (read-only) or
        // optional, which for them changes nothing (they were never required), so what remains
        // is exactly as illegal as before.
        for i in entries.indices where entries[i].ret == Int.max { removed[i] = true }
        var keep = entries.indices.filter { !removed[$0] }
        // Operations shown needed: removing one (with what was removed then) left the rest not
        // illegal. Removal only relaxes (a removed operation becomes optional or absent), so
        // the rest stays not illegal after any further removal: it is never tried again.
        var needed = Set<Int>()

        // 0. The guess: the blocking operation and the last state-changing operation placed
        //    before it (of those not removed already), nothing else.
        var guessed = false
        if windowFirst, let b = blocking, entries.indices.contains(b), !removed[b] {
            var guess = [b]
            if let p = blockedAfter.last(where: { $0 >= 0 && Int($0) != b && entries.indices.contains(Int($0))
                && !removed[Int($0)] && !readOnly[Int($0)] }) {
                guess.append(Int(p))
            }
            let others = keep.filter { !guess.contains($0) }
            if !others.isEmpty, ContinuousClock.now < deadline, isIllegal(dropping: others) {
                for k in others { removed[k] = true }
                keep = guess.sorted()
                guessed = true
            }
        }

        if windowFirst, !guessed, let b = blocking, entries.indices.contains(b) {
            // 1. Truncate: everything invoked after the blocking operation completed.
            let end = entries[b].ret
            if end != Int.max {
                let after = keep.filter { $0 != b && entries[$0].call > end }
                if !after.isEmpty, ContinuousClock.now < deadline, isIllegal(dropping: after) {
                    for k in after { removed[k] = true }
                    let gone = Set(after)
                    keep.removeAll { gone.contains($0) }
                }
            }
            // 2. Bisect the prefix: the longest leading run of operations before the blocking
            //    one whose removal leaves the rest illegal (`lo` is always a removal shown illegal).
            let prefix = keep.prefix { $0 != b }
            var lo = 0
            var hi = prefix.count
            while lo < hi && ContinuousClock.now < deadline {
                let mid = (lo + hi + 1) / 2
                if isIllegal(dropping: prefix.prefix(mid)) { lo = mid } else { hi = mid - 1 }
            }
            if lo > 0 {
                for k in prefix.prefix(lo) { removed[k] = true }
                keep.removeFirst(lo)
            }
            // The run one longer was shown not illegal: what it removes beyond the kept run is
            // exactly the first operation left, which is therefore needed.
            if lo == hi && lo < prefix.count { needed.insert(prefix[prefix.startIndex + lo]) }
        }

        // 3. The chunked pass on what is left. A chunk holding a needed operation is not tried:
        //    its removal removes more than that operation's did, so it is not illegal either.
        //    Once every operation left is needed (each was tried alone), nothing more can go.
        var chunk = max(keep.count / 2, 1)
        while ContinuousClock.now < deadline && !keep.allSatisfy(needed.contains) {
            var i = 0
            while i < keep.count && ContinuousClock.now < deadline {
                let end = min(i + chunk, keep.count)
                if end - i < keep.count && !keep[i..<end].contains(where: needed.contains) {
                    if isIllegal(dropping: keep[i..<end]) {
                        for k in keep[i..<end] { removed[k] = true }
                        keep.removeSubrange(i..<end)
                        continue
                    }
                    if chunk == 1 { needed.insert(keep[i]) }
                }
                i = end
            }
            if chunk == 1 { break }
            chunk = max(chunk / 2, 1)
        }
        // No trial accepted, but operations of unknown outcome were removed: one trial of what
        // is left, so that `lastIllegal` is its search.
        if lastIllegal == nil && keep.count < n && ContinuousClock.now < deadline {
            _ = isIllegal(dropping: EmptyCollection())
        }
        return keep
    }
}
