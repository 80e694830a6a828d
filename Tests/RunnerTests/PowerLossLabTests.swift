import Analysis
import Cluster
import Control
import Databases
import Foundation
import History
import LabHarness
import Linearizability
import Nemesis
import RunRecord
import Testing
import Workload
@testable import Runner

/// Disk faults on a 3-host lab of this suite's own, against raftkv on the disk layer
/// (faultline-lazyfs over each data directory): `power-loss` of every node catches `--bug
/// no-fsync` (acknowledged writes lost), the correct build stays valid under the same faults, and
/// `corrupt-file` damages a file of one node's data directory, which restarts on it.
@Suite("disk faults against raftkv on the lab", .serialized,
       .enabled(if: LabHarness.available(requiring: ["/usr/bin/curl"]) && DiskLayerLab.layerBuilt,
                "needs root, namespaces, sshd, curl, /dev/fuse and the built faultline-lazyfs"),
       .timeLimit(.minutes(6)))
struct PowerLossLabTests {
    static let config = LabHarness.config("fd", octet: 100, nodes: 3)

    static func run(_ name: String, seed: UInt64, on lab: Lab) async throws -> RunResult {
        try await RaftKVChaosTests.run(name, seconds: 20, seed: seed, on: lab)
    }

    /// The evidence of the power losses in effect, and whether any dropped bytes.
    static func powerLosses(_ result: RunResult) throws -> [String] {
        try JSONLHistory.read(path: result.store.historyPath).events
            .filter { $0.process == .nemesis && $0.type == .info && $0.f == "power-loss" && $0.error == nil }
            .compactMap { $0.value.string }
    }

    static func layerMounts() throws -> Int {
        try String(contentsOfFile: "/proc/mounts", encoding: .utf8).split(separator: "\n")
            .filter { $0.contains(LazyFS.mountType) && $0.contains(config.prefix) }.count
    }

    @Test("with --bug no-fsync, power loss of every node loses acknowledged writes: invalid (within three seeded runs)")
    func noFsyncIsCaught() async throws {
        try await LabHarness.withLab(Self.config) { lab in
            var verdicts: [Verdict] = []
            for seed in UInt64(1)...3 {
                let result = try await Self.run("raftkv-bug-no-fsync", seed: seed, on: lab)
                verdicts.append(result.check.verdict)
                let losses = try Self.powerLosses(result)
                #expect(!losses.isEmpty && losses.contains { !$0.contains("dropped 0 ") }, "\(losses)")
                #expect(try Self.layerMounts() == 0, "tear-down unmounts the disk layer")
                if result.check.verdict == .invalid { break }
            }
            #expect(verdicts.last == .invalid, "verdicts of seeds 1…: \(verdicts)")
        }
    }

    @Test("the correct build, fsyncing before it acknowledges, stays valid under the same power losses")
    func correctBuildSurvivesPowerLoss() async throws {
        try await LabHarness.withLab(Self.config) { lab in
            let result = try await Self.run("raftkv-power-loss", seed: 1, on: lab)
            #expect(result.check.verdict == .valid, "\(result.check.counterexample?.explanation ?? [])")
            #expect(try Self.powerLosses(result).count >= 2)
            #expect(result.summary.ok > 300, "\(result.summary.line)")
            #expect(try Self.layerMounts() == 0)
        }
    }

    /// A flipped bit in one node's log: raftkv reads its log up to the damaged line, cuts the rest
    /// off as it would a torn write, starts, and catches up from the leader.
    @Test("corrupt-file flips a bit in one node's log, says where, and the node starts again on it")
    func corruptFileDamagesOneNode() async throws {
        try await LabHarness.withLab(Self.config) { lab in
            let cluster = ClusterContext(inventory: try lab.inventory(), parameters: ["election-timeout": "300", "heartbeat-interval": "30"])
            defer { Task { for n in cluster.nodes { await (n.remote as? SSHRemote)?.close() } } }
            let database = RaftKVDatabase()
            try await database.setUp(cluster)
            var spec = NemesisSpec(faults: [.corruptFile])
            spec.corruptPattern = "log.jsonl"
            let injector = FaultInjector(cluster: cluster, database: database, spec: spec, controllerAddresses: localIPv4Addresses())
            var plan = FaultPlan(kind: .corruptFile, target: .minority, nodes: [cluster.nodes[0].name])
            plan.corruption = FileCorruption(kind: .bitflip, draw: 42)
            let fault = await injector.apply(plan)
            #expect(fault.inEffect, "\(fault.evidence)")
            #expect(fault.evidence.contains("killed, log.jsonl (") && fault.evidence.contains("flipped"), "\(fault.evidence)")
            let healed = await injector.heal(fault)
            #expect(healed.healed, "\(healed.evidence)")
            let journal = try await cluster.nodes[0].remote.exec(HealJournal.readCommand(baseDirectory: cluster.nodes[0].baseDirectory))
            #expect(journal.stdoutText.isEmpty, "the heal removed its journal entry")
            #expect(try await database.leader(cluster) != nil)
            try await database.tearDown(cluster)
        }
    }
}

enum DiskLayerLab {
    static var layerBuilt: Bool {
        FileManager.default.fileExists(atPath: "/dev/fuse") && FileManager.default.isExecutableFile(atPath: LazyFS().localBinary)
    }
}
