import Cluster
import Control
import Databases
import Foundation
import History
import LabHarness
import RunRecord
import Runner
import Workload

// Benchmark of the run harness (release build: `scripts/bench-run.sh`):
// 1. generator + workers + recorder with the in-memory client, no database: operations/s;
// 2. register runs against a 3-node etcd and a 3-node raftkv (release build of this package's
//    server) on a lab of its own (prefix frb<run>, 10.92.<run>.0/24), same workload, at 10 and 50
//    clients: operations/s and latency p50/p99, and raftkv's throughput as a share of etcd's.
// Each figure is printed beside its target.

func temp() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("faultline-run-bench-\(UUID().uuidString)").path
}

func workload(clients: Int, seconds: Int) throws -> WorkloadSpec {
    var spec = WorkloadSpec(kind: .register)
    spec.concurrency = clients
    spec.keys = clients
    spec.opsPerKey = 1000
    spec.timeLimit = .seconds(seconds)
    return spec
}

// 1. The harness alone.
do {
    let spec = try workload(clients: 10, seconds: 5)
    let recorder = try Recorder(path: temp() + ".jsonl")
    let pool = WorkerPool(nodes: [("n1", "mem")], factory: InMemoryClientFactory(kind: .register), recorder: recorder)
    let start = ContinuousClock.now
    await pool.run(try spec.makeGenerator(seed: 1), hardStop: .seconds(6))
    let seconds = (ContinuousClock.now - start) / .seconds(1)
    try recorder.close()
    let ops = (recorder.counts[.ok] ?? 0) + (recorder.counts[.fail] ?? 0) + (recorder.counts[.info] ?? 0)
    print(String(format: "harness alone (in-memory client, 10 workers, recorder to disk): %.0f ops/s    target ≥ 100,000",
                 Double(ops) / seconds))
}

// 2. Against etcd.
guard LabHarness.available(requiring: ["/usr/bin/etcd", "/usr/bin/curl"]) else {
    print("etcd figures skipped: needs root, network namespaces, sshd, /usr/bin/etcd and curl (scripts/setup.sh)")
    exit(0)
}
try await LabHarness.withLab(LabHarness.config("frb", octet: 92, nodes: 3)) { lab in
    let cluster = ClusterContext(inventory: try lab.inventory(),
                                 parameters: ["election-timeout": "1000", "heartbeat-interval": "100"])
    for clients in [10, 50] {
        var throughput: [String: Double] = [:]
        for kind in DatabaseCatalog.kinds {
            let spec = try TestSpec.parse("""
                name: bench-\(kind)-\(clients)
                database: {kind: \(kind)}
                workload: {kind: register, concurrency: \(clients), keys: \(clients), ops-per-key: 1000}
                time-limit: 10s
                """, file: "bench.yml")
            let w = spec.workloadSpec
            let env = RunEnvironment(cluster: cluster, database: DatabaseCatalog.database(kind),
                                     clients: DatabaseCatalog.clients(kind, workload: w))
            let result = try await TestRun(spec: spec, environment: env, plan: try RunPlan(w, seed: 1), seed: 1,
                                           store: try RunStore.create(reports: temp(), test: spec.name)).run()
            let s = result.summary
            throughput[kind] = s.throughput
            print(String(format: "%@ 3 nodes, register, %d clients, 10 s: %.0f ops/s, p50 %.1f ms, p99 %.1f ms, %@",
                         kind, clients, s.throughput, s.latencyP50, s.latencyP99, result.check.verdict.rawValue))
        }
        if let r = throughput["raftkv"], let e = throughput["etcd"], e > 0 {
            print(String(format: "raftkv / etcd throughput at %d clients: %.2f    target ≥ 0.5 (within 2x)", clients, r / e))
        }
    }
    for node in cluster.nodes { await (node.remote as? SSHRemote)?.close() }
}
