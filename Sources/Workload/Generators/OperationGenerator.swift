/// What a worker does next, as its generator says.
public enum GeneratorStep: Sendable, Hashable {
    /// Perform this operation, giving the client `timeout` (`Client.invoke(_:timeout:)`).
    case invoke(OperationRequest, timeout: Duration)
    /// Nothing to do before `until` (elapsed time since the run started): sleep, then ask again.
    case wait(until: Duration)
    /// This worker has nothing more to do, ever.
    case done
}

/// One worker's stream of operations (Jepsen's generator, cut per worker).
///
/// Contract, for the runner's worker pool:
/// - A run has `WorkloadGenerator.workerCount` workers, numbered from 0. Each worker gets its own
///   generator from `WorkloadGenerator.worker(_:)` (a value, not shared) and is its only caller.
/// - The worker loops: `next(at: elapsed)`, where `elapsed` is the run's monotonic time since it
///   started (the clock of the history's `time`), never decreasing between calls.
///   - `.invoke(request, timeout)`: invoke it (as this worker's current process), then report the
///     result with `completed(_:with:)` before calling `next` again. A worker whose operation
///     ended in `.info` continues as a new process; the generator is the same.
///   - `.wait(until: t)`: ask again once `elapsed >= t`. Asking earlier is allowed (the answer is
///     the same wait); asking later is fine too (the generator does not catch up in a burst).
///   - `.done`: stop; never call this generator again.
/// - Determinism: the n-th request a worker is given is a function of (seed, worker, n) and of the
///   completions reported to it before (only the lock workload looks at them: a process releases
///   what it holds), never of thread timing or `elapsed`. Timing decides only when requests are
///   given, and so how many fit before the time limit.
/// - Phases: requests of the load phase until the time limit (or the worker's share of the
///   operation limit); then, if needed, one closing request (a held lock is released); then the
///   workers chosen for final reads wait until the time limit plus the quiet period (also when
///   their load ended earlier, at their share of the operation limit) and each issues its final
///   reads; a final read that does not end ok (a leader change, a timeout) is asked again after
///   250 ms, up to 3 times per final read of the worker; then `.done`. Workers without final
///   reads are `.done` when their load ends, so a runner can stop early once every worker is done.
/// - Rate: with a rate limit of R ops/s overall, each of the C workers gives load requests on a
///   schedule of one every C/R seconds, worker w starting at w/R, so the run stays at or below R.
///   A worker that fell behind by more than one interval (a slow operation) resumes from the
///   current time instead of catching up in a burst.
public protocol OperationGenerator: Sendable {
    /// The next step at `elapsed` since the run started.
    mutating func next(at elapsed: Duration) -> GeneratorStep
    /// Reports how the request last returned by `next` ended.
    mutating func completed(_ request: OperationRequest, with completion: Completion)
}
