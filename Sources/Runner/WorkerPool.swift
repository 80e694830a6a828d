import Cluster
import History
import Workload

/// Runs the clients of a test: one worker per generator of the workload, each with its own
/// client on one node (`WorkloadGenerator.node(forWorker:of:)`: the workers of a key spread over the
/// nodes), each recording every invocation and completion.
///
/// Contract: worker w drives `generator.worker(w)` as `OperationGenerator` says, with the time
/// since `run` began as the run's time (set-up before it does not eat into the load phase). An operation that ends `info` retires the process: the
/// worker continues as process `process + workers`, on a fresh client. Workers stop when their
/// generator says `.done`, at `hardStop`, or when the calling task is cancelled.
public struct WorkerPool: Sendable {
    public var nodes: [(name: String, url: String)]
    public var factory: any ClientFactory
    public var recorder: Recorder

    public init(nodes: [(name: String, url: String)], factory: any ClientFactory, recorder: Recorder) {
        self.nodes = nodes
        self.factory = factory
        self.recorder = recorder
    }

    /// Runs every worker to its end.
    public func run(_ generator: WorkloadGenerator, hardStop: Duration) async {
        let origin = recorder.now()
        await withTaskGroup(of: Void.self) { group in
            for w in 0..<generator.workerCount {
                group.addTask {
                    await worker(w, generator.worker(w), node: generator.node(forWorker: w, of: nodes.count),
                                 workers: generator.workerCount, origin: origin, stop: hardStop)
                }
            }
        }
    }

    private func worker(_ w: Int, _ generator: any OperationGenerator, node index: Int, workers: Int, origin: Int64,
                        stop: Duration) async {
        func elapsed() -> Duration { .nanoseconds(recorder.now() - origin) }
        var generator = generator
        let node = nodes[index]
        var process = w
        var client: (any Client)?
        while !Task.isCancelled && elapsed() < stop {
            switch generator.next(at: elapsed()) {
            case .done:
                if let client { await client.close() }
                return
            case .wait(let until):
                try? await Task.sleep(for: min(until, stop) - elapsed())
            case .invoke(let request, let timeout):
                if client == nil { client = try? await factory.open(node: node.name, url: node.url) }
                let invoked = recorder.record(.invoke, process: .client(process), f: request.f, key: request.key,
                                              value: request.value, node: node.name)
                let answer = await client?.invoke(request, timeout: timeout)
                    ?? .fail(error: "cannot connect to \(node.name)")
                // An answer after the timeout is recorded (and reported to the generator) as info.
                let deadline = (invoked.time ?? 0) + Int64(timeout.inMilliseconds * 1_000_000)
                let recorded = record(answer, of: request, process: process, node: node.name, deadline: deadline)
                let completion = recorded.type == .info ? Completion.info(error: recorded.error ?? "timed out") : answer
                generator.completed(request, with: completion)
                if case .info = completion {
                    process += workers
                    await client?.close()
                    client = nil
                }
            }
        }
        if let client { await client.close() }
    }

    private func record(_ completion: Completion, of request: OperationRequest, process: Int, node: String,
                        deadline: Int64) -> Event {
        switch completion {
        case .ok(let value):
            return recorder.record(.ok, process: .client(process), f: request.f, key: request.key, value: value,
                                   node: node, deadline: deadline)
        case .fail(let error):
            return recorder.record(.fail, process: .client(process), f: request.f, key: request.key, value: request.value,
                                   node: node, error: error, deadline: deadline)
        case .info(let error):
            return recorder.record(.info, process: .client(process), f: request.f, key: request.key, value: request.value,
                                   node: node, error: error)
        }
    }
}
