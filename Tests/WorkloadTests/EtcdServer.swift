@testable import Databases
import Foundation
import History
@testable import Workload

#if canImport(Glibc)
    import Glibc
#endif

/// Whether the real etcd tests can run here.
let etcdInstalled = FileManager.default.isExecutableFile(atPath: "/usr/bin/etcd")

/// A port on 127.0.0.1 that nothing listens on right now (the kernel picks it).
func freePort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    precondition(fd >= 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            precondition(bind(fd, $0, length) == 0)
            precondition(getsockname(fd, $0, &length) == 0)
        }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// A single-node etcd on 127.0.0.1, with ports picked free and a data directory of its own.
struct EtcdServer: Sendable {
    let clientURL: String
    let pid: Int32
    let directory: String

    /// SIGSTOP, then waits (up to 5 s) until the process is in state `T`: on a loaded machine the
    /// stop can take effect after a request has already been answered.
    func pause() {
        kill(pid, SIGSTOP)
        waitForState { $0 == "T" }
    }

    /// SIGCONT, then waits (up to 5 s) until the process has left state `T`.
    func resume() {
        kill(pid, SIGCONT)
        waitForState { $0 != "T" }
    }

    private func waitForState(_ done: (Character) -> Bool) {
        for _ in 0..<500 {
            if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
               let close = stat.lastIndex(of: ")"),
               let letter = stat[stat.index(close, offsetBy: 2)...].first, done(letter) { return }
            usleep(10_000)
        }
    }

    /// Starts etcd, runs `body`, then kills etcd and removes its directory, also when `body`
    /// throws or an expectation failed.
    static func with<T: Sendable>(_ body: (EtcdServer) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("faultline-etcd-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (client, peer) = (freePort(), freePort())
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/etcd")
        process.arguments = [
            "--name", "t", "--data-dir", directory + "/data",
            "--listen-client-urls", "http://127.0.0.1:\(client)", "--advertise-client-urls", "http://127.0.0.1:\(client)",
            "--listen-peer-urls", "http://127.0.0.1:\(peer)", "--initial-advertise-peer-urls", "http://127.0.0.1:\(peer)",
            "--initial-cluster", "t=http://127.0.0.1:\(peer)",
        ]
        _ = FileManager.default.createFile(atPath: directory + "/etcd.log", contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: directory + "/etcd.log"))
        process.standardOutput = log
        process.standardError = log
        try process.run()
        let server = EtcdServer(clientURL: "http://127.0.0.1:\(client)", pid: process.processIdentifier, directory: directory)
        defer {
            server.resume()
            kill(server.pid, SIGKILL)
            process.waitUntilExit()
            try? log.close()
        }
        try await server.waitUntilServing(process)
        return try await body(server)
    }

    /// Waits (up to 20 s) until a read answers.
    private func waitUntilServing(_ process: Process) async throws {
        let probe = EtcdClient(url: clientURL, kind: .register)
        var serving = false
        for _ in 0..<100 where process.isRunning {
            if case .ok = await probe.invoke(OperationRequest(f: "read", key: "probe"), timeout: .milliseconds(500)) {
                serving = true
                break
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
        await probe.close()
        guard serving else { throw EtcdServerError("etcd is not serving: \(logTail())") }
    }

    private func logTail() -> String {
        let text = (try? String(contentsOfFile: directory + "/etcd.log", encoding: .utf8)) ?? ""
        return String(text.suffix(2000))
    }
}

struct EtcdServerError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
