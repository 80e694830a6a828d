import History

/// The Wing–Gong linearizability search with Lowe's memo, for one partition, resumable.
///
/// Operations are calls and returns in a doubly linked list in history order. The search
/// linearizes a call whose step is legal (lifting it and its return out of the list), and
/// backtracks when it meets a return: that operation has to take effect before anything later.
/// A node (linearized set, state) already in the memo is never explored twice.
///
/// Operations of unknown outcome (crashed: their return is at the end of history) are kept out
/// of the list: at each node they are tried after the calls in the list, those invoked before
/// the first return still in the list. They are never required, so a node that has used up
/// more of them than a visited node with the same completed operations and state is covered by
/// it (see `Memo`), and trying them last lets the nodes that use fewer be visited first.
///
/// Reductions that keep the search small without losing completeness:
/// - An enabled read-only operation (a read that matches) is linearized at once without trying
///   alternatives: moving it to the front of any linearization keeps it valid. A read-only
///   operation of unknown outcome is never placed: it changes nothing and is not required.
/// - The memo's subsumption over operations of unknown outcome, above.
/// - With a `MonotoneModel`, once only monotone operations remain, a state from which the
///   earliest unplaced observation can no longer be reached is abandoned.
///
/// `run(iterations:)` does a bounded amount of work and can be called again, so a scheduler can
/// share cores among partitions and stop any of them at a deadline.
final class WGLSearch<M: Model> {
    enum Status: Equatable { case linearizable, illegal, suspended }

    private struct Frame {
        var entry: Int32
        var state: M.State
        var forced: Bool
        var dropped: Bool
        var observerCursor: Int32
        /// For an entry of unknown outcome: the return node that bounded the candidates at the
        /// node it was placed from (see `limit`).
        var limit: Int32
    }

    let model: M
    /// The entries searched (replaced only by `load`). The search loop reads them through a
    /// local constant: an entry's input read from this variable was copied whole (through the
    /// generic entry's witnesses) for every step.
    private(set) var entries: [SearchEntry<M>] = []
    /// Per entry: its `call` and `ret` (read without copying the entry).
    private var calls: [Int] = []
    private var rets: [Int] = []
    /// Per entry: may be left out (`SearchEntry.optional`, or as `restart` was told since).
    private var optional: [Bool] = []
    /// Per entry: completes and is not optional (kept apart from `entries`, which stays
    /// immutable so the search reads it without copying).
    private var required: [Bool] = []
    /// Entries left out of the search (see `restart`).
    private var absent: [Bool] = []
    /// The call and return nodes of the completing entries, in history order.
    private var events: [Int32] = []
    /// `hooks != nil`, tested on every step without copying the optional hooks (four closures).
    private let hasHooks: Bool
    /// The hooks `load` asks about each entry.
    private let isMonotoneHook: (@Sendable (M.Input) -> Bool)?
    private let isObservationHook: (@Sendable (M.Input, M.Output) -> Bool)?
    /// The two hooks the search calls per node, kept apart (true when there are no hooks): reading
    /// them out of the optional hooks copied all four closures on every call.
    private let observable: @Sendable (M.Input, M.Output, M.State) -> Bool
    private let observableAfter: @Sendable (M.Input, M.Output, M.Input, M.Output, M.State) -> Bool

    // Linked list of the entries that complete: node 0 is the head sentinel; entry i has call
    // node 2i+1 and return node 2i+2.
    private var next: [Int32] = []
    private var prev: [Int32] = []
    private var cursor: Int32 = 0
    private var arrived = true

    // Entries of unknown outcome (`ret == Int.max`), in call order: pending slot p is entry
    // `pendingEntry[p]`; a linked list of the ones not linearized, sentinel `pendingCount`.
    private var pendingEntry: [Int32] = []
    private var pendingCount: Int32 = 0
    private var pnext: [Int32] = []
    private var pprev: [Int32] = []
    /// True while the candidates tried are the pending entries (after the list's calls).
    private var inPending = false
    private var pcursor: Int32 = 0
    /// The first return node in the list when the pending entries are tried (0: none): only
    /// those invoked before it are candidates.
    private var limit: Int32 = 0
    private var limitPosition = Int.max

    /// Per entry: its slot in `bits` (completing entries) or in `pendingBits` (unknown outcome).
    private var slot: [Int32] = []
    private var isPending: [Bool] = []

