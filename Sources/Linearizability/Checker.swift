import Foundation
import History
import Synchronization

/// Checks histories for linearizability against a model.
///
/// The history is split into independent partitions (P-compositionality), and the partitions
/// are searched in parallel on `workers` threads in time slices, so that an intractable
/// partition never stops the others from being decided. The first invalid partition stops the
/// rest (unless told otherwise) and gets a shrunk counterexample. Running out of time or memory
/// gives `unknown`, never `valid`.
public enum Checker {
    /// Checks `operations` (from `History.operations()`) against `model`.
    public static func check<M: Model>(
        _ operations: [HistoryOperation], model: M, options: CheckOptions = CheckOptions()
    ) throws(ModelError) -> CheckResult {
        try run(operations, model: model, hooks: nil, options: options)
    }

    /// Checks `operations` against a monotone model, pruning with its observations.
    public static func check<M: MonotoneModel>(
        _ operations: [HistoryOperation], model: M, options: CheckOptions = CheckOptions()
    ) throws(ModelError) -> CheckResult {
        try run(operations, model: model, hooks: MonotoneHooks(model), options: options)
    }

    /// Blocks the calling thread while worker threads search; do not call it from a task on
    /// the cooperative pool when the wait matters.
    static func run<M: Model>(
        _ operations: [HistoryOperation], model: M, hooks: MonotoneHooks<M>?, options: CheckOptions
    ) throws(ModelError) -> CheckResult {
        let start = ContinuousClock.now
        let prepared = try PreparedHistory(operations: operations, model: model, split: options.split)
        let schedule = PartitionScheduler(prepared: prepared, model: model, hooks: hooks, options: options)
        let outcome = schedule.run(deadline: start + options.timeout)
        var counterexample: Counterexample?
        var shrinkElapsed = Duration.zero
        if let failed = outcome.firstInvalid {
            let part = prepared.parts[failed.index]
            let builder = CounterexampleBuilder(
                model: model, hooks: hooks, part: part,
                deadline: ContinuousClock.now + options.shrinkTimeout)
            (counterexample, shrinkElapsed) = builder.build(from: failed.search, shrink: options.shrink)
        }
        let verdict: Verdict =
            outcome.results.contains { $0.verdict == .invalid }
            ? .invalid : outcome.results.contains { $0.verdict == .unknown } ? .unknown : .valid
        return CheckResult(
            verdict: verdict, model: model.name, operations: operations.count,
            partitions: outcome.results, counterexample: counterexample,
            elapsed: ContinuousClock.now - start, shrinkElapsed: shrinkElapsed)
    }
}

/// Runs the searches of all partitions on worker threads in time slices.
final class PartitionScheduler<M: Model>: @unchecked Sendable {
    struct Outcome {
        var results: [PartitionResult]
        var firstInvalid: (index: Int, search: WGLSearch<M>)?
    }

    /// One partition's search. Touched by one worker at a time: the one that took it from the
    /// queue, until it puts it back.
    private final class Job {
        var search: WGLSearch<M>?
        var result: PartitionResult
        var memory = 0
        /// Slices this partition has had.
        var slices = 0
        init(result: PartitionResult) { self.result = result }
    }


    private struct Shared {
        var queue: [Int] = []
        var head = 0
        var stopped = false
        var memoryInUse = 0
        var firstInvalid: Int?
        /// Helper threads inside `work`; once `closed`, a helper that starts late leaves at once.
        var helpers = 0
        var closed = false
    }

    private let prepared: PreparedHistory<M>
    private let model: M
    private let hooks: MonotoneHooks<M>?
    private let options: CheckOptions
    private let jobs: [Job]
    private let shared = Mutex(Shared())
    /// Signalled by each helper thread as it leaves `work`.
    private let helperLeft = DispatchSemaphore(value: 0)

    init(prepared: PreparedHistory<M>, model: M, hooks: MonotoneHooks<M>?, options: CheckOptions) {
        self.prepared = prepared
        self.model = model
        self.hooks = hooks
        self.options = options
        jobs = prepared.parts.map {
            Job(result: PartitionResult(key: $0.key, operations: $0.entries.count, verdict: .unknown,
                                        reason: "not searched", elapsed: .zero, nodes: 0))
        }
    }

