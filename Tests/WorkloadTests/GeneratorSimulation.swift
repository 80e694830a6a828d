import History
@testable import Workload

/// A request as a generator gave it, with the simulated time it was given at.
struct Issued: Hashable {
    var worker: Int
    var request: OperationRequest
    var time: Duration
    var timeout: Duration
}

/// Drives every worker of a generator on its own simulated clock, one worker after another:
/// each operation takes `latency(worker, n)` and ends as `respond` says; a wait jumps the clock.
func simulate(
    _ generator: WorkloadGenerator,
    latency: (Int, Int) -> Duration = { _, _ in .milliseconds(1) },
    respond: (OperationRequest) -> Completion = { .ok($0.value) },
    maxSteps: Int = 1_000_000
) -> [Issued] {
    var issued: [Issued] = []
    for w in 0..<generator.workerCount {
        var g = generator.worker(w)
        var clock = Duration.zero
        var n = 0
        steps: for _ in 0..<maxSteps {
            switch g.next(at: clock) {
            case .invoke(let request, let timeout):
                issued.append(Issued(worker: w, request: request, time: clock, timeout: timeout))
                clock += latency(w, n)
                n += 1
                g.completed(request, with: respond(request))
            case .wait(let until):
                precondition(until > clock, "a wait must be for a later time")
                clock = until
            case .done:
                break steps
            }
        }
    }
    return issued
}

/// The requests of one worker, in order.
func requests(of worker: Int, in issued: [Issued]) -> [OperationRequest] {
    issued.filter { $0.worker == worker }.map(\.request)
}

/// A spec for tests: short, small.
func testSpec(_ kind: WorkloadSpec.Kind, _ change: (inout WorkloadSpec) -> Void = { _ in }) -> WorkloadSpec {
    var spec = WorkloadSpec(kind: kind)
    spec.timeLimit = .seconds(1)
    spec.concurrency = 4
    change(&spec)
    return spec
}
