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
}
