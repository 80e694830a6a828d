import Foundation
import History
import Linearizability
import Runner
@testable import Workload

/// Runs a workload for real with the runner's own worker pool and recorder (the history goes to
/// a temporary file) and returns what was recorded.
func runWorkload(_ spec: WorkloadSpec, seed: UInt64, factory: any ClientFactory, url: String = "")
    async throws -> History
{
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("workload-\(UUID().uuidString).jsonl").path
    let recorder = try Recorder(path: path)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let pool = WorkerPool(nodes: [(name: "n1", url: url)], factory: factory, recorder: recorder)
    await pool.run(try spec.makeGenerator(seed: seed), hardStop: spec.timeLimit + spec.quietPeriod + .seconds(60))
    try recorder.close()
    return History(events: recorder.events)
}

/// Checks a recorded history as the spec says (its model, or the transaction checker).
func check(_ history: History, _ spec: WorkloadSpec) async throws -> CheckResult {
    try await spec.checking.check(history, timeout: .seconds(60)).check
}

/// How many operations of `history` completed as `type`.
func count(_ type: EventType, in history: History) -> Int {
    history.events.filter { $0.type == type }.count
}
