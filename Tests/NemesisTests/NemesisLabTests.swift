import Cluster
import Foundation
import History
import Nemesis
import RemoteCore
import Testing

@Suite(.serialized, .nemesisLab, .enabled(if: NemesisLab.available), .timeLimit(.minutes(2)))
struct NemesisLabTests {
    static let sentinel = "-A INPUT -s 192.0.2.1/32 -p tcp -m tcp --dport 9 -j ACCEPT"

    @Test func partitionRulesOnExactlyTheDroppersAndHealEmptiesOnlyOurChain() async throws {
        try await NemesisLab.withCluster { database, cluster, controller in
            let n1 = cluster.nodes[0]
            _ = try await n1.remote.exec("iptables -w -A INPUT -s 192.0.2.1 -p tcp --dport 9 -j ACCEPT")
            let log = CollectingLog()
            let nemesis = Nemesis(spec: NemesisSpec(faults: [.partitionHalves]), cluster: cluster, database: database,
                                  log: log, seed: 1, controllerAddresses: controller)
            let names = cluster.nodes.map(\.name)
            var rng = SplitMix64(seed: 99)
            let grudge = Grudge.bridge(names, using: &rng)
            let fault = await nemesis.inject(FaultPlan(kind: .partitionBridge, grudge: grudge))
            #expect(fault.inEffect, "\(fault.evidence)")
            let address = Dictionary(uniqueKeysWithValues: cluster.nodes.map { ($0.name, $0.address) })
            for node in cluster.nodes {
                let expected = Set((grudge.drops[node.name] ?? []).map { address[$0]! })
                try #expect(Firewall.droppedSources(in: await NemesisLab.chain(node)) == expected, "\(node.name)")
                try #expect(!(await NemesisLab.chain(node)).contains(controller[0]))
            }
            let journaled = { (node: ClusterNode) async throws -> Bool in
                try await node.remote.exec(HealJournal.readCommand(baseDirectory: node.baseDirectory)).stdoutText.contains(fault.journalID)
            }
            for node in cluster.nodes where grudge.drops[node.name] != nil { #expect(try await journaled(node), "\(node.name)") }
            await nemesis.healActive()
            for node in cluster.nodes {
                try #expect(Firewall.rules(in: await NemesisLab.chain(node)).isEmpty, "\(node.name)")
                // The heal removes the fault's journal line in the flush's own command.
                #expect(try await !journaled(node), "\(node.name)")
            }
            try #expect(await NemesisLab.input(n1).contains(Self.sentinel))
            let report = await Heal.heal(cluster: cluster, database: database)
            #expect(report.succeeded, "\(report)")
            for node in cluster.nodes { try #expect(await NemesisLab.chain(node).isEmpty) }
            try #expect(await NemesisLab.input(n1).contains(Self.sentinel))
            #expect(log.events.map(\.f) == ["partition-bridge", "partition-bridge", "heal-partition-bridge", "heal-partition-bridge"])
            #expect(log.events.map(\.type) == [.invoke, .info, .invoke, .info])
            _ = try await n1.remote.exec("iptables -w -D INPUT -s 192.0.2.1 -p tcp --dport 9 -j ACCEPT")
        }
    }

    /// A heal says what it did even when it was no fault (an empty chain) and names a journal line
    /// it could not read instead of dropping it; the journal is gone afterwards, empty or not.
    @Test func healSaysWhatItTidiedAndWhatItCouldNotRead() async throws {
        try await NemesisLab.withCluster { database, cluster, _ in
            let n1 = cluster.nodes[0], n2 = cluster.nodes[1]
            _ = try await n1.remote.exec("iptables -w -N FAULTLINE 2>/dev/null; iptables -w -C INPUT -j FAULTLINE 2>/dev/null || iptables -w -I INPUT -j FAULTLINE")
            let journal = HealJournal.path(n1.baseDirectory)
            _ = try await n1.remote.exec("mkdir -p \(ShellQuote.quote(n1.baseDirectory)) && printf '{\"id\":\"x\",\"fau' > \(ShellQuote.quote(journal))")
            _ = try await n2.remote.exec("mkdir -p \(ShellQuote.quote(n2.baseDirectory)) && : > \(ShellQuote.quote(HealJournal.path(n2.baseDirectory)))")
            let report = await Heal.heal(cluster: cluster, database: database)
            #expect(report.succeeded, "\(report)")
            let first = try #require(report.hosts.first { $0.name == n1.name })
            #expect(first.tidied == ["empty chain FAULTLINE removed"], "\(report)")
            #expect(first.actions.contains { $0.hasPrefix("journal: left out an unreadable line") && $0.contains("{\"id\":\"x\",\"fau") }, "\(report)")
            #expect(!report.description.split(separator: "\n").prefix(4).contains("  nothing to do"), "\(report)")
            try #expect(await NemesisLab.chain(n1).isEmpty)
            for node in [n1, n2] {
                let left = try await node.remote.exec("test -e \(ShellQuote.quote(HealJournal.path(node.baseDirectory))) && echo there || echo gone")
                #expect(left.stdoutText.contains("gone"), "\(node.name)")
            }
            let again = await Heal.heal(cluster: cluster, database: database)
            #expect(again.hosts.allSatisfy { $0.actions.isEmpty && $0.tidied.isEmpty }, "\(again)")
        }
    }

    @Test func pauseShowsStateTThenResumes() async throws {
        try await NemesisLab.withCluster { database, cluster, controller in
            let log = CollectingLog()
            let nemesis = Nemesis(spec: NemesisSpec(faults: [.pause]), cluster: cluster, database: database,
                                  log: log, seed: 1, controllerAddresses: controller)
            let fault = await nemesis.inject(FaultPlan(kind: .pause, target: .minority, nodes: ["n2", "n4"]))
            #expect(fault.inEffect && fault.evidence.contains("state T"), "\(fault.evidence)")
            try #expect(await NemesisLab.state(cluster.nodes[1], database) == "T")
            try #expect(await NemesisLab.state(cluster.nodes[3], database) == "T")
            await nemesis.healActive()
            try #expect(await NemesisLab.state(cluster.nodes[1], database) != "T")
            try #expect(await NemesisLab.state(cluster.nodes[3], database) != "T")
        }
    }

    @Test func killThenStartServesAgain() async throws {
        try await NemesisLab.withCluster { database, cluster, controller in
            let nemesis = Nemesis(spec: NemesisSpec(faults: [.kill]), cluster: cluster, database: database,
                                  log: CollectingLog(), seed: 1, controllerAddresses: controller)
            let n3 = cluster.nodes[2]
            let fault = await nemesis.inject(FaultPlan(kind: .kill, target: .one, nodes: ["n3"]))
            #expect(fault.inEffect, "\(fault.evidence)")
            let killedState = try await NemesisLab.state(n3, database)
            #expect(["gone", "Z"].contains(killedState))
            #expect(await database.probe(n3).status == nil)
            await nemesis.healActive()
            #expect(await database.probe(n3).status != nil)
        }
    }

    @Test func healAfterControllerCrashUndoesTheJournal() async throws {
        try await NemesisLab.withCluster { database, cluster, controller in
            let spec = NemesisSpec(faults: [.partitionOne, .pause])
            do {
                // Two injectors stand for a controller that died with a partition and a pause applied.
                let a = FaultInjector(cluster: cluster, database: database, spec: spec, controllerAddresses: controller)
                let partition = await a.apply(FaultPlan(kind: .partitionOne, grudge: .isolate("n1", in: cluster.nodes.map(\.name))))
                let pause = await a.apply(FaultPlan(kind: .pause, target: .majority, nodes: ["n3", "n4", "n5"]))
                #expect(partition.inEffect && pause.inEffect, "\(partition.evidence) / \(pause.evidence)")
                let journal = try await cluster.nodes[2].remote.exec(HealJournal.readCommand(baseDirectory: cluster.nodes[2].baseDirectory))
                #expect(HealJournal.entries(journal.stdoutText).map(\.undo) == [[.firewall], [.resume]])
            }
            let report = await Heal.heal(cluster: cluster, database: database)
            #expect(report.succeeded, "\(report)")
            #expect(report.hosts.first { $0.name == "n3" }?.actions.contains("resumed etcd") == true, "\(report)")
            for node in cluster.nodes {
                try #expect(await NemesisLab.chain(node).isEmpty, "\(node.name)")
                let state = try await NemesisLab.state(node, database)
                #expect(state != "T" && state != "gone", "\(node.name): \(state)")
                let journal = try await node.remote.exec(HealJournal.readCommand(baseDirectory: node.baseDirectory))
                #expect(journal.stdoutText.isEmpty)
            }
            let again = await Heal.heal(cluster: cluster, database: database)
            #expect(again.succeeded && again.hosts.allSatisfy { $0.actions.isEmpty }, "\(again)")
        }
    }

    @Test func killedProcessesInTheJournalAreStartedByHeal() async throws {
        try await NemesisLab.withCluster { database, cluster, controller in
            let a = FaultInjector(cluster: cluster, database: database, spec: NemesisSpec(faults: [.kill]), controllerAddresses: controller)
            let kill = await a.apply(FaultPlan(kind: .kill, target: .one, nodes: ["n5"]))
            #expect(kill.inEffect, "\(kill.evidence)")
            let report = await Heal.heal(cluster: cluster, database: database)
            #expect(report.succeeded, "\(report)")
            #expect(await database.probe(cluster.nodes[4]).status != nil)
        }
    }

    @Test func clockFaultsOnTheLabAreReportedUnavailable() async throws {
        try await NemesisLab.withCluster { database, cluster, controller in
            let log = CollectingLog()
            let spec = NemesisSpec(faults: [.clockBump, .clockStrobe], interval: .milliseconds(100), jitter: .zero)
            let nemesis = Nemesis(spec: spec, cluster: cluster, database: database, log: log, seed: 1,
                                  controllerAddresses: controller)
            let start = ContinuousClock.now
            let clock: @Sendable () -> Duration = { ContinuousClock.now - start }
            await nemesis.run(until: .milliseconds(500), clock: clock)
            let infos = log.events.filter { $0.type == .info }
            #expect(Set(infos.map(\.f)) == ["clock-bump", "clock-strobe"])
            #expect(infos.allSatisfy { $0.error == "not in effect" && $0.value.contains("controller's clock") })
            let direct = await FaultInjector(cluster: cluster, database: database, spec: spec, controllerAddresses: controller)
                .apply(FaultPlan(kind: .clockBump, target: .one, nodes: ["n1"]))
            #expect(!direct.inEffect && direct.touched.isEmpty)
        }
    }

    @Test func lossAddsAStatisticRuleAndDelayIsUnavailable() async throws {
        try await NemesisLab.withCluster { database, cluster, controller in
            let nemesis = Nemesis(spec: NemesisSpec(faults: [.loss, .delay]), cluster: cluster, database: database,
                                  log: CollectingLog(), seed: 1, controllerAddresses: controller)
            let loss = await nemesis.inject(FaultPlan(kind: .loss, target: .one, nodes: ["n2"]))
            #expect(loss.inEffect, "\(loss.evidence)")
            let chain = try await NemesisLab.chain(cluster.nodes[1])
            #expect(chain.contains("-m statistic --mode random --probability") && chain.contains("-s \(controller[0])/32 -j RETURN"), "\(chain)")
            let delay = await nemesis.inject(FaultPlan(kind: .delay, target: .one, nodes: ["n2"]))
            try #expect(Firewall.rules(in: await NemesisLab.chain(cluster.nodes[1])).isEmpty, "loss healed before delay")
            #expect(!delay.inEffect && delay.recordedError == "not in effect" && delay.evidence.contains("netem unavailable"), "\(delay.evidence)")
            await nemesis.healActive()
        }
    }

    @Test func aShortRunRecordsPairsAndEndsHealed() async throws {
        try await NemesisLab.withCluster { database, cluster, controller in
            let log = CollectingLog()
            let spec = NemesisSpec(faults: [.partitionOne, .partitionRing, .pause, .loss], targets: [.one, .minority],
                                   interval: .milliseconds(200), jitter: .milliseconds(100), duration: .milliseconds(300))
            let nemesis = Nemesis(spec: spec, cluster: cluster, database: database, log: log, seed: 7,
                                  controllerAddresses: controller)
            let start = ContinuousClock.now
            await nemesis.run(until: .seconds(3), clock: { ContinuousClock.now - start })
            let events = log.events
            #expect(events.count >= 8 && events.count % 2 == 0, "\(events)")
            let applied = events.filter { $0.type == .info && !$0.f.hasPrefix("heal-") }
            #expect(applied.allSatisfy { $0.error == nil }, "\(applied)")
            for node in cluster.nodes {
                try #expect(Firewall.rules(in: await NemesisLab.chain(node)).isEmpty)
                try #expect(await NemesisLab.state(node, database) != "T")
            }
        }
    }

    @Test func cancellingARunHealsWhatItApplied() async throws {
        try await NemesisLab.withCluster { database, cluster, controller in
            let log = CollectingLog()
            let spec = NemesisSpec(faults: [.partitionOne, .pause], targets: [.majority],
                                   interval: .milliseconds(100), jitter: .zero, duration: .seconds(30))
            let nemesis = Nemesis(spec: spec, cluster: cluster, database: database, log: log, seed: 3,
                                  controllerAddresses: controller)
            let start = ContinuousClock.now
            let run = Task { await nemesis.run(until: .seconds(60), clock: { ContinuousClock.now - start }) }
            while log.events.count < 2 { try await Task.sleep(for: .milliseconds(20)) }
            run.cancel()
            await run.value
            #expect(log.events.last?.f.hasPrefix("heal-") == true, "\(log.events)")
            for node in cluster.nodes {
                try #expect(Firewall.rules(in: await NemesisLab.chain(node)).isEmpty)
                try #expect(await NemesisLab.state(node, database) != "T")
            }
        }
    }
}
