import Cluster
import History
import Workload

/// What a worker does next, as the workload's generator decides.
public enum WorkerStep: Sendable, Equatable {
    /// Invoke this operation.
    case invoke(OperationRequest)
    /// Nothing to do yet: ask again after this long.
    case wait(Duration)
    /// This worker is finished.
    case done
}

/// Runs the clients of a test: `concurrency` workers, each with its own client on one node
/// (round robin), each recording every invocation and completion.
///
/// Contract: a worker asks `next` for its step with its slot (0..<concurrency), its current
/// process id and the time since the pool started; it invokes, records, and asks again. An
/// operation that ends `info` retires the process: the worker continues as process
/// `process + concurrency`, on a fresh client. Workers stop when `next` says `.done`, at
/// `hardStop`, or when the calling task is cancelled (an operation under way is then recorded
/// `info`, since its outcome is unknown).
public struct WorkerPool: Sendable {
    public var concurrency: Int
    public var nodes: [(name: String, url: String)]
    public var operationTimeout: Duration
    public var factory: any ClientFactory
    public var recorder: Recorder

    public init(concurrency: Int, nodes: [(name: String, url: String)], operationTimeout: Duration,
                factory: any ClientFactory, recorder: Recorder) {
        self.concurrency = concurrency
        self.nodes = nodes
        self.operationTimeout = operationTimeout
        self.factory = factory
        self.recorder = recorder
    }

    /// Runs every worker to its end.
    public func run(
        hardStop: Duration,
        next: @escaping @Sendable (_ slot: Int, _ process: Int, _ elapsed: Duration) async -> WorkerStep
    ) async {
        let start = ContinuousClock.now
        await withTaskGroup(of: Void.self) { group in
            for slot in 0..<concurrency {
                group.addTask {
                    await worker(slot: slot, start: start, stop: start + hardStop, next: next)
                }
            }
        }
    }

    private func worker(
        slot: Int, start: ContinuousClock.Instant, stop: ContinuousClock.Instant,
        next: @Sendable (Int, Int, Duration) async -> WorkerStep
    ) async {
        let node = nodes[slot % nodes.count]
        var process = slot
        var client: (any Client)?
        defer { if let client { Task { await client.close() } } }
        while !Task.isCancelled && ContinuousClock.now < stop {
            let step = await next(slot, process, ContinuousClock.now - start)
            switch step {
            case .done:
                return
            case .wait(let d):
                let remaining = stop - ContinuousClock.now
                try? await Task.sleep(for: min(d, remaining))
            case .invoke(let request):
                if client == nil {
                    client = try? await factory.open(node: node.name, url: node.url)
                }
                recorder.record(.invoke, process: .client(process), f: request.f, key: request.key,
                                value: request.value, node: node.name)
                let completion: Completion
                if let client {
                    completion = await client.invoke(request, timeout: operationTimeout)
                } else {
                    completion = .fail(error: "cannot connect to \(node.name)")
                }
                switch completion {
                case .ok(let value):
                    recorder.record(.ok, process: .client(process), f: request.f, key: request.key, value: value, node: node.name)
                case .fail(let error):
                    recorder.record(.fail, process: .client(process), f: request.f, key: request.key,
                                    value: request.value, node: node.name, error: error)
                case .info(let error):
                    recorder.record(.info, process: .client(process), f: request.f, key: request.key,
                                    value: request.value, node: node.name, error: error)
                    process += concurrency
                    if let old = client { await old.close() }
                    client = nil
                }
            }
        }
    }
}