    private var state: M.State
    private var bits: [UInt64] = []
    private var pendingBits: [UInt64] = []
    private var bitsHash: UInt64 = 0
    private var zobrist: [UInt64] = []
    private var stack: [Frame] = []
    private(set) var memo: Memo<M.State>
    private var requiredCount = 0
    private var readOnly: [Bool] = []
    /// For an entry of unknown outcome: the previous such entry (by invocation) with the same
    /// input and output, or -1. Interchangeable, so the later one waits for the earlier.
    private var twinBefore: [Int32] = []
    private var linearizedRequired = 0

    // Monotone pruning.
    private var isNonMonotone: [Bool] = []
    private var nonMonotoneRemaining = 0
    private var isObservation: [Bool] = []
    private var observers: [Int32] = []
    private var observerRank: [Int32] = []
    private var observerCursor: Int32 = 0
    /// By depth of the stack: the observer the state at that depth was found able to reach, or -1.
    /// A state one entry deeper then only needs that entry checked against the same observer.
    private var reachableObserver: [Int32] = []

    /// The deepest partial linearization seen when the search had to backtrack (an optional
    /// entry i that was left out appears as -1-i).
    private(set) var bestPrefix: [Int32] = []
    private(set) var bestState: M.State
    /// The operation that could not be placed after `bestPrefix`.
    private(set) var bestBlocking: Int32 = -1
    /// How many leading entries of `bestPrefix` the stack still holds, so recording a deeper
    /// dead end copies only what changed (a greedy descent meets one at every depth).
    private var bestShared = 0
    private(set) var iterationsDone = 0
    /// An entry whose failed steps are recorded (-1: none), for the counterexample.
    private(set) var watched: Int
    /// The distinct states in which `watched` was tried and was illegal, in the order met.
    private(set) var statesMetByWatched: [M.State] = []
    private var watchedMet: Set<M.State> = []

    init(model: M, entries: [SearchEntry<M>], hooks: MonotoneHooks<M>?, watching watched: Int = -1) {
        self.watched = watched
        self.model = model
        hasHooks = hooks != nil
        if let hooks {
            observable = hooks.canStillObserve
            observableAfter = hooks.canStillObserveAfter
        } else {
            observable = { @Sendable _, _, _ in true }
            observableAfter = { @Sendable _, _, _, _, _ in true }
        }
        isMonotoneHook = hooks?.isMonotone
        isObservationHook = hooks?.isObservation
        state = model.initialState
        bestState = model.initialState
        memo = Memo(words: 1, capacity: 0)
        load(entries, watching: watched)
    }

