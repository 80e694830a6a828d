import Control
import Foundation
import Testing
@testable import Cluster

/// The daemon scripts, for real, on this machine (`LocalRemote`), with `tail -f` as the daemon:
/// start detached, pause to `T`, resume, kill until gone, stop and wipe — and never a signal to a
/// process that the pid file names but that is not ours.
@Suite("remote daemon", .serialized, .timeLimit(.minutes(1)))
struct RemoteDaemonTests {
    let directory = "/tmp/fl-daemon-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    let remote = LocalRemote()

    /// `tail -f /dev/null <directory>/marker`: runs until signalled; the marker file's path is
    /// the argument that tells it apart from every other process.
    var daemon: RemoteDaemon {
        RemoteDaemon(binary: "/usr/bin/tail", marker: "\(directory)/marker", pidFile: "\(directory)/run/d.pid",
                     logFile: "\(directory)/log/d.log", directories: [directory], commandTimeout: .seconds(20))
    }

    func startDaemon() async throws -> Int32 {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: "\(directory)/marker", contents: nil)
        return try await daemon.start(["-f", "/dev/null", "\(directory)/marker"], on: remote, freshLog: true)
    }

    func cleanUp() async {
        try? await daemon.stop(on: remote, grace: .seconds(1))
        try? FileManager.default.removeItem(atPath: directory)
    }

    @Test("start detaches and records the daemon's own pid; a second start keeps it")
    func start() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let pid = try await startDaemon()
        guard case .running(pid, let letter) = try await daemon.state(on: remote) else { Issue.record("not running"); return }
        #expect(letter != "T" && letter != "Z")
        #expect(try String(contentsOfFile: daemon.pidFile, encoding: .utf8).trimmingWhitespace == "\(pid)")
        #expect(try await daemon.start(["-f", "/dev/null", "\(directory)/marker"], on: remote, freshLog: false) == pid)
        // Its own session: not a child of this test's process group.
        let ids = try await remote.exec("ps -o sid= -o ppid= -p \(pid)").stdoutText.split(separator: " ").map(String.init)
        #expect(ids.first == "\(pid)")
        await cleanUp()
    }

    @Test("pause reaches state T, resume leaves it, kill waits until the process is gone")
    func faults() async throws {
        let pid = try await startDaemon()
        try await daemon.pause(on: remote)
        #expect(try await daemon.state(on: remote) == .running(pid: pid, state: "T"))
        try await daemon.resume(on: remote)
        guard case .running(pid, let letter) = try await daemon.state(on: remote) else { Issue.record("gone"); return }
        #expect(letter != "T")
        try await daemon.pause(on: remote)
        try await daemon.kill(on: remote)
        #expect(try await daemon.state(on: remote) == .notRunning)
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        #expect(stat.isEmpty || stat.contains(") Z "))
        try await daemon.kill(on: remote)  // nothing runs: still fine
        try await daemon.resume(on: remote)
        await #expect(throws: DaemonError.self) { try await daemon.pause(on: remote) }
        await cleanUp()
    }

    @Test("stop ends a paused daemon (SIGCONT before SIGTERM), removes what it is told to, keeps the log")
    func stop() async throws {
        _ = try await startDaemon()
        try FileManager.default.createDirectory(atPath: "\(directory)/data/sub", withIntermediateDirectories: true)
        try await daemon.pause(on: remote)
        try await daemon.stop(on: remote, grace: .seconds(5), removing: ["\(directory)/data"])
        #expect(try await daemon.state(on: remote) == .notRunning)
        #expect(!FileManager.default.fileExists(atPath: "\(directory)/data"))
        #expect(!FileManager.default.fileExists(atPath: daemon.pidFile))
        #expect(FileManager.default.fileExists(atPath: daemon.logFile))
        try await daemon.stop(on: remote)  // nothing runs: still fine
        await cleanUp()
    }

    @Test("a pid file that names someone else's process is never acted on")
    func foreignPid() async throws {
        let stranger = Process()
        stranger.executableURL = URL(fileURLWithPath: "/bin/sleep")
        stranger.arguments = ["30"]
        try stranger.run()
        defer { stranger.terminate() }
        try FileManager.default.createDirectory(atPath: "\(directory)/run", withIntermediateDirectories: true)
        try "\(stranger.processIdentifier)\n".write(toFile: daemon.pidFile, atomically: true, encoding: .utf8)
        #expect(try await daemon.state(on: remote) == .notRunning)
        try await daemon.kill(on: remote)
        await #expect(throws: DaemonError.self) { try await daemon.pause(on: remote) }
        try await daemon.stop(on: remote, grace: .seconds(1))
        #expect(stranger.isRunning)
        await cleanUp()
    }

    @Test("the daemon gets its environment; a preload library that is missing is left out")
    func environment() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var daemon = self.daemon
        daemon.environment = ["FAULTLINE_TEST": "a b'c", "LD_PRELOAD": "\(directory)/missing.so"]
        let pid = try await daemon.start(["-f", "/dev/null", "\(directory)/marker"], on: remote, freshLog: true)
        let environ = try String(contentsOfFile: "/proc/\(pid)/environ", encoding: .utf8).split(separator: "\0").map(String.init)
        #expect(environ.contains("FAULTLINE_TEST=a b'c"))
        #expect(!environ.contains { $0.hasPrefix("LD_PRELOAD=") })
        try? await daemon.stop(on: remote, grace: .seconds(1))
    }

    @Test("a daemon that exits at once fails its start, with its log")
    func exitsAtOnce() async throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let failing = RemoteDaemon(binary: "/usr/bin/tail", marker: "\(directory)/missing", pidFile: "\(directory)/d.pid",
                                   logFile: "\(directory)/d.log")
        await #expect {
            try await failing.start(["\(directory)/missing"], on: remote, freshLog: true)
        } throws: { error in
            "\(error)".contains("exited at once") && "\(error)".contains("No such file")
        }
        await #expect(throws: DaemonError.self) { try await failing.start(["x"], on: remote, freshLog: true) }
        await cleanUp()
    }
}
