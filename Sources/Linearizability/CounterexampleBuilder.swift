import History

/// Turns a failed search into a `Counterexample`: shrinks the partition, replays the longest
/// linearization found, and collects the states the blocking operation met.
struct CounterexampleBuilder<M: Model> {
    let model: M
    let hooks: MonotoneHooks<M>?
    let part: PreparedHistory<M>.Part
    let deadline: ContinuousClock.Instant
    /// Search steps taken to list the states the blocking operation met.
    var explorationLimit = 50_000

    /// The counterexample, and the time spent shrinking it (zero when `shrink` is false).
    func build(from failed: WGLSearch<M>, shrink: Bool) -> (Counterexample, shrinkElapsed: Duration) {
        var search = failed
        var shrinkElapsed = Duration.zero
        if shrink {
            let shrinkStart = ContinuousClock.now
            defer { shrinkElapsed = ContinuousClock.now - shrinkStart }
            var shrinker = Shrinker(model: model, hooks: hooks, deadline: deadline)
            let blocking = failed.bestBlocking >= 0 ? Int(failed.bestBlocking) : nil
            _ = shrinker.shrink(part.entries, blocking: blocking, blockedAfter: failed.bestPrefix, reusing: failed)
            // The shrinker's last accepted trial searched exactly the core operations, with every
            // removed write optional (context) and removed reads absent.
            if let small = shrinker.lastIllegal {
                search = small
            } else if shrinker.trials > 0 {
                // No trial accepted, and the trials restarted the failed search: search it again.
                failed.restart(optional: part.entries.map(\.optional),
                               absent: Array(repeating: false, count: part.entries.count))
                while failed.run(iterations: 1 << 16) == .suspended && ContinuousClock.now < deadline {}
            }
        }
        let entries = search.entries
        let ops = part.operations
        let core = entries.indices.filter { !search.isOptional($0) && !search.isAbsent($0) }
        let optionalCount = entries.indices.filter { search.isOptional($0) && !search.isAbsent($0) }.count

        var steps: [Counterexample.Step] = []
        var state = model.initialState
        for placed in search.bestPrefix.map(Int.init) where placed >= 0 {  // < 0: left out
            let i = placed
            guard let next = model.step(state, entries[i].input, entries[i].output) else { break }
            state = next
            steps.append(Counterexample.Step(
                operation: ops[i], description: describe(entries[i], ops[i]),
                stateAfter: model.describe(state: state), optional: search.isOptional(i)))
        }
        let blocking = search.bestBlocking >= 0 ? Int(search.bestBlocking) : nil
        let met = blocking.map { statesMet(by: $0, in: search) } ?? []

        var story: [String] = []
        let keyText = part.key.map { "Key \($0): " } ?? ""
        if optionalCount > 0 {
            story.append(
                "\(keyText)these \(core.count) operations (shrunk from \(part.entries.count)) have no linearization, "
                    + "even when each of the \(optionalCount) other writes may have taken effect within its own interval or not at all.")
        } else {
            story.append("\(keyText)these \(core.count) operations (shrunk from \(part.entries.count)) have no linearization.")
        }
        if steps.isEmpty {
            story.append("No operation can be placed first from the initial state \(model.describe(state: model.initialState)).")
        } else {
            story.append("The longest linearization found places \(steps.count) operations, ending in state \(model.describe(state: state)).")
        }
        if let b = blocking {
            let metText = met.isEmpty ? model.describe(state: state) : met.joined(separator: ", ")
            story.append(
                "Then \(describe(entries[b], ops[b])) cannot take effect: it is illegal in every state it met (\(metText)), "
                    + "and it completed before anything else could change the state.")
        }
        let counterexample = Counterexample(
            key: part.key, operations: core.map { ops[$0] }.sorted { $0.invokeIndex < $1.invokeIndex },
            shrunkFrom: part.entries.count, linearization: steps,
            blocking: blocking.map { ops[$0] }, blockingDescription: blocking.map { describe(entries[$0], ops[$0]) },
            statesMet: met, explanation: story)
        return (counterexample, shrinkElapsed)
    }

    private func describe(_ e: SearchEntry<M>, _ op: HistoryOperation) -> String {
        let outcome = op.outcome == .info ? " (outcome unknown)" : ""
        return "process \(op.process): \(model.describe(input: e.input, output: e.output))\(outcome)"
    }

    /// The distinct states in which `blocking` was a candidate and illegal, as a search of the
    /// (small, when shrunk) sub-history meets them within `explorationLimit` steps. A search
    /// that watched it already (the shrinker's) met them all; any other is restarted to watch it.
    private func statesMet(by blocking: Int, in search: WGLSearch<M>) -> [String] {
        if search.watched != blocking {
            search.restart(watching: blocking)
            _ = search.run(iterations: explorationLimit)
        }
        return search.statesMetByWatched.map { model.describe(state: $0) }
    }
}
