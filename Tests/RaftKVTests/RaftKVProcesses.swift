import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import RaftKV

#if canImport(Glibc)
import Glibc
#endif

/// Real `raftkv` processes on 127.0.0.1, each with its own port and temporary data directory,
/// and an HTTP client for them. `stopAll()` SIGKILLs every process started; call it in every
/// outcome (`defer`).
final class RaftKVProcesses: @unchecked Sendable {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Every server, spares included.
    let ids: [String]
    /// The initial configuration (`--peers` of the servers that do not join).
    let initial: [String]
    let ports: [String: Int]
    let directory: URL
    let bugs: [String]
    private var processes: [String: Process] = [:]

    init(size: Int, spares: Int = 0, bugs: [String] = []) throws {
        ids = (1...(size + spares)).map { "n\($0)" }
        initial = Array(ids.prefix(size))
        var ports: [String: Int] = [:]
        for id in ids { ports[id] = try Self.freePort() }
        self.ports = ports
        self.bugs = bugs
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("raftkv-test-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// Starts `id`; with `join`, as a server that joins (`--join true`, its `--peers` the initial
    /// members and itself).
    func start(_ id: String, join: Bool = false) throws {
        let p = Process()
        p.executableURL = Self.root.appendingPathComponent(".build/debug/raftkv")
        let peers = (initial + (join && !initial.contains(id) ? [id] : [])).map { "\($0)=127.0.0.1:\(ports[$0]!)" }.joined(separator: ",")
        p.arguments = [
            "--id", id, "--listen", "127.0.0.1:\(ports[id]!)", "--peers", peers,
            "--data-dir", directory.appendingPathComponent(id).path,
            "--election-timeout", "300", "--heartbeat-interval", "30",
        ] + bugs.flatMap { ["--bug", $0] } + (join ? ["--join", "true"] : [])
        let log = directory.appendingPathComponent("\(id).log")
        if !FileManager.default.fileExists(atPath: log.path) { FileManager.default.createFile(atPath: log.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: log)
        handle.seekToEndOfFile()
        p.standardError = handle
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        processes[id] = p
    }

    func kill(_ id: String) {
        guard let p = processes.removeValue(forKey: id) else { return }
        Glibc.kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
    }

    /// True once `id` accepts TCP connections on its port.
    func isListening(_ id: String) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(ports[id]!).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    /// Sends SIGTERM and waits up to `seconds` for the exit; nil (and SIGKILL) if it did not come.
    func terminate(_ id: String, within seconds: Double) -> Int32? {
        guard let p = processes[id] else { return nil }
        Glibc.kill(p.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(seconds)
        while p.isRunning && Date() < deadline { usleep(20_000) }
        if p.isRunning { return nil }
        processes[id] = nil
        return p.terminationStatus
    }

    func stopAll() {
        for id in processes.keys { kill(id) }
        try? FileManager.default.removeItem(at: directory)
    }

    func logs() -> String {
        ids.map { id in
            "--- \(id)\n" + ((try? String(contentsOf: directory.appendingPathComponent("\(id).log"), encoding: .utf8)) ?? "")
        }.joined(separator: "\n")
    }

    struct Answer {
        var status: Int
        var json: [String: Any]
    }

    func request(_ id: String, _ method: HTTPMethod, _ path: String, _ body: String? = nil) async throws -> Answer {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(ports[id]!)\(path)")
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(8))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        let json = (try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))) as? [String: Any] ?? [:]
        return Answer(status: Int(response.status.code), json: json)
    }

    func kv(_ id: String, _ body: String) async throws -> Answer {
        try await request(id, .POST, "/kv", body)
    }

    /// The leader that every live node of `among` agrees on, waiting up to `seconds`.
    func agreedLeader(among: [String], seconds: Double = 45) async throws -> String? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            var seen: Set<String> = []
            for id in among {
                let status = try? await request(id, .GET, "/status")
                seen.insert((status?.json["leader"] as? String) ?? "")
            }
            if seen.count == 1, let leader = seen.first, among.contains(leader) { return leader }
            try await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }

    /// Asks the OS for a free TCP port on 127.0.0.1.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
