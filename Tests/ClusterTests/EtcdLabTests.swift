@testable import Databases
@testable import Cluster
import Control
import Foundation
import RemoteCore
import Testing

/// etcd's whole life cycle, for real, on a 3-host lab: set-up to a leader, versions, leader
/// agreement, kill and restart, pause and resume, tear-down without leftovers.
@Suite("etcd on the lab", .serialized, .enabled(if: EtcdLab.available, "needs root, network namespaces, sshd, etcd and curl"),
       .etcdLab, .timeLimit(.minutes(2)))
struct EtcdLabTests {
    @Test("tear-down when nothing was set up succeeds, twice")
    func tearDownOfNothing() async throws {
        try await EtcdLab.withCluster { database, cluster in
            try await database.tearDown(cluster)
            try await database.tearDown(cluster)
        }
    }

    @Test("set-up gives a leader within 10 s; versions are read; every member names the same leader")
    func setUp() async throws {
        try await EtcdLab.withCluster { database, cluster in
            let clock = ContinuousClock()
            let start = clock.now
            try await database.setUp(cluster)
            let took = clock.now - start
            #expect(took < .seconds(10), "set-up took \(took)")

            let local = try await LocalRemote().exec("/usr/bin/etcd --version").stdoutText
            let versions = try await database.versions(cluster)
            #expect(versions.keys.sorted() == ["n1", "n2", "n3"])
            for version in versions.values { #expect(local.contains("etcd Version: \(version)\n")) }

            let probes = await database.probes(cluster)
            let statuses = cluster.nodes.compactMap { probes[$0.name]?.status }
            try #require(statuses.count == 3, "\(probes)")
            #expect(Set(statuses.map(\.leaderID)).count == 1)
            let leader = try #require(try await database.leader(cluster))
            #expect(probes[leader]?.status?.memberID == statuses[0].leaderID)
            #expect(statuses.allSatisfy { $0.version == versions[leader] })
            // What `leader` falls back on when the leader itself does not answer.
            #expect(try await database.memberNames(via: cluster.nodes[2]) == EtcdDatabase.memberNames(probes))

            // The tuning reached the command line.
            let pid = try #require(try await runningPid(database, cluster.nodes[0]))
            let commandLine = try await cluster.nodes[0].remote.exec("tr '\\0' ' ' < /proc/\(pid)/cmdline").stdoutText
            #expect(commandLine.contains("--election-timeout=500 --heartbeat-interval=50"))
        }
    }

    @Test("kill waits until the member is gone; start serves again on the same data")
    func killAndStart() async throws {
        try await EtcdLab.withCluster { database, cluster in
            try await database.setUp(cluster)
            let leaderName = try #require(try await database.leader(cluster))
            let victim = try #require(cluster.nodes.first { $0.name == leaderName })
            let other = try #require(cluster.nodes.first { $0.name != leaderName })
            try await EtcdKV.put("k", "before", on: victim, database: database)
            let pid = try #require(try await runningPid(database, victim))

            try await database.kill(victim, in: cluster)
            #expect(try await database.daemon(for: victim).state(on: victim.remote) == .notRunning)
            let stat = try await victim.remote.exec("cat /proc/\(pid)/stat 2>/dev/null; true").stdoutText
            #expect(stat.isEmpty || stat.contains(") Z "))
            try await database.kill(victim, in: cluster)  // already gone: fine

            try await eventually {
                let leader = try await database.leader(cluster)
                return leader != nil && leader != leaderName
            }
            try await EtcdKV.put("k", "during", on: other, database: database)
            try await database.start(victim, in: cluster)
            #expect(try await runningPid(database, victim) != pid)
            try await eventually { try await EtcdKV.get("k", on: victim, database: database) == "during" }
            try await eventually { try await database.leader(cluster) != nil }
            let log = try await victim.remote.exec("cat \(ShellQuote.quote(database.logFiles(victim)[0]))").stdoutText
            #expect(log.contains("--initial-cluster-state=existing") || log.contains("restarting local member"))
        }
    }

    @Test("pause shows state T and silences the member; resume brings it back")
    func pauseAndResume() async throws {
        try await EtcdLab.withCluster { database, cluster in
            try await database.setUp(cluster)
            let node = cluster.nodes[1]
            try await database.pause(node, in: cluster)
            guard case .running(_, "T") = try await database.daemon(for: node).state(on: node.remote) else {
                Issue.record("not in state T after pause"); return
            }
            guard case .silent = await database.probe(node) else { Issue.record("a paused member answered"); return }
            try await database.resume(node, in: cluster)
            guard case .running(_, let letter) = try await database.daemon(for: node).state(on: node.remote) else {
                Issue.record("gone after resume"); return
            }
            #expect(letter != "T")
            try await eventually { await database.probe(node).status?.leaderID ?? 0 != 0 }
        }
    }

    @Test("tear-down leaves no etcd process of the lab and no data directory, but keeps the logs")
    func tearDownLeavesNothing() async throws {
        try await EtcdLab.withCluster { database, cluster in
            try await database.setUp(cluster)
            try await database.pause(cluster.nodes[2], in: cluster)  // SIGTERM alone would not end it
            try await database.tearDown(cluster)
            let labDirectory = EtcdLab.config.directory
            let processes = try await LocalRemote().exec("ps -eo args").stdoutText
            #expect(!processes.split(separator: "\n").contains { $0.hasPrefix("/usr/bin/etcd") && $0.contains(labDirectory) })
            for node in cluster.nodes {
                let layout = try database.layout(for: node)
                #expect(!FileManager.default.fileExists(atPath: layout.dataDirectory))
                #expect(!FileManager.default.fileExists(atPath: layout.pidFile))
                #expect(FileManager.default.fileExists(atPath: layout.logFile))
            }
        }
    }

    @Test("a member that cannot start fails set-up at once, naming the nodes, with their logs")
    func startFailure() async throws {
        try await EtcdLab.withCluster(["no-such-etcd-flag": "1"]) { database, cluster in
            let clock = ContinuousClock()
            let start = clock.now
            await #expect {
                try await database.setUp(cluster)
            } throws: { error in
                guard let error = error as? ClusterError else { return false }
                return Set(error.failedNodes).isSubset(of: ["n1", "n2", "n3"]) && !error.failedNodes.isEmpty
                    && "\(error)".contains("no-such-etcd-flag")
            }
            #expect(clock.now - start < .seconds(10))
        }
    }

    private func runningPid(_ database: EtcdDatabase, _ node: ClusterNode) async throws -> Int32? {
        if case .running(let pid, _) = try await database.daemon(for: node).state(on: node.remote) { return pid }
        return nil
    }
}
