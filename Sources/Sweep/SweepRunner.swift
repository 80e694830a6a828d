import Analysis
import Foundation
import History
import RunRecord
import Runner

/// Runs the unfinished runs of a sweep, one at a time per cluster (slot), clusters in parallel,
/// and keeps `sweep.json` up to date after every change of a run's state.
///
/// Contract: a run is marked `running` (and `sweep.json` written) before it starts and
/// `finished`, `interrupted` or `failed` after; finished runs are never started again, so a sweep
/// stopped at any point and resumed redoes only what had not finished. Cancelling the task that
/// calls `run` cancels the runs in progress (they tear down and are marked `interrupted`) and
/// starts no more.
public actor SweepRunner {
    /// What a slot (one cluster) needs to carry out one run: the run as planned, its cell, the
    /// directory it is stored in. Returns the run's result, or throws when the run could not be
    /// carried out.
    public typealias Launch = @Sendable (_ run: SweepFile.Run, _ cell: SweepCell, _ slot: Int, _ store: RunStore) async throws -> RunResult

    public private(set) var file: SweepFile
    public let directory: String
    private let slots: [String]
    private let launch: Launch
    private let progress: @Sendable (String) -> Void
    private var next = 0
    private let started = ContinuousClock.now
    private var finishedHere: [Double] = []

    /// `slots` names the clusters (inventories), one run at a time on each.
    public init(file: SweepFile, directory: String, slots: [String], launch: @escaping Launch,
                progress: @escaping @Sendable (String) -> Void = { _ in }) {
        self.file = file
        self.directory = directory
        self.slots = slots.isEmpty ? ["local lab"] : slots
        self.launch = launch
        self.progress = progress
    }

    /// Runs every run not yet finished; returns the sweep file as it stands at the end.
    public func run() async throws -> SweepFile {
        try file.write(to: directory)
        await withTaskGroup(of: Void.self) { group in
            for slot in slots.indices {
                group.addTask { await self.work(slot: slot) }
            }
        }
        try file.write(to: directory)
        return file
    }

    private func work(slot: Int) async {
        while !Task.isCancelled, let index = claim() {
            var run = file.runs[index]
            let store: RunStore
            do {
                store = try RunStore.create(reports: directory + "/runs", test: "cell\(run.cell)-rep\(run.repetition)")
            } catch {
                update(index, state: .failed, error: "\(error)")
                continue
            }
            run.runDirectory = String(store.directory.dropFirst(directory.count + 1))
            run.inventory = slots[slot]
            run.state = .running
            run.verdict = nil
            run.error = nil
            file.runs[index] = run
            save()
            let start = ContinuousClock.now
            let cell = file.plan.cells[run.cell - 1]
            do {
                let result = try await launch(run, cell, slot, store)
                let seconds = (ContinuousClock.now - start).inMilliseconds / 1000
                file.runs[index].seconds = seconds
                file.runs[index].verdict = result.check.verdict.rawValue
                file.runs[index].state = result.interrupted ? .interrupted : .finished
                file.runs[index].metrics = result.store.metrics()
                if !result.interrupted { finishedHere.append(seconds) }
            } catch {
                file.runs[index].seconds = (ContinuousClock.now - start).inMilliseconds / 1000
                file.runs[index].state = Task.isCancelled ? .interrupted : .failed
                file.runs[index].error = "\(error)"
            }
            save()
            say(file.runs[index])
        }
    }

    /// The next run that is not finished, in plan order; nil when none is left.
    private func claim() -> Int? {
        while next < file.runs.count {
            defer { next += 1 }
            if file.runs[next].state != .finished { return next }
        }
        return nil
    }

    private func update(_ index: Int, state: SweepFile.State, error: String?) {
        file.runs[index].state = state
        file.runs[index].error = error
        save()
    }

    private func save() {
        do { try file.write(to: directory) } catch { progress("sweep: cannot write \(SweepFile.fileName): \(error)") }
    }

    /// `cell 2/3 rep 1/3  election-timeout=1000 …  valid in 41 s  elapsed 3m02s, about 5m10s left`
    private func say(_ run: SweepFile.Run) {
        let plan = file.plan
        let left = file.runs[next...].filter { $0.state != .finished }.count
            + file.runs.filter { $0.state == .running }.count
        let mean = finishedHere.isEmpty ? nil : finishedHere.reduce(0, +) / Double(finishedHere.count)
        let estimate = mean.map { "about \(Self.clock($0 * Double(left) / Double(slots.count))) left" } ?? "time left not known yet"
        let outcome = run.state == .finished ? (run.verdict ?? "?") : run.state.rawValue
        progress("cell \(run.cell)/\(plan.cells.count) rep \(run.repetition)/\(plan.repetitions)  "
            + "\(plan.cells[run.cell - 1].label(plan.parameterNames))  \(outcome) in \(Int(run.seconds ?? 0)) s  "
            + "elapsed \(Self.clock((ContinuousClock.now - started).inMilliseconds / 1000)), \(estimate)")
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 60 ? "\(s / 60)m\(String(format: "%02d", s % 60))s" : "\(s)s"
    }
}
