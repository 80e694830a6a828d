import Analysis
import Cluster
import Control
import Foundation
import History
import LabHarness
import Linearizability
import Nemesis
import Testing
import Workload
@testable import Runner

/// Chaos runs against raftkv, Faultline's own Raft server, on a 5-host lab of this suite's own:
/// the correct build stays linearizable under partitions, kills, pauses and faked clock bumps;
/// with `--bug stale-reads` the checker catches it under leader isolation.
@Suite("chaos runs against raftkv on the lab", .serialized,
       .enabled(if: LabHarness.available(requiring: ["/usr/bin/curl"]), "needs root, namespaces, sshd, curl"),
       .timeLimit(.minutes(6)))
struct RaftKVChaosTests {
    static let config = LabHarness.config("fv", octet: 96, nodes: 5)

    /// Runs `workloads/<name>.yml` for `seconds` with `seed`, faults every second.
    static func run(_ name: String, seconds: Int, seed: UInt64, on lab: Lab) async throws -> RunResult {
        var spec = try TestSpec.load(path: EtcdRunTests.root.appendingPathComponent("workloads/\(name).yml").path)
        spec.timeLimit = .seconds(seconds)
        let workload = try spec.workload.workloadSpec(timeLimit: spec.timeLimit)
        let cluster = ClusterContext(inventory: try lab.inventory(), parameters: spec.database.parameters)
        defer { Task { for n in cluster.nodes { await (n.remote as? SSHRemote)?.close() } } }
        let database = DatabaseCatalog.database(spec.database.kind)
        let nemesis = try #require(spec.nemesis)
        let controller = localIPv4Addresses()
        let env = RunEnvironment(cluster: cluster, database: database,
                                 clients: DatabaseCatalog.clients(spec.database.kind, workload: workload),
                                 faults: { Nemesis(spec: nemesis, cluster: $1, database: database, log: $0, seed: seed,
                                                   controllerAddresses: controller) })
        return try await TestRun(spec: spec, environment: env, plan: try RunPlan(workload, seed: seed), seed: seed,
                                 store: try RunStore.create(reports: EtcdRunTests.temp(), test: spec.name)).run()
    }

    /// The kinds of fault the run's history shows in effect.
    static func faultsInEffect(_ result: RunResult) throws -> Set<String> {
        Set(FaultInterval.faults(in: try JSONLHistory.read(path: result.store.historyPath).events).filter(\.inEffect).map(\.kind))
    }

    @Test("raftkv-register-chaos (no bug) is valid; partitions, kills, pauses and faked clock bumps took effect")
    func correctBuildStaysValid() async throws {
        try await LabHarness.withLab(Self.config) { lab in
            let result = try await Self.run("raftkv-register-chaos", seconds: 30, seed: 5, on: lab)
            #expect(result.check.verdict == .valid, "\(result.check.counterexample?.explanation ?? [])")
            #expect(result.summary.ok > 500, "\(result.summary.line)")
            let inEffect = try Self.faultsInEffect(result)
            #expect(inEffect.count >= 4 && inEffect.contains("clock-bump"), "faults in effect: \(inEffect)")
        }
    }

    @Test("with --bug stale-reads, leader isolation makes the history invalid (within three seeded runs)")
    func staleReadsAreCaught() async throws {
        try await LabHarness.withLab(Self.config) { lab in
            var verdicts: [Verdict] = []
            for seed in UInt64(1)...3 {
                let result = try await Self.run("raftkv-bug-stale-reads", seconds: 20, seed: seed, on: lab)
                verdicts.append(result.check.verdict)
                #expect(try Self.faultsInEffect(result).contains("partition-leader"))
                if result.check.verdict == .invalid { break }
            }
            #expect(verdicts.last == .invalid, "verdicts of seeds 1…: \(verdicts)")
        }
    }
}
