import Control
import Foundation
import RemoteCore
import Testing

/// The transcript decorator: what it records of commands, failures and transfers.
@Suite struct TranscriptTests {
    static func temp(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("transcript-\(UUID().uuidString)-\(name)").path
    }

    @Test func commandsAreRecordedWithStatusButNotTheirInput() async throws {
        let transcript = Transcript(path: Self.temp("a.jsonl"))
        let remote = TranscribingRemote(LocalRemote(), transcript: transcript)
        _ = try await remote.exec(ExecRequest("cat >/dev/null; exit 3", input: .bytes(Array("secret-input".utf8))))
        _ = try await remote.exec("echo hello")
        transcript.close()
        let entries = try Transcript.read(path: transcript.path)
        #expect(entries.map(\.command) == ["cat >/dev/null; exit 3", "echo hello"])
        #expect(entries.map(\.exitCode) == [3, 0])
        #expect(entries.allSatisfy { $0.host == remote.name && $0.action == "run" && $0.error == nil })
        #expect(entries[0].start.hasSuffix("Z") && entries[0].start.contains("T"))
        let text = try String(contentsOfFile: transcript.path, encoding: .utf8)
        #expect(!text.contains("secret-input"))
    }

    @Test func transportErrorsAreRecordedAndRethrown() async throws {
        let transcript = Transcript(path: Self.temp("b.jsonl"))
        let remote = TranscribingRemote(LocalRemote(), transcript: transcript)
        await #expect(throws: RemoteError.self) {
            _ = try await remote.exec(ExecRequest("sleep 60", timeout: .milliseconds(200)))
        }
        let entries = try Transcript.read(path: transcript.path)
        #expect(entries.count == 1)
        #expect(entries[0].exitCode == nil)
        #expect(entries[0].error != nil)
        // At least the timeout; the upper bound only rules out waiting for `sleep 60`. A machine busy with
        // other tests can hold the finished call off the cooperative pool for seconds (CI once saw 4.9 s).
        #expect(entries[0].durationMillis >= 150 && entries[0].durationMillis < 50_000)
    }

    @Test func transfersAreRecorded() async throws {
        let transcript = Transcript(path: Self.temp("c.jsonl"))
        let remote = TranscribingRemote(LocalRemote(), transcript: transcript)
        let source = Self.temp("src")
        try "x".write(toFile: source, atomically: true, encoding: .utf8)
        try await remote.upload(source, to: source + ".up")
        try await remote.download(source + ".up", to: source + ".down")
        let entries = try Transcript.read(path: transcript.path)
        #expect(entries.map(\.action) == ["upload", "download"])
        #expect(entries[0].command == "\(source) -> \(source).up")
    }

    @Test func concurrentCommandsGiveWholeLines() async throws {
        let transcript = Transcript(path: Self.temp("d.jsonl"))
        let remote = TranscribingRemote(LocalRemote(), transcript: transcript)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<40 { group.addTask { _ = try await remote.exec("echo \(i)") } }
            try await group.waitForAll()
        }
        let entries = try Transcript.read(path: transcript.path)
        #expect(entries.count == 40)
        #expect(Set(entries.map(\.command)).count == 40)
    }
}
