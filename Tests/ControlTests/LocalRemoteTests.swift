import Foundation
import RemoteCore
import Testing
@testable import Control

@Suite("Local remote", .timeLimit(.minutes(1)))
struct LocalRemoteTests {
    let local = LocalRemote()

    @Test("exit codes and signals are results, not errors")
    func exitStatus() async throws {
        #expect(try await local.exec("true").status == ExitStatus(code: 0))
        #expect(try await local.exec("exit 7").status == ExitStatus(code: 7))
        #expect(try await local.exec("kill -9 $$").status == ExitStatus(code: 0, signal: "KILL"))
    }

    @Test("stdout and stderr are kept apart; stdin is fed")
    func streams() async throws {
        let result = try await local.exec(ExecRequest("cat; echo oops >&2", input: .bytes(Array("hello".utf8))))
        #expect(result.stdoutText == "hello")
        #expect(result.stderrText == "oops\n")
    }

    @Test("a timeout throws timedOut and kills the command's process group")
    func timeout() async throws {
        let start = ContinuousClock.now
        await #expect { try await local.exec("sleep 30 & wait", timeout: .milliseconds(300)) } throws: { error in
            (error as? RemoteError)?.kind == .timedOut
        }
        // Well under the 30 s the sleep would take if its group were not killed; a loaded 2-core
        // machine took 8.5 s to get here.
        #expect(ContinuousClock.now - start < .seconds(20))
    }

    @Test("streamed input reaches the command as it is written, and its end ends the command")
    func streamedInput() async throws {
        let input = StreamedInput()
        let reading = Task { try await local.exec(ExecRequest("cat", timeout: .seconds(20), input: .stream(input))) }
        input.write(Array("one ".utf8))
        try await Task.sleep(for: .milliseconds(200))
        input.write(Array("two".utf8))
        input.finish()
        let result = try await reading.value
        #expect(result.status.isSuccess && result.stdoutText == "one two")
    }

    @Test("a command that does not read its input still finishes")
    func unreadInput() async throws {
        let big = [UInt8](repeating: 65, count: 4 << 20)
        let result = try await local.exec(ExecRequest("true", input: .bytes(big)))
        #expect(result.status.isSuccess)
    }

    @Test("upload and download keep content and mode")
    func transfers() async throws {
        let dir = NSTemporaryDirectory() + "faultline-local-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let data = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try data.write(to: URL(fileURLWithPath: dir + "/a"))
        chmod(dir + "/a", 0o750)
        try await local.upload(dir + "/a", to: dir + "/b")
        try await local.download(dir + "/b", to: dir + "/c")
        #expect(FileManager.default.contents(atPath: dir + "/c") == data)
        let mode = try FileManager.default.attributesOfItem(atPath: dir + "/c")[.posixPermissions] as? Int
        #expect(mode == 0o750)
        await #expect(throws: RemoteError.self) { try await local.download(dir + "/missing", to: dir + "/d") }
        #expect(!FileManager.default.fileExists(atPath: dir + "/d"))
    }

    @Test("lab configuration is checked")
    func labConfig() throws {
        #expect(throws: LabError.self) { try LabConfig(prefix: "Bad-Prefix").validate() }
        #expect(throws: LabError.self) { try LabConfig(subnet: "10.1.0.0/16").validate() }
        #expect(throws: LabError.self) { try LabConfig(nodes: 0).validate() }
        try LabConfig(prefix: "flt", subnet: "10.78.0.0/24", nodes: 5).validate()
        #expect(Lab.overlaps("10.78.0.9", 24, "10.78.0.0/24"))
        #expect(Lab.overlaps("10.1.2.3", 8, "10.78.0.0/24"))
        #expect(!Lab.overlaps("192.0.2.2", 24, "10.78.0.0/24"))
    }
}
