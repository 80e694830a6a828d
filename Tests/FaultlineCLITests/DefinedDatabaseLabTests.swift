import Foundation
import LabHarness
import RunRecord
import Testing

/// A database Faultline has no code for, run from its definition (databases/dqlite.yml: Debian's
/// dqlite-demo, driven by adapters/http_kv.py) on a real lab: set-up, leader discovery, kills
/// restarted on the same data, partitions and pauses, adapters' logs, the definition stored with
/// the run; and a definition whose program does not start is a 255 naming the node.
@Suite(.serialized,
       .enabled(if: LabHarness.available(requiring: ["/usr/bin/dqlite-demo", "/usr/bin/dqlite", "/usr/bin/python3", "/usr/sbin/iptables"]),
                "needs root, namespaces, sshd, go-dqlite, python3, iptables"),
       .timeLimit(.minutes(6)))
struct DefinedDatabaseLabTests {
    static let config = LabHarness.config("fd", octet: 110, nodes: 3)
    static let definition = CheckCommandTests.root.appendingPathComponent("databases/dqlite.yml").path

    /// A new folder for one test's files and reports.
    static func scratch() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("faultline-defined-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func write(_ name: String, in dir: String, _ text: String) throws -> String {
        let path = dir + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func dqliteRunsFromItsDefinitionUnderKillsPartitionsAndPauses() async throws {
        try await LabHarness.withLab(Self.config) { lab in
            let dir = try Self.scratch()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let spec = try Self.write("dqlite.yml", in: dir, """
                name: dqlite-lab
                database: {definition: \(Self.definition), nodes: 3}
                workload: {kind: register, concurrency: 6, keys: 3, mix: {read: 1, write: 1}, op-timeout: 2s,
                           final-reads: every, quiet-period: 3s}
                nemesis: {faults: [kill, partition-leader, pause], targets: [one, leader], interval: 2s, jitter: 0, duration: 2s}
                time-limit: 20s

                """)
            let reports = dir + "/reports"
            let (status, text) = try CheckCommandTests.faultlineBounded(
                ["run", spec, "--hosts", lab.config.directory + "/inventory.yml", "--reports", reports, "--seed", "4"], seconds: 200)
            print(text)
            #expect(status == 0 || status == 1, "the run was carried out and checked: \(text)")
            let runs = try FileManager.default.contentsOfDirectory(atPath: reports + "/dqlite-lab")
            let run = reports + "/dqlite-lab/" + (try #require(runs.sorted().last))
            let results = try ResultsFile.read(path: run + "/results.json")
            print("dqlite under kills, partitions and pauses: \(results.check.verdict.rawValue)")
            #expect(results.check.verdict != .unknown, "a small history is decided")
            let history = try String(contentsOfFile: run + "/history.jsonl", encoding: .utf8).split(separator: "\n")
            let nemesis = history.filter { $0.contains(#""process":"nemesis""#) && $0.contains(#""type":"info""#) }
            for f in ["kill", "heal-kill", "partition-leader", "heal-partition-leader", "pause", "heal-pause"] {
                #expect(nemesis.contains { $0.contains(#""f":"\#(f)""#) }, "\(f) took effect and was recorded: \(nemesis.joined(separator: "\n"))")
            }
            #expect(!nemesis.contains { $0.contains("not in effect") }, "every fault took effect: \(nemesis.joined(separator: "\n"))")
            let ok = history.filter { $0.contains(#""type":"ok""#) }
            #expect(ok.contains { $0.contains(#""f":"write""#) } && ok.contains { $0.contains(#""f":"read""#) && !$0.contains(#""value":null"#) },
                    "writes were acknowledged and read back through the adapter")
            let leaders = try String(contentsOfFile: run + "/leaders.jsonl", encoding: .utf8)
            #expect(leaders.contains(#""leader":"n"#), "leader discovery through `dqlite .leader` named a node: \(leaders)")
            #expect(FileManager.default.fileExists(atPath: run + "/definition.yml"), "the definition it ran with is stored")
            let logs = try FileManager.default.subpathsOfDirectory(atPath: run + "/nodes")
            #expect(logs.contains { $0.hasSuffix("dqlite.log") }, "each node's log is collected: \(logs)")
            // The stored run checks again from its own folder, with the definition beside it.
            let (again, checked) = try CheckCommandTests.faultlineBounded(["check", run + "/history.jsonl"], seconds: 60)
            #expect(again == status, "\(checked)")
        }
    }

    @Test func aProgramThatDoesNotStartIsNamedWithItsNode() async throws {
        try await LabHarness.withLab(Self.config) { lab in
            let dir = try Self.scratch()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            _ = try Self.write("broken.yml", in: dir, """
                name: broken
                binary: /bin/sh
                ports: {api: 8001}
                start:
                  arguments: [-c, "echo refusing to start >&2; exit 3", "{{data}}"]
                leader: {http: "http://{{address}}:{{ports.api}}/leader"}
                client:
                  adapter: [python3, \(CheckCommandTests.root.appendingPathComponent("adapters/http_kv.py").path)]
                  workloads: {register: [read, write]}

                """)
            let spec = try Self.write("spec.yml", in: dir, """
                name: broken
                database: {definition: broken.yml, nodes: 3}
                workload: {kind: register, mix: {read: 1, write: 1}}
                time-limit: 5s

                """)
            let (status, text) = try CheckCommandTests.faultlineBounded(
                ["run", spec, "--hosts", lab.config.directory + "/inventory.yml", "--reports", dir + "/reports"], seconds: 120, withStderr: true)
            #expect(status == 255, "\(text)")
            #expect(text.contains("n1") && text.contains("refusing to start"), "the node and its log's words are named: \(text)")
            let runs = try FileManager.default.contentsOfDirectory(atPath: dir + "/reports/broken")
            let results = try ResultsFile.read(path: dir + "/reports/broken/" + (try #require(runs.first)) + "/results.json")
            #expect(results.failure?.contains("refusing to start") == true && results.check.verdict == .unknown,
                    "stored as a failed run: \(results.failure ?? "no failure")")
        }
    }

    /// `clock: {faketime: true}` puts the definition's processes on libfaketime's clock, which a
    /// clock fault moves on the lab (hosts sharing the controller's clock), measured through the
    /// definition's `clock.read`. The "database" is a shell loop writing `date` into its folder:
    /// a C program under LD_PRELOAD, as a libfaketime-honouring server would be. Its clock is
    /// read 0.2 s after the move, once the loop has written the moved time.
    @Test func aFakedClockIsMovedAndMeasuredThroughTheDefinition() async throws {
        try await LabHarness.withLab(Self.config) { lab in
            let dir = try Self.scratch()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            _ = try Self.write("ticker.yml", in: dir, """
                name: ticker
                binary: /bin/sh
                start:
                  arguments: [-c, 'while :; do date +%s.%N > "$1/clock.tmp" && mv -f "$1/clock.tmp" "$1/clock"; sleep 0.05; done', ticker, "{{dir}}"]
                leader: {command: "echo n1", means: leader}
                clock: {faketime: true, read: {command: "sleep 0.2; cat {{dir}}/clock"}}
                client:
                  adapter: [python3, \(CheckCommandTests.root.appendingPathComponent("adapters/http_kv.py").path)]
                  address: "http://{{address}}:1"
                  workloads: {register: [read, write]}

                """)
            let spec = try Self.write("spec.yml", in: dir, """
                name: ticker
                database: {definition: ticker.yml, nodes: 3}
                workload: {kind: register, concurrency: 1, mix: {read: 1, write: 1}, rate: 5}
                nemesis: {faults: [clock-bump], targets: [one], interval: 1s, jitter: 0, duration: 2s, clock-offset: 30s}
                time-limit: 4s

                """)
            let reports = dir + "/reports"
            let (status, text) = try CheckCommandTests.faultlineBounded(
                ["run", spec, "--hosts", lab.config.directory + "/inventory.yml", "--reports", reports, "--seed", "1"], seconds: 120, withStderr: true)
            let runs = try FileManager.default.contentsOfDirectory(atPath: reports + "/ticker")
            let run = reports + "/ticker/" + (try #require(runs.sorted().last, "\(status) \(text)"))
            let history = try String(contentsOfFile: run + "/history.jsonl", encoding: .utf8).split(separator: "\n")
            let bumps = history.filter { $0.contains(#""process":"nemesis""#) && $0.contains(#""type":"info""#) && $0.contains(#""f":"clock-bump""#) }
            let bump = try #require(bumps.first, "a clock bump was applied: \(text)")
            #expect(bump.contains("faked clock (libfaketime), measured offset +30") || bump.contains("faked clock (libfaketime), measured offset +29"),
                    "the offset measured from the process's own clock: \(bump)")
            let heals = history.filter { $0.contains(#""f":"heal-clock-bump""#) && $0.contains(#""type":"info""#) }
            #expect(heals.contains { $0.contains("measured offset +0") || $0.contains("measured offset -0") }, "healed back to no offset: \(heals)")
        }
    }

    /// etcd through its definition and adapter in the list-append workload: Maelstrom's `txn`
    /// message carried out by adapters/etcd_v3.py, checked by the transaction checker, under
    /// partitions and kills — strict serializable, as the built-in client finds etcd.
    @Test func etcdListAppendThroughTheAdapterIsStrictSerializable() async throws {
        try await LabHarness.withLab(Self.config) { lab in
            let dir = try Self.scratch()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let definition = CheckCommandTests.root.appendingPathComponent("databases/etcd.yml").path
            let spec = try Self.write("txn.yml", in: dir, """
                name: etcd-defined-txn
                database: {definition: \(definition), nodes: 3, parameters: {election-timeout: 500, heartbeat-interval: 50}}
                workload: {kind: list-append, concurrency: 6, keys: 4, ops-per-key: 50, op-timeout: 1s}
                nemesis: {faults: [partition-leader, kill], targets: [one, leader], interval: 2s, jitter: 0, duration: 2s}
                time-limit: 12s

                """)
            let reports = dir + "/reports"
            let (status, text) = try CheckCommandTests.faultlineBounded(
                ["run", spec, "--hosts", lab.config.directory + "/inventory.yml", "--reports", reports, "--seed", "1"], seconds: 150)
            #expect(status == 0, "valid: \(text)")
            #expect(text.contains("list-append as strict-serializable") && text.contains("no anomaly"), "\(text)")
            let runs = try FileManager.default.contentsOfDirectory(atPath: reports + "/etcd-defined-txn")
            let history = try String(contentsOfFile: reports + "/etcd-defined-txn/" + (try #require(runs.first)) + "/history.jsonl", encoding: .utf8)
            let ok = history.split(separator: "\n").filter { $0.contains(#""type":"ok""#) && $0.contains(#""f":"txn""#) }
            #expect(ok.count > 50, "transactions were acknowledged: \(ok.count)")
            #expect(ok.contains { $0.range(of: #"\["r",\d+,\[\d+"#, options: .regularExpression) != nil }, "reads saw appended elements")
        }
    }
}
