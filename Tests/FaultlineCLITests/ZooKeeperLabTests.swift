import Foundation
import LabHarness
import RunRecord
import Testing

/// ZooKeeper (Debian's 3.8.0) from databases/zookeeper.yml and adapters/zookeeper_kv.py on a real
/// 3-node lab: the ensemble comes up from its zoo.cfg/myid, each member's own `srvr` names the
/// leader, and reads through `sync` are linearizable without faults; plain reads of a follower
/// cut off from its leader are caught stale (the checker's counterexample names the read).
@Suite(.serialized,
       .enabled(if: LabHarness.available(requiring: ["/usr/bin/java", "/usr/sbin/iptables", CheckCommandTests.root.appendingPathComponent(".venv/bin/python").path])
                    && FileManager.default.fileExists(atPath: "/usr/share/java/zookeeper.jar"),
                "needs root, namespaces, sshd, Debian's zookeeper, iptables, .venv with kazoo"),
       .timeLimit(.minutes(5)))
struct ZooKeeperLabTests {
    static let config = LabHarness.config("zk", octet: 114, nodes: 3)
    static let definition = CheckCommandTests.root.appendingPathComponent("databases/zookeeper.yml").path

    /// Runs `spec` (text) on the lab with `seed`; returns the exit status, output and run folder.
    static func run(_ name: String, _ spec: String, seed: Int, inventory: String, in dir: String) throws -> (Int32, String, String) {
        let file = try DefinedDatabaseLabTests.write(name + ".yml", in: dir, spec)
        let reports = dir + "/reports"
        let arguments: [String] = ["run", file, "--hosts", inventory, "--reports", reports, "--seed", String(seed)]
        let (status, text) = try CheckCommandTests.faultlineBounded(arguments, seconds: 150)
        let runs: [String] = try FileManager.default.contentsOfDirectory(atPath: reports + "/" + name).sorted()
        let last: String = try #require(runs.last, "\(status) \(text)")
        return (status, text, reports + "/" + name + "/" + last)
    }

    @Test func anEnsembleComesUpAndSyncReadsAreLinearizable() async throws {
        try await LabHarness.withLab(Self.config) { lab in
            let dir = try DefinedDatabaseLabTests.scratch()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let (status, text, run) = try Self.run("zk-baseline", """
                name: zk-baseline
                database: {definition: \(Self.definition), nodes: 3}
                workload: {kind: register, read-path: sync, concurrency: 6, keys: 3, mix: {read: 1, write: 1, cas: 1}, op-timeout: 2s}
                time-limit: 8s

                """, seed: 1, inventory: lab.config.directory + "/inventory.yml", in: dir)
            print(text)
            #expect(status == 0, "valid: \(text)")
            let results = try ResultsFile.read(path: run + "/results.json")
            #expect(results.check.verdict == .valid)
            let history = try String(contentsOfFile: run + "/history.jsonl", encoding: .utf8).split(separator: "\n")
            let ok = history.filter { $0.contains(#""type":"ok""#) }
            #expect(ok.filter { $0.contains(#""f":"cas""#) }.count > 5 && ok.filter { $0.contains(#""f":"read""#) && !$0.contains(#""value":null"#) }.count > 5,
                    "cas and reads of written values were acknowledged: \(ok.count) ok")
            let leaders = try String(contentsOfFile: run + "/leaders.jsonl", encoding: .utf8)
            #expect(leaders.contains(#""leader":"n"#), "each member's `srvr` mode agreed on a leader: \(leaders)")
            let manifest = try String(contentsOfFile: run + "/manifest.json", encoding: .utf8)
            #expect(manifest.contains("3.8.0"), "the package's version is recorded")
            let logs = try FileManager.default.subpathsOfDirectory(atPath: run + "/nodes")
            #expect(logs.filter { $0.hasSuffix("zookeeper.log") }.count == 3, "each member's log is kept: \(logs)")
        }
    }

    /// One node cut off at a time while its clients read with the plain read path: a follower keeps
    /// answering from its own state while the others commit writes. Seeds 1 to 3 at most: the first
    /// invalid run ends the test.
    @Test func plainReadsOfACutOffFollowerAreCaughtStale() async throws {
        try await LabHarness.withLab(Self.config) { lab in
            let dir = try DefinedDatabaseLabTests.scratch()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            var verdicts: [Int32] = []
            for seed in 1...3 {
                let (status, text, run) = try Self.run("zk-stale", """
                    name: zk-stale
                    database: {definition: \(Self.definition), nodes: 3}
                    workload: {kind: register, read-path: plain, concurrency: 9, keys: 3, mix: {read: 2, write: 1}, op-timeout: 1s, quiet-period: 1s}
                    nemesis: {faults: [partition-one], interval: 1s, jitter: 0, duration: 5s}
                    time-limit: 10s

                    """, seed: seed, inventory: lab.config.directory + "/inventory.yml", in: dir)
                verdicts.append(status)
                guard status == 1 else { continue }
                #expect(text.contains("read") && text.contains("cannot take effect"), "the counterexample names the stale read: \(text)")
                let results = try ResultsFile.read(path: run + "/results.json")
                #expect(results.check.verdict == .invalid)
                break
            }
            print("plain reads under partition-one, exit status per seed: \(verdicts)")
            #expect(verdicts.last == 1, "a stale read within 3 seeded runs: \(verdicts)")
            #expect(verdicts.allSatisfy { $0 == 0 || $0 == 1 }, "every run was carried out and checked: \(verdicts)")
        }
    }
}
