import Foundation
import History
import Workload
import Testing
@testable import Runner

@Suite struct RecorderTests {
    func tempPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("rec-\(UUID().uuidString).jsonl").path
    }

    @Test func recordsInOrderWithIndexAndMonotonicTime() async throws {
        let path = tempPath()
        let recorder = try Recorder(path: path)
        await withTaskGroup(of: Void.self) { group in
            for p in 0..<8 {
                group.addTask {
                    for i in 0..<200 {
                        recorder.record(.invoke, process: .client(p), f: "write", value: .int(i))
                        recorder.record(.ok, process: .client(p), f: "write", value: .int(i))
                    }
                }
            }
        }
        try recorder.close()
        let written = try JSONLHistory.read(path: path)
        #expect(written.events.count == 3200)
        #expect(written.events.map(\.index) == Array(0..<3200))
        let times = written.events.compactMap(\.time)
        #expect(times.count == 3200 && zip(times, times.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(try written.operations().count == 1600)
        #expect(recorder.counts[.ok] == 1600)
    }

    @Test func flushesWhileRunningWithoutClose() async throws {
        let path = tempPath()
        let recorder = try Recorder(path: path, flushInterval: .milliseconds(50))
        recorder.record(.invoke, process: .client(0), f: "read")
        try await Task.sleep(for: .milliseconds(300))
        // Not closed: what a crashed controller would leave behind.
        let onDisk = try JSONLHistory.read(path: path, allowTruncatedTail: true)
        #expect(onDisk.events.count == 1)
        try recorder.close()
    }
}

/// A client that answers ok, but only after `delay`, whatever the timeout says (as a client
/// whose answer arrives while the machine is loaded).
private struct LateClient: Client, ClientFactory {
    var delay: Duration
    func invoke(_ request: OperationRequest, timeout: Duration) async -> Completion {
        try? await Task.sleep(for: delay)
        return .ok(request.f == "read" ? .int(1) : request.value)
    }
    func close() async {}
    func open(node: String, url: String) async throws -> any Client { self }
}

@Suite struct LateAnswerTests {
    @Test func anAnswerAfterTheDeadlineIsRecordedAsInfoSayingSo() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("late-\(UUID().uuidString).jsonl").path
        let recorder = try Recorder(path: path)
        let invoke = recorder.record(.invoke, process: .client(0), f: "write", value: .int(7))
        let inTime = recorder.record(.ok, process: .client(0), f: "write", value: .int(7), deadline: invoke.time! + 60_000_000_000)
        #expect(inTime.type == .ok)
        let again = recorder.record(.invoke, process: .client(0), f: "read")
        let late = recorder.record(.ok, process: .client(0), f: "read", value: .int(3), deadline: again.time! - 1)
        #expect(late.type == .info)
        #expect(late.value == .null, "an info keeps the invocation's value, not the late answer")
        #expect(late.error?.hasPrefix("timed out: answered ok 3") == true, "\(late.error ?? "")")
        try recorder.close()
    }

    @Test func noOkOrFailEndsLaterThanItsTimeout() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("late-\(UUID().uuidString).jsonl").path
        let recorder = try Recorder(path: path)
        var spec = WorkloadSpec(kind: .register)
        // An operation limit, not a short time limit: on a loaded machine the workers may start late.
        spec.timeLimit = .seconds(60)
        spec.operationLimit = 8
        spec.concurrency = 4
        spec.operationTimeout = .milliseconds(100)
        spec.finalReads = .none
        spec.quietPeriod = .zero
        let pool = WorkerPool(nodes: [(name: "n1", url: "-")], factory: LateClient(delay: .milliseconds(150)), recorder: recorder)
        await pool.run(try spec.makeGenerator(seed: 3), hardStop: .seconds(60))
        try recorder.close()
        let ops = try JSONLHistory.read(path: path).operations()
        #expect(ops.count == 8)
        #expect(ops.allSatisfy { $0.outcome == .info }, "every answer came 150 ms into a 100 ms timeout")
        let history = try JSONLHistory.read(path: path)
        #expect(history.events.filter { $0.type == .info }.allSatisfy { $0.error?.contains("after its timeout") == true })
        // Each info retires its process: a new process number for every operation of a worker.
        #expect(Set(ops.map(\.process)).count == ops.count)
    }
}