    /// Makes this the search of `entries` (same model and hooks), as a new search would be, but
    /// in the arrays of the one it was: a check that searches many small partitions one after
    /// another on a thread builds one search, not one per partition (allocating some thirty
    /// arrays cost a partition of a few dozen operations about as much as its search).
    func load(_ entries: [SearchEntry<M>], watching watched: Int = -1) {
        self.entries = entries
        let n = entries.count
        // Everything per entry in one pass, each entry read in place: `entries[i].call` copied the
        // whole entry (its input and output, through the generic type's witnesses) to read one
        // field, several times per entry.
        var calls = Self.refill(&self.calls, 0, n), rets = Self.refill(&self.rets, 0, n)
        var readOnly = Self.refill(&self.readOnly, false, n)
        var optional = Self.refill(&self.optional, false, n), required = Self.refill(&self.required, false, n)
        var isNonMonotone = Self.refill(&self.isNonMonotone, false, hasHooks ? n : 0)
        var isObservation = Self.refill(&self.isObservation, false, hasHooks ? n : 0)
        let model = model, isMonotone = isMonotoneHook, observes = isObservationHook
        entries.withUnsafeBufferPointer { e in
            for i in 0..<n {
                calls[i] = e[i].call
                rets[i] = e[i].ret
                optional[i] = e[i].optional
                required[i] = e[i].isRequired
                readOnly[i] = model.isReadOnly(e[i].input, e[i].output)
                if let isMonotone, let observes {
                    isNonMonotone[i] = !isMonotone(e[i].input)
                    isObservation[i] = observes(e[i].input, e[i].output)
                }
            }
        }
        let pendingOrder = (0..<n).filter { rets[$0] == Int.max }.sorted { (calls[$0], $0) < (calls[$1], $1) }
        var slot = Self.refill(&self.slot, 0, n)
        var isPending = Self.refill(&self.isPending, false, n)
        for (p, i) in pendingOrder.enumerated() {
            slot[i] = Int32(p)
            isPending[i] = true
        }
        var completing = 0
        for i in 0..<n where !isPending[i] {
            slot[i] = Int32(completing)
            completing += 1
        }
        pendingEntry = pendingOrder.map { Int32($0) }
        let p = pendingOrder.count
        pendingCount = Int32(p)
        pnext = Self.refill(&pnext, 0, p + 1)
        pprev = Self.refill(&pprev, 0, p + 1)
        let words = max((completing + 63) / 64, 1)
        let pendingWords = (p + 63) / 64
        bits = Self.refill(&bits, 0, words)
        pendingBits = Self.refill(&pendingBits, 0, pendingWords)
        // Sized for a few nodes per entry (it grows as needed): a tiny partition's table stays
        // tiny. A loaded search keeps its memo (emptied by `restart`) when it has the same shape.
        if memo.words != words || memo.pendingWords != pendingWords || memo.tableSize < 2 * min(1024, 4 * n + 8) {
            // (A fresh search's placeholder memo is always replaced here.)
            memo = Memo(words: words, pendingWords: pendingWords, capacity: min(1024, 4 * n + 8))
        }
        stack.reserveCapacity(n + 1)
        var rng = SplitMix64(seed: 0x5EED_F00D ^ UInt64(n))
        var zobrist = Self.refill(&self.zobrist, 0, 0)
        for _ in 0..<completing { zobrist.append(rng.next()) }
        self.zobrist = zobrist
        reachableObserver = Self.refill(&reachableObserver, -1, n + 1)
        twinBefore = p == 0 ? Self.refill(&twinBefore, -1, n) : Self.twins(entries)

        // Events of the completing entries in history order.
        var events: [(pos: Int, tie: Int, node: Int32)] = []
        events.reserveCapacity(2 * n)
        for i in entries.indices where !isPending[i] {
            events.append((calls[i], i, Int32(2 * i + 1)))
            events.append((rets[i], i, Int32(2 * i + 2)))
        }
        events.sort { $0.pos != $1.pos ? $0.pos < $1.pos : $0.tie < $1.tie }
        var nodes = Self.refill(&self.events, 0, 0)
        nodes.append(contentsOf: events.lazy.map(\.node))
        self.events = nodes
        next = Self.refill(&next, 0, 2 * n + 1)
        prev = Self.refill(&prev, 0, 2 * n + 1)
        absent = Self.refill(&absent, false, n)
        self.calls = calls
        self.rets = rets
        self.readOnly = readOnly
        self.optional = optional
        self.required = required
        self.isNonMonotone = isNonMonotone
        self.isObservation = isObservation
        self.slot = slot
        self.isPending = isPending
        restart(watching: watched)
    }

    /// `array`'s storage, taken out of it (so it is not shared) and refilled with `count` copies
    /// of `value`.
    private static func refill<T>(_ array: inout [T], _ value: T, _ count: Int) -> [T] {
        var taken: [T] = []
        swap(&taken, &array)
        taken.removeAll(keepingCapacity: true)
        taken.append(contentsOf: repeatElement(value, count: count))
        return taken
    }

