@testable import Databases
@testable import Cluster
import Control
import Foundation
import LabHarness
import RemoteCore
import Testing

/// raftkv's whole life cycle, for real, on a 3-host lab: upload and set-up to a leader, versions,
/// data through a follower, kill and restart on the same data, pause and resume, a faked clock
/// moved and measured, tear-down.
@Suite("raftkv on the lab", .serialized,
       .enabled(if: RaftKVLab.available, "needs root, network namespaces, sshd and curl"),
       .timeLimit(.minutes(3)))
struct RaftKVLabTests {
    @Test("set-up, data through a follower, kill and restart, pause and resume, faked clock, tear-down")
    func lifeCycle() async throws {
        try await RaftKVLab.withCluster { database, cluster in
            try await database.setUp(cluster)
            #expect(Set(try await database.versions(cluster).values).count == 1)
            let leaderName = try #require(try await database.leader(cluster))
            let leader = try #require(cluster.nodes.first { $0.name == leaderName })
            let follower = try #require(cluster.nodes.first { $0.name != leaderName })
            // The tuning reached the command line.
            let pid = try #require(try await RaftKVLab.pid(database, leader))
            let commandLine = try await leader.remote.exec("tr '\\0' ' ' < /proc/\(pid)/cmdline").stdoutText
            #expect(commandLine.contains("--election-timeout 500 --heartbeat-interval 50"))

            #expect(try await RaftKVLab.kv(#"{"op":"put","key":"k","value":"before"}"#, via: follower, database).contains(#""ok":true"#))
            try await database.kill(leader, in: cluster)
            #expect(try await database.daemon(for: leader).state(on: leader.remote) == .notRunning)
            try await eventually {
                let now = try await database.leader(cluster)
                return now != nil && now != leaderName
            }
            #expect(try await RaftKVLab.kv(#"{"op":"put","key":"k","value":"during"}"#, via: follower, database).contains(#""ok":true"#))
            try await database.start(leader, in: cluster)
            // Restarted on its data: it catches up and serves the latest value.
            try await eventually {
                try await RaftKVLab.kv(#"{"op":"get","key":"k"}"#, via: leader, database).contains(#""value":"during""#)
            }

            try await database.pause(follower, in: cluster)
            guard case .silent = await database.probe(follower) else { Issue.record("a paused server answered"); return }
            try await database.resume(follower, in: cluster)
            try await eventually { await database.probe(follower).status != nil }

            // The faked clock moves by what is asked, and back; the host's clock does not.
            let before = Date()
            let offset = try await database.setClockOffset(.seconds(30), on: follower, in: cluster)
            #expect(abs(offset / .seconds(1) - 30) < 0.25, "measured \(offset)")
            #expect(abs(Date().timeIntervalSince(before)) < 5)
            let back = try await database.setClockOffset(.zero, on: follower, in: cluster)
            #expect(abs(back / .seconds(1)) < 0.25, "measured \(back)")

            try await database.tearDown(cluster)
            #expect(try await database.daemon(for: leader).state(on: leader.remote) == .notRunning)
            let data = try database.layout(for: leader).dataDirectory
            #expect(try await leader.remote.exec("test -e \(ShellQuote.quote(data)) && echo left || echo gone").stdoutText == "gone\n")
        }
    }
}

/// The raftkv suite's lab: 3 hosts `fq<run>` in 10.95.<run>.0/24.
enum RaftKVLab {
    /// A missing raftkv binary is not a reason to skip: set-up fails and says how to build it.
    static let available = LabHarness.available(requiring: ["/usr/bin/curl"])
    static let config = LabHarness.config("fq", octet: 95, nodes: 3)

    static func withCluster(_ body: (RaftKVDatabase, ClusterContext) async throws -> Void) async throws {
        try await LabHarness.withLab(config) { lab in
            let cluster = ClusterContext(inventory: try lab.inventory(),
                                         parameters: ["election-timeout": "500", "heartbeat-interval": "50"])
            let database = RaftKVDatabase(options: .init(timings: .init(readyTimeout: .seconds(20))))
            var failure: (any Error)?
            do { try await body(database, cluster) } catch { failure = error }
            do { try await database.tearDown(cluster) } catch { failure = failure ?? error }
            for node in cluster.nodes { await (node.remote as? SSHRemote)?.close() }
            if let failure { throw failure }
        }
    }

    static func pid(_ database: RaftKVDatabase, _ node: ClusterNode) async throws -> Int32? {
        if case .running(let pid, _) = try await database.daemon(for: node).state(on: node.remote) { return pid }
        return nil
    }

    /// One command of the client API, sent with curl from the node's own host; the answer's body.
    static func kv(_ body: String, via node: ClusterNode, _ database: RaftKVDatabase) async throws -> String {
        let result = try await node.remote.exec(ExecRequest(argv: [
            "curl", "-sS", "--max-time", "5", "-X", "POST", "-H", "Content-Type: application/json", "-d", body,
            database.clientURL(for: node) + "/kv",
        ], timeout: .seconds(10)))
        return result.stdoutText
    }
}
