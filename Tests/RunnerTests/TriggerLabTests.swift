import Analysis
import Cluster
import Control
import Databases
import Foundation
import History
import LabHarness
import Nemesis
import RunRecord
import Testing
import Workload
@testable import Runner

/// A trigger on a real cluster: raftkv on a 3-host lab of this suite's own, the clock schedule
/// isolating the leader, a trigger pausing each new leader as soon as the status poll sees it,
/// a loss between the nodes held all along.
@Suite("triggers on a real leader change", .serialized,
       .enabled(if: LabHarness.available(requiring: ["/usr/bin/curl", "/usr/sbin/iptables"]), "needs root, namespaces, sshd, curl, iptables"),
       .timeLimit(.minutes(3)))
struct TriggerLabTests {
    static let config = LabHarness.config("ft", octet: 120, nodes: 3)

    static let spec = """
        name: raftkv-trigger-lab
        database:
          kind: raftkv
          nodes: 3
          parameters: {election-timeout: 300, heartbeat-interval: 30}
        workload: {kind: register, concurrency: 4, keys: 2, ops-per-key: 100000, op-timeout: 1s}
        nemesis:
          faults: [partition-leader]
          interval: 2s
          jitter: 0s
          duration: 2s
          poll-interval: 10ms
          link-loss: 0.05
          triggers:
            - {on: leader-elected, fault: pause, target: new-leader, delay: 0ms, jitter: 5ms, duration: 200ms, limit: 3}
        time-limit: 9s
        """

