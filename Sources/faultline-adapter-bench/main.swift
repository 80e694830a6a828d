import Cluster
import Control
import Databases
import Foundation
import History
import LabHarness
import RunRecord
import Runner
import Workload

// Benchmark of the client adapter protocol (release build: `make bench-adapter`):
// 1. the protocol alone: 10 workers, each with its own adapter process, against an in-memory
//    echo adapter (Python, a dict): operations/s through generator, worker, pipe and recorder;
// 2. on a 3-node lab of its own (prefix fab<run>, octet 111): the set-up and tear-down time of
//    every shipped definition whose binaries this machine has (etcd, dqlite, NATS 2.12 and 2.9,
//    ZooKeeper); register runs at 10 clients for 10 s through each definition and its adapter
//    (operations/s, p50, p99), and for etcd also with the built-in client: the adapter's
//    throughput as a share of the built-in client's.
// Each figure is printed beside its target.

func temp() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("faultline-adapter-bench-\(UUID().uuidString)").path
}

/// An adapter that answers at once from a dict: the cost measured is Faultline's side and the pipe.
let echoAdapter = """
    import json, sys
    store = {}
    out = sys.stdout
    for line in sys.stdin:
        m = json.loads(line); b = m["body"]; r = {"in_reply_to": b["msg_id"]}
        if b["type"] == "init":
            r["type"] = "init_ok"
        elif b["type"] == "read":
            r["type"] = "read_ok"; r["value"] = store.get(str(b["key"]))
        elif b["type"] == "write":
            store[str(b["key"])] = b["value"]; r["type"] = "write_ok"
        else:
            r["type"] = "error"; r["code"] = 10
        out.write(json.dumps({"body": r}) + "\\n"); out.flush()

    """

// 1. The protocol alone.
do {
    let dir = temp()
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try echoAdapter.write(toFile: dir + "/echo.py", atomically: true, encoding: .utf8)
    var spec = WorkloadSpec(kind: .register)
    spec.concurrency = 10
    spec.keys = 10
    spec.opsPerKey = 100_000
    spec.mix = OperationMix(["read": 1, "write": 1])
    spec.timeLimit = .seconds(5)
    let recorder = try Recorder(path: dir + "/history.jsonl")
    let factory = AdapterClientFactory(command: ["python3", "echo.py"], directory: dir)
    let pool = WorkerPool(nodes: [("n1", "mem")], factory: factory, recorder: recorder)
    let start = ContinuousClock.now
    await pool.run(try spec.makeGenerator(seed: 1), hardStop: .seconds(6))
    let seconds = (ContinuousClock.now - start) / .seconds(1)
    try recorder.close()
    let ok = recorder.counts[.ok] ?? 0
    let all = ok + (recorder.counts[.fail] ?? 0) + (recorder.counts[.info] ?? 0)
    print(String(format: "adapter protocol alone (echo adapter in Python, 10 workers, recorder to disk): %.0f ops/s (%d of %d ok)    target ≥ 20,000",
                 Double(all) / seconds, ok, all))
}

// 2. etcd through its definition and adapter, beside the built-in client.
guard LabHarness.available(requiring: ["/usr/bin/etcd", "/usr/bin/etcdctl", "/usr/bin/curl", "/usr/bin/python3"]) else {
    print("etcd figures skipped: needs root, network namespaces, sshd, etcd, etcdctl, curl and python3 (scripts/setup.sh)")
    exit(0)
}
try await LabHarness.withLab(LabHarness.config("fab", octet: 111, nodes: 3)) { lab in
    let cluster = ClusterContext(inventory: try lab.inventory(),
                                 parameters: ["election-timeout": "1000", "heartbeat-interval": "100"])
    // Set-up (stop, wipe, start every node, agreed leader) and tear-down of definition-based
    // clusters; a definition whose binary this machine lacks is skipped, saying so.
    let shipped = ["etcd", "dqlite", "nats", "nats-2.9", "zookeeper"]
    var available: [(name: String, mix: String)] = []
    for file in shipped {
        let database = DefinedDatabase(definition: try DatabaseDefinition.load(
            path: FaultlineBinary.root.appendingPathComponent("databases/\(file).yml").path))
        let defined = ClusterContext(nodes: cluster.nodes)
        var setUps: [Double] = []
        var tearDowns: [Double] = []
        do {
            for _ in 1...3 {
                let start = ContinuousClock.now
                try await database.setUp(defined)
                let up = ContinuousClock.now
                try await database.tearDown(defined)
                setUps.append((up - start) / .seconds(1))
                tearDowns.append((ContinuousClock.now - up) / .seconds(1))
            }
        } catch {
            try? await database.tearDown(defined)
            print("\(file) from databases/\(file).yml skipped: \(String(describing: error).prefix(200))")
            continue
        }
        // Each definition's register operations, in equal parts (dqlite has no cas).
        let ops = database.definition.client.operations[.register].map { $0.sorted() } ?? ["cas", "read", "write"]
        available.append((file, ops.map { "\($0): 1" }.joined(separator: ", ")))
        print(String(format: "%@ from databases/%@.yml, 3 nodes: set-up %.2f s (best of 3, worst %.2f s), tear-down %.2f s    target set-up < 5 s",
                     file, file, setUps.min()!, setUps.max()!, tearDowns.min()!))
    }
    var throughput: [String: Double] = [:]
    let runs = [("etcd", "built-in", "kind: etcd, parameters: {election-timeout: 1000, heartbeat-interval: 100}", "cas: 1, read: 1, write: 1")]
        + available.map { ($0.name, "defined", "definition: ../databases/\($0.name).yml", $0.mix) }
    for (name, label, database, mix) in runs {
        let spec = try TestSpec.parse("""
            name: bench-\(name)-\(label)
            database: {\(database)}
            workload: {kind: register, concurrency: 10, keys: 10, ops-per-key: 1000, mix: {\(mix)}}
            time-limit: 10s
            """, file: FaultlineBinary.root.appendingPathComponent("workloads/bench.yml").path)
        let w = spec.workloadSpec
        let kind = spec.database.descriptor
        let env = RunEnvironment(cluster: ClusterContext(nodes: cluster.nodes, parameters: spec.database.parameters),
                                 database: kind.makeDatabase(), clients: kind.makeClients(for: w))
        let result = try await TestRun(spec: spec, environment: env, plan: try RunPlan(w, seed: 1), seed: 1,
                                       store: try RunStore.create(reports: temp(), test: spec.name)).run()
        let s = result.summary
        if name == "etcd" { throughput[label] = s.throughput }
        print(String(format: "%@ 3 nodes, register, 10 clients, 10 s, %@ client: %.0f ops/s, p50 %.1f ms, p99 %.1f ms, %@",
                     name, label, s.throughput, s.latencyP50, s.latencyP99, result.check.verdict.rawValue))
    }
    if let d = throughput["defined"], let b = throughput["built-in"], b > 0 {
        print(String(format: "adapter / built-in etcd throughput at 10 clients: %.2f    target ≥ 0.70", d / b))
    }
    for node in cluster.nodes { await (node.remote as? SSHRemote)?.close() }
}