    func run(deadline: ContinuousClock.Instant) -> Outcome {
        let n = prepared.parts.count
        // Small partitions first: most are decided in their first slice.
        let order = (0..<n).sorted { prepared.parts[$0].entries.count < prepared.parts[$1].entries.count }
        shared.withLock { $0.queue = order }
        // The calling thread works alone for the first millisecond: most histories are decided
        // by then, and handing work to another thread (waking it, waiting for it to finish its
        // slice) costs about as much on a loaded machine. Then helper threads join as they get
        // a core. No thread ever waits for work: one that finds the queue empty leaves (the
        // partitions not yet decided are then at most as many as the threads still working,
        // and a thread that puts its partition back takes the next at once), so at the end the
        // caller waits only for a helper still inside a slice, never for one not yet started.
        let begin = ContinuousClock.now
        var helpers = max(1, min(options.workers, n)) - 1
        var spare: WGLSearch<M>?
        while let i = next() {
            runSlice(i, deadline: deadline, spare: &spare)
            if helpers > 0 && ContinuousClock.now - begin >= Self.soloTime {
                startHelpers(helpers, deadline: deadline)
                helpers = 0
            }
        }
        while !shared.withLock({ s -> Bool in
            if s.helpers == 0 { s.closed = true }
            return s.closed
        }) {
            helperLeft.wait()
        }
        let (stopped, invalid) = shared.withLock { ($0.stopped, $0.firstInvalid) }
        for job in jobs where job.result.verdict == .unknown && job.result.reason == "not searched" {
            job.result.reason = stopped ? "not searched: stopped at the first invalid partition" : "time budget exhausted"
        }
        return Outcome(results: jobs.map(\.result), firstInvalid: invalid.map { ($0, jobs[$0].search!) })
    }

    /// How long the calling thread searches alone before helper threads are started.
    static var soloTime: Duration { .milliseconds(1) }

    private func startHelpers(_ count: Int, deadline: ContinuousClock.Instant) {
        for _ in 0..<count {
            DispatchQueue.global().async {
                guard self.shared.withLock({ s -> Bool in
                    if s.closed { return false }
                    s.helpers += 1
                    return true
                }) else { return }
                self.work(deadline: deadline)
                self.shared.withLock { $0.helpers -= 1 }
                self.helperLeft.signal()
            }
        }
    }

    /// The next partition to give a slice, or nil when the queue is empty or the check stopped.
    private func next() -> Int? {
        shared.withLock { s in
            if s.stopped || s.head == s.queue.count { return nil }
            s.head += 1
            return s.queue[s.head - 1]
        }
    }

    private func work(deadline: ContinuousClock.Instant) {
        var spare: WGLSearch<M>?
        while let i = next() { runSlice(i, deadline: deadline, spare: &spare) }
    }

    /// `spare`: the search of a partition this thread decided valid, loaded with the next new
    /// partition instead of building a new search (see `WGLSearch.load`).
    private func runSlice(_ i: Int, deadline: ContinuousClock.Instant, spare: inout WGLSearch<M>?) {
        let job = jobs[i]
        let search: WGLSearch<M>
        if let started = job.search {
            search = started
        } else if let reused = spare {
            spare = nil
            reused.load(prepared.parts[i].entries)
            search = reused
        } else {
            search = WGLSearch(model: model, entries: prepared.parts[i].entries, hooks: hooks)
        }
        job.search = search
        let sliceStart = ContinuousClock.now
        // The first slices are short and grow to `options.slice`: every partition gets an early
        // look (an invalid one is often decided in its first steps), and one that takes long
        // holds back the others only once they have had theirs.
        let slice = min(options.slice, .microseconds(250) * (1 << min(job.slices, 16)))
        job.slices += 1
        let sliceEnd = min(sliceStart + slice, deadline)
        var status = WGLSearch<M>.Status.suspended
        repeat {
            status = search.run(iterations: 4096)
        } while status == .suspended && ContinuousClock.now < sliceEnd && !isStopped()
        let now = ContinuousClock.now
        job.result.elapsed += now - sliceStart
        job.result.nodes = search.memo.count
        let bytes = search.memo.approximateBytes
        let overMemory = shared.withLock { s -> Bool in
            s.memoryInUse += bytes - job.memory
            return s.memoryInUse > options.memoryLimit
        }
        job.memory = bytes
        switch status {
        case .linearizable:
            job.result.verdict = .valid
            job.result.reason = nil
            release(job)
            // Kept only with a small memo (`Memo.removeAll` keeps such a table's storage).
            if search.memo.tableSize <= 1 << 14 { spare = search }
        case .illegal:
            job.result.verdict = .invalid
            job.result.reason = nil
            shared.withLock { s in
                if s.firstInvalid == nil { s.firstInvalid = i }
                if options.stopAtFirstInvalid { s.stopped = true }
            }
        case .suspended:
            if overMemory || now >= deadline {
                job.result.reason = overMemory ? "memory budget exhausted" : "time budget exhausted"
                release(job)
                return
            }
            let stopped = shared.withLock { s -> Bool in
                if !s.stopped { s.queue.append(i) }
                return s.stopped
            }
            if stopped { job.result.reason = "not decided: stopped at the first invalid partition" }
        }
    }

    private func isStopped() -> Bool { shared.withLock { $0.stopped } }

    /// Frees a decided or abandoned partition's memo.
    private func release(_ job: Job) {
        job.search = nil
        let bytes = job.memory
        job.memory = 0
        shared.withLock { $0.memoryInUse -= bytes }
    }
}