    @Test("a leader change the poll sees fires the trigger; its fault hits the new leader and records the event and delay")
    func triggerFiresOnALeaderChange() async throws {
        try await LabHarness.withLab(Self.config) { lab in
            let spec = try TestSpec.parse(Self.spec, file: "raftkv-trigger-lab.yml")
            let result = try await RaftKVChaosTests.run(spec, seed: 3, on: lab)
            defer { try? FileManager.default.removeItem(atPath: ((result.store.directory as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent) }
            let events = try JSONLHistory.read(path: result.store.historyPath).events.filter { $0.process == .nemesis }
            let fired = events.filter { $0.type == .invoke && $0.f == "pause" }
            #expect(!fired.isEmpty, "no trigger fired: \(events.map { "\($0.f) \($0.value)" })")
            for invoke in fired {
                let cause = try #require(invoke.cause, "a triggered pause without its cause")
                #expect(cause.hasPrefix("leader-elected: n"), "\(cause)")
                let delay = try #require(invoke.delay)
                #expect(delay >= 0 && delay <= 5_000_000)
                // Aimed at the new leader the event names: `pause: n2` for `leader-elected: n2 leads …`.
                let leader = cause.dropFirst("leader-elected: ".count).prefix { $0 != " " }
                #expect(invoke.value.string == "pause: \(leader)", "\(invoke.value) for \(cause)")
                let info = try #require(events.first { $0.index > invoke.index && $0.type == .info && $0.f == "pause" })
                #expect(info.nemesisFailure == nil, "\(info.value)")
            }
            #expect(fired.count <= 3, "limit 3")
            let faults = FaultInterval.faults(in: try JSONLHistory.read(path: result.store.historyPath).events)
            #expect(faults.contains { $0.kind == "pause" && $0.cause?.hasPrefix("on leader-elected: ") == true })
            #expect(faults.contains { $0.kind == "partition-leader" && $0.cause == nil })
            // The held loss: in effect from the start, its chain still full at the end (the
            // partitions' heals flushed their own chain, not this one), removed by its heal.
            let held = try #require(faults.first { $0.kind == "link-loss" })
            #expect(held.inEffect && held.end != nil, "\(held)")
            #expect(faults.filter { $0.kind == "partition-leader" && $0.end != nil }.allSatisfy { $0.start > held.start && $0.end! < held.end! })
            let release = try #require(events.last { $0.type == .info && $0.f == "heal-link-loss" })
            #expect(release.nemesisFailure == nil && (release.value.string ?? "").components(separatedBy: "flushed 2").count == 4,
                    "\(release.value)")
            for node in try lab.inventory().hosts.map({ $0.remote() }) {
                #expect(try await node.exec("iptables -w -S \(Firewall.heldChain)").status.code != 0, "the held chain is gone")
            }
        }
    }

    /// The held delay: every acknowledged write and read waits at least one round trip between
    /// nodes, twice the delay (a quorum's answer), while on the undelayed lab they take a few
    /// milliseconds; the clients and polls from the controller are not delayed; the chain and the
    /// delayer are gone after the run, and a heal sweeps what a crashed run would leave.
    @Test("a held link delay makes every round trip between the nodes take twice the delay, and is removed")
    func heldLinkDelaySlowsTheNodesLinks() async throws {
        let spec = """
            name: raftkv-link-delay-lab
            database:
              kind: raftkv
              nodes: 3
              parameters: {election-timeout: 600, heartbeat-interval: 100}
            workload: {kind: register, concurrency: 4, keys: 2, ops-per-key: 100000, op-timeout: 2s}
            nemesis:
              faults: [partition-one]
              interval: 1m
              link-delay: 40ms
            time-limit: 4s
            """
        try await LabHarness.withLab(Self.config) { lab in
            let result = try await RaftKVChaosTests.run(try TestSpec.parse(spec, file: "raftkv-link-delay-lab.yml"), seed: 1, on: lab)
            defer { try? FileManager.default.removeItem(atPath: ((result.store.directory as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent) }
            let events = try JSONLHistory.read(path: result.store.historyPath).events
            let nemesis = events.filter { $0.process == .nemesis }
            let held = try #require(nemesis.first { $0.type == .info && $0.f == "link-delay" })
            #expect(held.nemesisFailure == nil && (held.value.string ?? "").components(separatedBy: "2 peers delayed 40 ms").count == 4, "\(held.value)")
            let healed = try #require(nemesis.last { $0.type == .info && $0.f == "heal-link-delay" })
            #expect(healed.nemesisFailure == nil && (healed.value.string ?? "").components(separatedBy: "removed 2, stopped").count == 4, "\(healed.value)")
            // Latency of each operation acknowledged, invoked once the delay was in effect.
            let delayed = try #require(held.time)
            var invoked: [Int: Int64] = [:]
            var latencies: [Int64] = []
            for e in events where e.process != .nemesis && (e.time ?? 0) > delayed {
                guard case .client(let p) = e.process else { continue }
                if e.type == .invoke { invoked[p] = e.time } else if e.type == .ok, let start = invoked[p], let end = e.time { latencies.append(end - start) }
            }
            #expect(latencies.count >= 8, "\(latencies.count) operations acknowledged")
            let fastest = latencies.min() ?? 0
            #expect(fastest >= 78_000_000, "an operation acknowledged in \(fastest / 1_000_000) ms: under one delayed round trip")
            let hosts = try lab.inventory().hosts.map { $0.remote() }
            for host in hosts {
                #expect(try await host.exec("iptables -w -t mangle -S \(LinkDelay.chain)").status.code != 0, "the delay chain is gone")
            }
            #expect(try await hosts[0].exec("pgrep -f '[b]in/faultline-delay' || true").stdoutText.isEmpty, "no delayer left")
            // What a crashed run leaves: a delayer and its chain; the heal removes both.
            let cluster = ClusterContext(inventory: try lab.inventory())
            let node = cluster.nodes[0]
            let home = try LinkDelay.directory(on: node)
            try await BinaryUpload(localPath: LinkDelay.localBinary, remotePath: home + "/bin/faultline-delay").install(on: node.remote, timeout: .seconds(20))
            let command = try LinkDelay.holdCommands(delay: .milliseconds(40), peers: [cluster.nodes[1].address], controller: [], home: home)
            #expect(try await node.remote.exec(command).status.code == 0)
            #expect(!(try await node.remote.exec("pgrep -f '[b]in/faultline-delay' || true").stdoutText.isEmpty))
            let report = await Heal.heal(cluster: cluster, database: DatabaseCatalog.database("raftkv"))
            let actions = report.hosts.flatMap(\.actions)
            #expect(actions.contains { $0.contains("chain \(LinkDelay.chain) removed 1 rules") && $0.contains("faultline-delay stopped") }, "\(actions)")
            #expect(try await node.remote.exec("iptables -w -t mangle -S \(LinkDelay.chain)").status.code != 0)
            #expect(try await node.remote.exec("pgrep -f '[b]in/faultline-delay' || true").stdoutText.isEmpty)
        }
    }
}