    /// Starts the search over, from the root with an empty memo, keeping what depends only on
    /// the entries (the order of their events, the interchangeable ones): a shrinker searches
    /// many sub-histories of one history with a single search. `optional` (per entry) replaces
    /// which entries may be left out; `absent` (per entry) leaves entries out of the search
    /// altogether (read-only ones: leaving them out changes no state). Omitted: as before.
    func restart(optional: [Bool]? = nil, absent: [Bool]? = nil, watching: Int = -1) {
        if let optional {
            self.optional = optional
            for i in entries.indices { required[i] = rets[i] != Int.max && !optional[i] }
        }
        if let absent { self.absent = absent }
        watched = watching
        let n = entries.count
        var last: Int32 = 0
        for node in events where !self.absent[entryOf(node)] {
            next[Int(last)] = node
            prev[Int(node)] = last
            last = node
        }
        next[Int(last)] = 0
        prev[0] = last
        cursor = next[0]
        arrived = true
        var lastPending = pendingCount
        for q in 0..<pendingCount where !self.absent[Int(pendingEntry[Int(q)])] {
            pnext[Int(lastPending)] = q
            pprev[Int(q)] = lastPending
            lastPending = q
        }
        pnext[Int(lastPending)] = pendingCount
        pprev[Int(pendingCount)] = lastPending
        inPending = false
        pcursor = 0
        limit = 0
        limitPosition = Int.max
        state = model.initialState
        for k in bits.indices { bits[k] = 0 }
        for k in pendingBits.indices { pendingBits[k] = 0 }
        bitsHash = 0
        stack.removeAll(keepingCapacity: true)
        memo.removeAll()
        requiredCount = 0
        for i in 0..<n where required[i] && !self.absent[i] { requiredCount += 1 }
        linearizedRequired = 0
        if hasHooks {
            nonMonotoneRemaining = 0
            for i in 0..<n where isNonMonotone[i] && !self.absent[i] { nonMonotoneRemaining += 1 }
            // In the arrays of the last search (see `load`); the sort is stable, so observations
            // that complete together stay in entry order.
            var observers = Self.refill(&self.observers, 0, 0)
            for i in 0..<n where required[i] && !self.absent[i] && isObservation[i] { observers.append(Int32(i)) }
            observers.sort { rets[Int($0)] < rets[Int($1)] }
            var observerRank = Self.refill(&self.observerRank, -1, n)
            for (r, i) in observers.enumerated() { observerRank[Int(i)] = Int32(r) }
            self.observers = observers
            self.observerRank = observerRank
            observerCursor = 0
        }
        for k in reachableObserver.indices { reachableObserver[k] = -1 }
        bestPrefix.removeAll(keepingCapacity: true)
        bestState = model.initialState
        bestBlocking = -1
        bestShared = 0
        iterationsDone = 0
        statesMetByWatched.removeAll()
        watchedMet.removeAll()
    }

    /// Whether entry `i` is left out of the search (see `restart`).
    func isAbsent(_ i: Int) -> Bool { absent[i] }

    /// Whether entry `i` may be left out (see `restart`).
    func isOptional(_ i: Int) -> Bool { optional[i] }

    private struct TwinKey: Hashable {
        var input: M.Input
        var output: M.Output
    }

    /// Links each unknown-outcome entry to its interchangeable predecessor. Swapping two such
    /// entries in a linearization keeps it valid when the earlier-invoked one goes first, so
    /// only that order is searched. (`optional` changes nothing for them: they are never
    /// required anyway.)
    private static func twins(_ entries: [SearchEntry<M>]) -> [Int32] {
        var last: [TwinKey: Int32] = [:]
        var before = Array(repeating: Int32(-1), count: entries.count)
        for i in entries.indices.sorted(by: { entries[$0].call < entries[$1].call })
        where entries[i].ret == Int.max {
            let key = TwinKey(input: entries[i].input, output: entries[i].output)
            before[i] = last[key] ?? -1
            last[key] = Int32(i)
        }
        return before
    }

    @inline(__always) private func isCall(_ node: Int32) -> Bool { node & 1 == 1 }
    @inline(__always) private func entryOf(_ node: Int32) -> Int { Int((node - 1) >> 1) }

    private func unlink(_ node: Int) {
        let p = Int(prev[node]), nx = Int(next[node])
        next[p] = Int32(nx)
        prev[nx] = Int32(p)
    }

    private func relink(_ node: Int) {
        let p = Int(prev[node]), nx = Int(next[node])
        next[p] = Int32(node)
        prev[nx] = Int32(node)
    }

    private func isLinearized(_ i: Int) -> Bool {
        let k = Int(slot[i])
        let word = isPending[i] ? pendingBits[k >> 6] : bits[k >> 6]
        return word & (1 << UInt64(k & 63)) != 0
    }

    @inline(__always) private func flip(_ i: Int) {
        let k = Int(slot[i])
        if isPending[i] { pendingBits[k >> 6] ^= 1 << UInt64(k & 63) } else { bits[k >> 6] ^= 1 << UInt64(k & 63) }
    }

