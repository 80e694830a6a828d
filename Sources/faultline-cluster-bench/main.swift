import Cluster
import Control
import Databases
import Foundation
import LabHarness

// Benchmark of the etcd life cycle on a lab of its own (5 hosts, prefix fcb<run>,
// 10.91.<run>.0/24; needs root and /usr/bin/etcd): set-up to an agreed leader, tear-down, three
// rounds each. Build in release: `scripts/bench-cluster.sh`. Prints each figure beside its target.

func seconds(_ duration: Duration) -> Double {
    duration / .seconds(1)
}

func report(_ name: String, _ values: [Double], target: String) {
    let sorted = values.sorted()
    let figure = String(format: "%.2f / %.2f / %.2f s", sorted.first!, sorted[sorted.count / 2], sorted.last!)
    print("\(name.padding(toLength: 44, withPad: " ", startingAt: 0)) \(figure.padding(toLength: 24, withPad: " ", startingAt: 0)) target \(target)")
}

guard LabHarness.available(requiring: ["/usr/bin/etcd", "/usr/bin/curl"]) else {
    print("faultline-cluster-bench: needs root, network namespaces, sshd, /usr/bin/etcd and curl (scripts/setup.sh)")
    exit(2)
}

let rounds = 3
try await LabHarness.withLab(LabHarness.config("fcb", octet: 91, nodes: 5)) { lab in
    let cluster = ClusterContext(inventory: try lab.inventory())
    let database = EtcdDatabase()
    let clock = ContinuousClock()
    var setUps: [Double] = []
    var tearDowns: [Double] = []
    do {
        for _ in 0..<rounds {
            var start = clock.now
            try await database.setUp(cluster)
            setUps.append(seconds(clock.now - start))
            start = clock.now
            try await database.tearDown(cluster)
            tearDowns.append(seconds(clock.now - start))
        }
    } catch {
        try? await database.tearDown(cluster)
        throw error
    }
    print("etcd \(try await database.versions(cluster)["n1"] ?? "?"), 5 members, \(rounds) rounds (min / median / max)")
    report("etcd set-up, 5 nodes, to an agreed leader", setUps, target: "< 10 s")
    report("etcd tear-down, 5 nodes", tearDowns, target: "-")
    for node in cluster.nodes { await (node.remote as? SSHRemote)?.close() }
}
