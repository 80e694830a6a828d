import Cluster
import Control
import Databases
import Foundation
import LabHarness
import Nemesis
import RemoteCore
import RunRecord
import Runner

// faultline-disk-bench (release build: `make bench-disk-layer`), on a 3-node lab of its own
// (prefix fdb, octet 118) with etcd:
// 1. the cost of the disk layer: a register run of 20 s at 10 clients on the plain data
//    directories, then the same on the layer (`disk-layer: true`): ops/s and p99 of each, and the
//    layer's throughput as a share of the plain one's;
// 2. power loss of all 3 members: the time from the invoke to its evidence (killed and dropped
//    on every member), median and max of several, with etcd serving writes in between.
// Each figure is printed beside its target.

func temp() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("faultline-disk-bench-\(UUID().uuidString)").path
}
func ms(_ d: Duration) -> String { String(format: "%.0f ms", d.inMilliseconds) }

guard LabHarness.available(requiring: ["/usr/bin/etcd", "/usr/bin/curl", "/usr/bin/fusermount3"]),
      FileManager.default.fileExists(atPath: "/dev/fuse") else {
    print("faultline-disk-bench: needs root, sshd, etcd, curl, network namespaces, /dev/fuse and fusermount3 (scripts/setup.sh)")
    exit(2)
}
let seconds = 20
try await LabHarness.withLab(LabHarness.config("fdb", octet: 118, nodes: 3)) { lab in
    let inventory = try lab.inventory()
    var throughput: [Bool: Double] = [:]
    for layer in [false, true] {
        let spec = try TestSpec.parse("""
            name: bench-disk-layer-\(layer)
            database:
              kind: etcd
              disk-layer: \(layer)
              parameters: {election-timeout: 1000, heartbeat-interval: 100}
            workload: {kind: register, concurrency: 10, keys: 10, ops-per-key: 100000}
            time-limit: \(seconds)s
            """, file: "bench.yml")
        let (live, run) = try LiveRun.compose(spec: spec, workload: spec.workloadSpec, inventory: inventory, seed: 1,
                                              store: try RunStore.create(reports: temp(), test: spec.name))
        let result = try await run.run()
        await live.close()
        let s = result.summary
        throughput[layer] = s.throughput
        print(String(format: "etcd 3 nodes, register, 10 clients, %d s, %@: %.0f ops/s, p50 %.1f ms, p99 %.1f ms, %@",
                     seconds, layer ? "on the disk layer" : "plain directories", s.throughput, s.latencyP50, s.latencyP99,
                     result.check.verdict.rawValue))
    }
    if let plain = throughput[false], let layered = throughput[true], plain > 0 {
        print(String(format: "disk layer / plain throughput: %.2f    target ≥ 0.70 (costs at most 30 %%)", layered / plain))
    }

    // 2. Power loss of every member, invoke → evidence.
    let cluster = ClusterContext(inventory: inventory, parameters: ["election-timeout": "500", "heartbeat-interval": "50"])
    let layered = ClusterContext(nodes: cluster.nodes, parameters: cluster.parameters, diskLayer: LazyFS())
    let database = EtcdDatabase(options: .init(timings: .init(readyTimeout: .seconds(15))))
    try await database.setUp(layered)
    let injector = FaultInjector(cluster: layered, database: database, spec: NemesisSpec(faults: [.powerLoss]),
                                 controllerAddresses: [lab.config.bridgeAddress])
    let names = layered.nodes.map(\.name)
    let clock = ContinuousClock()
    var took: [Duration] = [], failed: [String] = [], evidence: [String] = []
    for round in 0..<7 {
        // Some writes, so that the members have something in flight.
        for node in layered.nodes {
            _ = try? await node.remote.exec(ExecRequest(
                "for i in 1 2 3 4 5; do curl -s -m 2 -X POST -d '{\"key\":\"YQ==\",\"value\":\"dg==\"}' \(database.clientURL(for: node))/v3/kv/put >/dev/null & done; wait",
                timeout: .seconds(10)))
        }
        let invoked = clock.now
        let loss = await injector.apply(FaultPlan(kind: .powerLoss, target: .all, nodes: names))
        took.append(clock.now - invoked)
        if loss.inEffect { evidence.append(loss.evidence) } else { failed.append(loss.evidence) }
        let healed = await injector.heal(loss)
        if !healed.healed { failed.append(healed.evidence) }
    }
    try await database.tearDown(layered)
    for node in cluster.nodes { await (node.remote as? SSHRemote)?.close() }
    let sorted = took.sorted()
    print("power-loss of 3 etcd members, invoke → evidence (\(took.count) rounds): median \(ms(sorted[sorted.count / 2])), "
        + "max \(ms(sorted.last!))    target ≤ 500 ms")
    if let last = evidence.last { print("  last evidence: \(last)") }
    if !failed.isEmpty { print("  not in effect or not healed: \(failed)") }
}
