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

/// Chaos runs against raftkv, Faultline's own Raft server, on a 5-host lab of this suite's own:
/// the correct build stays linearizable under partitions, kills, pauses and faked clock bumps;
/// with `--bug stale-reads` the checker catches it under leader isolation; with `--pre-vote` a
/// healed old leader no longer forces an election.
@Suite("chaos runs against raftkv on the lab", .serialized,
       .enabled(if: LabHarness.available(requiring: ["/usr/bin/curl"]), "needs root, namespaces, sshd, curl"),
       .timeLimit(.minutes(6)))
struct RaftKVChaosTests {
    static let config = LabHarness.config("fv", octet: 96, nodes: 5)

    /// Runs `workloads/<name>.yml` for `seconds` with `seed` as `faultline run` would (on the disk
    /// layer when the spec asks for it).
    static func run(_ name: String, seconds: Int, seed: UInt64, on lab: Lab) async throws -> RunResult {
        var spec = try TestSpec.load(path: EtcdRunTests.root.appendingPathComponent("workloads/\(name).yml").path)
        spec.timeLimit = .seconds(seconds)
        return try await run(spec, seed: seed, on: lab)
    }

    /// Runs `spec` with `seed` as `faultline run` would, into a temporary reports directory.
    static func run(_ spec: TestSpec, seed: UInt64, on lab: Lab) async throws -> RunResult {
        let workload = try spec.workload.workloadSpec(timeLimit: spec.timeLimit)
        let nodes = ClusterContext(inventory: try lab.inventory()).nodes
        let cluster = ClusterContext(nodes: nodes, parameters: spec.database.parameters, diskLayer: spec.diskLayer)
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

    /// The isolated leader steps down (check-quorum) and its election timer runs out many times.
    /// Without pre-vote each time raises its term, and after the heal that term deposes its
    /// successor; with pre-vote its term stays, and the successor keeps leading in the same term.
    @Test("with --pre-vote, an isolated leader rejoins after the heal without deposing its successor",
          arguments: [false, true])
    func preVoteKeepsAHealedLeaderFromForcingAnElection(preVote: Bool) async throws {
        try await LabHarness.withLab(Self.config) { lab in
            let cluster = ClusterContext(inventory: try lab.inventory(), parameters: [
                "election-timeout": "300", "heartbeat-interval": "30", "pre-vote": String(preVote),
            ])
            defer { Task { for n in cluster.nodes { await (n.remote as? SSHRemote)?.close() } } }
            let database = RaftKVDatabase()
            try await database.setUp(cluster)
            func status(_ name: String) async -> RaftKVStatus? {
                await database.probe(cluster.nodes.first { $0.name == name }!).status
            }
            let injector = FaultInjector(cluster: cluster, database: database, spec: NemesisSpec(faults: [.partitionLeader]),
                                         controllerAddresses: localIPv4Addresses())
            let old = try #require(try await database.leader(cluster))
            let fault = await injector.apply(FaultPlan(kind: .partitionLeader, grudge: .isolate(old, in: cluster.nodes.map(\.name))))
            #expect(fault.inEffect, "\(fault.evidence)")
            try await Task.sleep(for: .seconds(4))  // more than six election timeouts of the old leader
            let successor = try #require(try await database.leader(cluster), "the majority elected no leader")
            #expect(successor != old)
            let term = try #require(await status(successor)).term
            let isolatedTerm = try #require(await status(old)).term
            #expect((isolatedTerm > term) == !preVote, "isolated \(old) in term \(isolatedTerm), successor \(successor) in \(term)")
            let healed = await injector.heal(fault)
            #expect(healed.healed, "\(healed.evidence)")
            try await Task.sleep(for: .seconds(3))
            let after = try #require(try await database.leader(cluster), "no leader after the heal")
            let afterTerm = try #require(await status(after)).term
            if preVote {
                #expect(after == successor && afterTerm == term, "after the heal: \(after) in term \(afterTerm)")
            } else {
                #expect(afterTerm > term, "without pre-vote the healed node's term forces an election")
            }
            try await database.tearDown(cluster)
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
