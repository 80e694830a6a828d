import History
import Linearizability
@testable import Workload

/// Records events in the order they happen, from many workers.
actor EventLog {
    private(set) var events: [Event] = []
    private let start = ContinuousClock.now

    func append(_ type: EventType, process: Int, _ request: OperationRequest, value: Value, error: String? = nil) {
        let time = ContinuousClock.now - start
        events.append(
            Event(
                index: events.count, type: type, process: .client(process), f: request.f, key: request.key,
                value: value, time: time.components.seconds * 1_000_000_000 + time.components.attoseconds / 1_000_000_000,
                error: error))
    }
}

/// A small stand-in for the runner's worker pool, enough to run a workload for real in tests:
/// one task per worker, one client per process, a new process (and client) after `info`.
func runWorkload(_ spec: WorkloadSpec, seed: UInt64, factory: any ClientFactory, url: String = "")
    async throws -> History
{
    let generator = try spec.makeGenerator(seed: seed)
    let log = EventLog()
    let start = ContinuousClock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for w in 0..<generator.workerCount {
            group.addTask {
                var g = generator.worker(w)
                var process = w
                var client = try await factory.open(node: "n1", url: url)
                while true {
                    let elapsed = ContinuousClock.now - start
                    switch g.next(at: elapsed) {
                    case .invoke(let request, let timeout):
                        await log.append(.invoke, process: process, request, value: request.value)
                        let completion = await client.invoke(request, timeout: timeout)
                        switch completion {
                        case .ok(let v): await log.append(.ok, process: process, request, value: v)
                        case .fail(let e): await log.append(.fail, process: process, request, value: request.value, error: e)
                        case .info(let e): await log.append(.info, process: process, request, value: request.value, error: e)
                        }
                        g.completed(request, with: completion)
                        if case .info = completion {
                            process += generator.workerCount
                            await client.close()
                            client = try await factory.open(node: "n1", url: url)
                        }
                    case .wait(let until):
                        try await Task.sleep(for: until - elapsed)
                    case .done:
                        await client.close()
                        return
                    }
                }
            }
        }
        try await group.waitForAll()
    }
    return History(events: await log.events)
}

/// Checks a recorded history with the spec's model.
func check(_ history: History, _ spec: WorkloadSpec) throws -> CheckResult {
    try spec.model.check(try history.operations(), initial: spec.initialValue)
}

/// How many operations of `history` completed as `type`.
func count(_ type: EventType, in history: History) -> Int {
    history.events.filter { $0.type == type }.count
}
