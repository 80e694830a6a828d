import Cluster
import Control
import Databases
import Foundation
import History
import LabHarness
import Nemesis

// faultline-nemesis-bench: on a 5-node lab with etcd, the time from the scheduled moment to a
// fault verified in effect on all its targets (partition, pause; median of several), and the
// time of `Heal.heal` on 5 hosts after a partition and a pause were left behind.

func median(_ values: [Duration]) -> Duration { values.sorted()[values.count / 2] }
func ms(_ d: Duration) -> String { String(format: "%.1f ms", d.inMilliseconds) }

guard LabHarness.available(requiring: ["/usr/bin/etcd", "/usr/bin/curl", "/usr/sbin/iptables"]) else {
    print("faultline-nemesis-bench: needs root, sshd, etcd, curl and network namespaces"); exit(2)
}
let rounds = 9
let clock = ContinuousClock()
try await LabHarness.withLab(LabHarness.config("fb", octet: 94, nodes: 5)) { lab in
    let cluster = ClusterContext(inventory: try lab.inventory(), parameters: ["election-timeout": "500", "heartbeat-interval": "50"])
    let database = EtcdDatabase(options: .init(timings: .init(readyTimeout: .seconds(15))))
    defer { for node in cluster.nodes { Task { await (node.remote as? SSHRemote)?.close() } } }
    try await database.setUp(cluster)
    let names = cluster.nodes.map(\.name)
    let injector = FaultInjector(cluster: cluster, database: database, spec: NemesisSpec(faults: [.partitionHalves, .pause]),
                                 controllerAddresses: [lab.config.bridgeAddress])
    var partition: [Duration] = [], pause: [Duration] = [], heal: [Duration] = []
    var notInEffect: [String] = []
    var rng = SplitMix64(seed: 1)
    for round in 0..<rounds {
        let scheduled = clock.now
        let cut = await injector.apply(FaultPlan(kind: .partitionHalves, grudge: .halves(names, using: &rng)))
        partition.append(clock.now - scheduled)
        if !cut.inEffect { notInEffect.append(cut.evidence) }
        _ = await injector.heal(cut)

        let targets = TargetSelection.nodes(.majority, of: names, leader: nil, using: &rng)
        let pausedAt = clock.now
        let stop = await injector.apply(FaultPlan(kind: .pause, target: .majority, nodes: targets))
        pause.append(clock.now - pausedAt)
        if !stop.inEffect { notInEffect.append(stop.evidence) }
        _ = await injector.heal(stop)

        if round < 5 {
            // Leave a partition and a pause behind, as a crashed controller would, then heal.
            _ = await injector.apply(FaultPlan(kind: .partitionOne, grudge: .isolate(names[round], in: names)))
            _ = await injector.apply(FaultPlan(kind: .pause, target: .one, nodes: [names[(round + 2) % 5]]))
            let started = clock.now
            let report = await Heal.heal(cluster: cluster, database: database)
            heal.append(clock.now - started)
            if !report.succeeded { notInEffect.append("\(report)") }
        }
    }
    try await database.tearDown(cluster)
    print("faultline-nemesis-bench: 5-node lab, etcd, \(rounds) rounds")
    print("  partition (halves, 5 hosts) scheduled → in effect: median \(ms(median(partition))), max \(ms(partition.max()!))   target < 100 ms median")
    print("  pause (majority, 3 hosts)   scheduled → in effect: median \(ms(median(pause))), max \(ms(pause.max()!))   target < 100 ms median")
    print("  Heal.heal on 5 hosts (after partition + pause): median \(ms(median(heal))), max \(ms(heal.max()!))   target < 2 s")
    if !notInEffect.isEmpty { print("  problems:\n" + notInEffect.map { "    \($0)" }.joined(separator: "\n")) }
}