    /// Places entry `i` (already known legal, new state `s`) if the node is new; false if seen
    /// or covered.
    private func push(_ i: Int, newState s: M.State, forced: Bool, dropped: Bool = false) -> Bool {
        flip(i)
        let h = isPending[i] ? bitsHash : bitsHash ^ zobrist[Int(slot[i])]
        guard memo.insert(bits, bitsHash: h, state: s, pending: pendingBits) else {
            flip(i)
            return false
        }
        stack.append(Frame(entry: Int32(i), state: state, forced: forced, dropped: dropped, observerCursor: observerCursor,
                           limit: limit))
        state = s
        bitsHash = h
        if isPending[i] {
            let p = Int(slot[i])
            pnext[Int(pprev[p])] = pnext[p]
            pprev[Int(pnext[p])] = pprev[p]
        } else {
            unlink(2 * i + 1)
            unlink(2 * i + 2)
        }
        if required[i] { linearizedRequired += 1 }
        if hasHooks {
            if isNonMonotone[i] { nonMonotoneRemaining -= 1 }
            if observerRank[i] == observerCursor {
                var c = Int(observerCursor) + 1
                while c < observers.count && isLinearized(Int(observers[c])) { c += 1 }
                observerCursor = Int32(c)
            }
        }
        cursor = next[0]
        inPending = false
        arrived = true
        return true
    }

    /// Undoes the top frame; returns it.
    private func pop() -> Frame {
        let f = stack.removeLast()
        bestShared = min(bestShared, stack.count)
        let i = Int(f.entry)
        if isPending[i] {
            let p = Int(slot[i])
            pnext[Int(pprev[p])] = Int32(p)
            pprev[Int(pnext[p])] = Int32(p)
        } else {
            relink(2 * i + 2)
            relink(2 * i + 1)
            bitsHash ^= zobrist[Int(slot[i])]
        }
        flip(i)
        state = f.state
        if required[i] { linearizedRequired -= 1 }
        if hasHooks {
            if isNonMonotone[i] { nonMonotoneRemaining += 1 }
            observerCursor = f.observerCursor
        }
        return f
    }

    private func noteDeadEnd(blocking: Int) {
        guard bestBlocking < 0 || stack.count > bestPrefix.count else { return }
        recordStackAsBest()
        bestState = state
        bestBlocking = Int32(blocking)
    }

    /// `noteDeadEnd` for a child (entry `i` placed) that is not pushed.
    private func noteDeadEnd(blocking: Int, after i: Int) {
        guard bestBlocking < 0 || stack.count + 1 > bestPrefix.count,
            let s = model.step(state, self.entries[i].input, self.entries[i].output) else { return }
        recordStackAsBest()
        bestPrefix.append(Int32(i))
        bestState = s
        bestBlocking = Int32(blocking)
    }

    private func recordStackAsBest() {
        bestPrefix.removeSubrange(bestShared...)
        bestPrefix.append(contentsOf: stack[bestShared...].lazy.map { $0.dropped ? -1 - $0.entry : $0.entry })
        bestShared = stack.count
    }

    /// The observation that placing entry `i` would make unreachable, if any. Only looked at when
    /// this node was found able to reach the current observation (see `isCheckedBeforePlacing`).
    private func observationLost(placing i: Int) -> Int? {
        guard hasHooks, Int(observerCursor) < observers.count else { return nil }
        let g = Int(observers[Int(observerCursor)])
        guard reachableObserver[stack.count] == Int32(g), isCheckedBeforePlacing(i) else { return nil }
        let entries = self.entries  // a constant: read in place (see `entries`)
        return observableAfter(entries[g].input, entries[g].output, entries[i].input, entries[i].output, state) ? nil : g
    }

    /// Backtracks from a dead node: pops frames (all forced ones, then one more) and moves the
    /// cursor to the next alternative. Returns false when the root itself is dead.
    private func backtrack() -> Bool {
        while let top = stack.last {
            _ = pop()
            if !top.forced {
                let i = Int(top.entry)
                if isPending[i] {
                    inPending = true
                    pcursor = pnext[Int(slot[i])]
                    setLimit(top.limit)
                } else {
                    inPending = false
                    cursor = next[2 * i + 1]
                }
                arrived = false
                return true
            }
        }
        return false
    }

    /// On arriving at a new node: true if it is dead (pruned), after forcing no-op operations.
    private func settleArrival() -> Bool {
        let entries = self.entries  // a constant: read in place (see `entries`)
        arrived = false
        while true {
            let depth = stack.count
            reachableObserver[depth] = -1
            if hasHooks, nonMonotoneRemaining == 0, Int(observerCursor) < observers.count {
                let g = Int(observers[Int(observerCursor)])
                if !canStillObserve(g, depth: depth) {
                    noteDeadEnd(blocking: g)
                    return true
                }
                reachableObserver[depth] = Int32(g)
            }
            // Force a legal read-only operation.
            var node = next[0]
            var forcedOne = false
            while node != 0 && isCall(node) {
                let i = entryOf(node)
                if readOnly[i], let s = model.step(state, entries[i].input, entries[i].output) {
                    if !push(i, newState: s, forced: true) { return true }
                    arrived = false
                    forcedOne = true
                    break
                }
                node = next[Int(node)]
            }
            if !forcedOne { return false }
            if linearizedRequired == requiredCount { return false }
        }
    }

