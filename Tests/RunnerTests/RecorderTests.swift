import Foundation
import History
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