    /// Whether the state can still reach observation `g`. When the state one level up could, only
    /// the entry placed since can have changed that: a read or a left-out entry changed nothing,
    /// and any other was checked by `observationLost` before it was placed.
    private func canStillObserve(_ g: Int, depth: Int) -> Bool {
        let entries = self.entries  // a constant: read in place (see `entries`)
        guard depth > 0, reachableObserver[depth - 1] == Int32(g), let top = stack.last else {
            return observable(entries[g].input, entries[g].output, state)
        }
        let i = Int(top.entry)
        if top.dropped || readOnly[i] || isCheckedBeforePlacing(i) { return true }
        return observableAfter(entries[g].input, entries[g].output, entries[i].input, entries[i].output, top.state)
    }

    /// Entries that `observationLost` looks at: monotone ones that change the state and are not
    /// observations, so the observation to reach stays the same after them.
    private func isCheckedBeforePlacing(_ i: Int) -> Bool {
        !readOnly[i] && observerRank[i] < 0 && !isNonMonotone[i]
    }

    private func setLimit(_ node: Int32) {
        limit = node
        limitPosition = node == 0 ? Int.max : rets[entryOf(node)]
    }

    /// Tries entry `i` as the next operation: true if it was placed (a new node).
    @inline(__always) private func tryPlacing(_ i: Int) -> Bool {
        let entries = self.entries  // a constant: read in place (see `entries`)
        let twin = Int(twinBefore[i])
        guard twin < 0 || isLinearized(twin) else { return false }
        if let g = observationLost(placing: i) {
            // The child would be pruned on arrival: skip it before stepping (an add of
            // unknown outcome that no read saw is tried at every node).
            noteDeadEnd(blocking: g, after: i)
            return false
        }
        guard let s = model.step(state, entries[i].input, entries[i].output) else {
            if i == watched && watchedMet.insert(state).inserted { statesMetByWatched.append(state) }
            return false
        }
        // Two operations of unknown outcome in a row, the second leaving the same state as it
        // would straight from the node before the first (a write over a write): the first was of
        // no use, and that sibling node, which has it still available, covers this one.
        if isPending[i], let top = stack.last, isPending[Int(top.entry)], twinBefore[i] != top.entry,
            model.step(top.state, entries[i].input, entries[i].output) == s {
            return false
        }
        return push(i, newState: s, forced: false)
    }

    /// Searches for at most `iterations` steps.
    func run(iterations: Int) -> Status {
        var budget = iterations
        while budget > 0 {
            budget -= 1
            iterationsDone += 1
            if linearizedRequired == requiredCount { return .linearizable }
            if arrived && settleArrival() {
                if !backtrack() { return .illegal }
                continue
            }
            if linearizedRequired == requiredCount { return .linearizable }
            if !inPending {
                let node = cursor
                if node != 0 && isCall(node) {
                    if tryPlacing(entryOf(node)) { continue }
                    cursor = next[Int(node)]
                    continue
                }
                // The first return (or the end): next, the operations of unknown outcome
                // invoked before it.
                inPending = true
                setLimit(node)
                pcursor = pnext[Int(pendingCount)]
            }
            let p = pcursor
            if p != pendingCount, calls[Int(pendingEntry[Int(p)])] < limitPosition {
                let i = Int(pendingEntry[Int(p)])
                if !readOnly[i] && tryPlacing(i) { continue }
                pcursor = pnext[Int(p)]
                continue
            }
            // That return's operation cannot be put off any longer. An optional one can still
            // be left out, as the last alternative at this node.
            let node = limit
            if node != 0, optional[entryOf(node)], push(entryOf(node), newState: state, forced: true, dropped: true) {
                continue
            }
            noteDeadEnd(blocking: node == 0 ? -1 : entryOf(node))
            if !backtrack() { return .illegal }
        }
        return .suspended
    }

    /// The entries linearized so far, in order (valid after `.linearizable`).
    var linearization: [Int32] { stack.filter { !$0.dropped }.map(\.entry) }
}
