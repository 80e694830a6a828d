import Cluster
import Control
import Databases
import Foundation
import History
import LabHarness
import Nemesis
import RemoteCore
import Testing

/// The `membership` fault family on a real 5-server raftkv cluster: a shrink takes out at most
/// two servers (a majority of five stays), removed through a member that stays, stopped and
/// wiped, and the smaller cluster serves; its heal adds one back; after a shrink left to
/// `faultline heal` (as after a crashed controller) every original member is back and the data
/// reached the servers that joined.
@Suite("membership on the lab", .serialized,
       .enabled(if: LabHarness.available(requiring: ["/usr/bin/curl"]), "needs root, network namespaces, sshd and curl"),
       .timeLimit(.minutes(3)))
struct MembershipLabTests {
    static let config = LabHarness.config("mb", octet: 124, nodes: 5)
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    @Test("shrink, serve, heal back; shrink, faultline heal back")
    func shrinkAndGrowBack() async throws {
        try await LabHarness.withLab(Self.config) { lab in
            let cluster = ClusterContext(inventory: try lab.inventory(),
                                         parameters: ["election-timeout": "500", "heartbeat-interval": "50"])
            let database = RaftKVDatabase(options: .init(timings: .init(readyTimeout: .seconds(20))))
            var failure: (any Error)?
            do { try await Self.run(database, cluster) } catch { failure = error }
            _ = await Heal.heal(cluster: cluster, database: database)
            do { try await database.tearDown(cluster) } catch { failure = failure ?? error }
            for node in cluster.nodes { await (node.remote as? SSHRemote)?.close() }
            if let failure { throw failure }
        }
    }

    /// etcd's members through its v3 member API (the built-in kind) and through etcdctl (the
    /// `membership` section of databases/etcd.yml): two out (one through the nemesis's heal, the
    /// other left to `faultline heal`), the three that stay keep a leader, all five back.
    @Test("etcd, built in and defined: shrink by two, heal and faultline heal back",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/etcd")), arguments: [false, true])
    func etcdShrinkAndGrowBack(defined: Bool) async throws {
        let timings = DaemonTimings(readyTimeout: .seconds(20))
        let database: any MembershipChanging & LeaderAware & ProbedMembers = defined
            ? DefinedDatabase(definition: try DatabaseDefinition.load(path: Self.root + "/databases/etcd.yml"), timings: timings)
            : EtcdDatabase(options: .init(timings: timings))
        try await LabHarness.withLab(Self.config) { lab in
            let cluster = ClusterContext(inventory: try lab.inventory(),
                                         parameters: ["election-timeout": "500", "heartbeat-interval": "50"])
            var failure: (any Error)?
            do {
                try await database.setUp(cluster)
                let names = cluster.nodes.map(\.name)
                let injector = FaultInjector(cluster: cluster, database: database, spec: NemesisSpec(faults: [.membership]),
                                             controllerAddresses: [])
                var rng = SplitMix64(seed: 7)
                let plan = MembershipFaults().plan(.init(wait: .zero, kind: .membership, target: .all), nodes: names, leader: nil, using: &rng)
                let fault = await injector.apply(plan)
                #expect(fault.inEffect, "\(fault.evidence)")
                let stayed = cluster.nodes.first { !plan.nodes.contains($0.name) }!
                #expect(try await database.members(via: stayed, in: cluster) == names.filter { !plan.nodes.contains($0) })
                var leader: String?
                for _ in 0..<50 where leader == nil {
                    leader = try await database.leader(cluster)
                    if leader == nil { try await Task.sleep(for: .milliseconds(200)) }
                }
                #expect(leader != nil, "the three that stay agree on a leader")
                // The nemesis heals the first; the journal of the second is left to `faultline heal`.
                var first = fault
                first.touched = [plan.nodes[0]]
                let healed = await injector.heal(first)
                #expect(healed.healed, "\(healed.evidence)")
                let report = await Heal.heal(cluster: cluster, database: database)
                #expect(report.hosts.allSatisfy { $0.failures.isEmpty }, "\(report)")
                #expect(try await database.members(via: stayed, in: cluster) == names)
                for node in cluster.nodes where plan.nodes.contains(node.name) {
                    #expect(try await database.daemon(for: node).state(on: node.remote) != .notRunning, "\(node.name)")
                }
            } catch { failure = error }
            _ = await Heal.heal(cluster: cluster, database: database)
            do { try await database.tearDown(cluster) } catch { failure = failure ?? error }
            for node in cluster.nodes { await (node.remote as? SSHRemote)?.close() }
            if let failure { throw failure }
        }
    }

    /// The group change under the cut: the correct build cannot commit it while the old
    /// majority is cut off (joint consensus); `unsafe-membership` commits it at once. Either way
    /// the heal ends with every original member back.
    @Test("membership-split: the group change commits during the cut only with unsafe-membership", arguments: [false, true])
    func splitHeal(unsafe: Bool) async throws {
        try await LabHarness.withLab(Self.config) { lab in
            let cluster = ClusterContext(inventory: try lab.inventory(),
                                         parameters: ["election-timeout": "1000", "heartbeat-interval": "100"]
                                            .merging(unsafe ? ["bug": "unsafe-membership"] : [:]) { $1 })
            let database = RaftKVDatabase(options: .init(timings: .init(readyTimeout: .seconds(20))))
            var failure: (any Error)?
            do {
                try await database.setUp(cluster)
                let names = cluster.nodes.map(\.name)
                let injector = FaultInjector(cluster: cluster, database: database, spec: NemesisSpec(faults: [.membershipSplit]),
                                             controllerAddresses: [])
                #expect(await MembershipSplitFaults().unavailable(by: injector) == nil)
                // The leader is removed last: the others still name it when the heal begins, and
                // the cut must wait for the leader they elect among themselves.
                var leader = try await database.leader(cluster)
                for _ in 0..<100 where leader == nil {
                    try await Task.sleep(for: .milliseconds(200))
                    leader = try await database.leader(cluster)
                }
                let first = try #require(leader, "the five agree on a leader")
                let plan = FaultPlan(kind: .membershipSplit, target: .all, nodes: [names.first { $0 != first }!, first])
                let fault = await injector.apply(plan)
                #expect(fault.inEffect && fault.touched.count == 2, "\(fault.evidence)")
                let healed = await injector.heal(fault)
                #expect(healed.healed, "\(healed.evidence)")
                #expect(healed.evidence.contains("cut "), "\(healed.evidence)")
                if unsafe {
                    #expect(healed.evidence.contains("added in one change through"), "\(healed.evidence)")
                } else {
                    #expect(healed.evidence.contains("not added while cut"), "\(healed.evidence)")
                }
                let stayed = cluster.nodes.first { !plan.nodes.contains($0.name) }!
                // The last change is committed at the leader; a follower has it a heartbeat later.
                var members = try await database.members(via: stayed, in: cluster)
                for _ in 0..<25 where members != names {
                    try await Task.sleep(for: .milliseconds(200))
                    members = try await database.members(via: stayed, in: cluster)
                }
                #expect(members == names, "\(healed.evidence)")
            } catch { failure = error }
            _ = await Heal.heal(cluster: cluster, database: database)
            do { try await database.tearDown(cluster) } catch { failure = failure ?? error }
            for node in cluster.nodes { await (node.remote as? SSHRemote)?.close() }
            if let failure { throw failure }
        }
    }

    static func run(_ database: RaftKVDatabase, _ cluster: ClusterContext) async throws {
        try await database.setUp(cluster)
        let names = cluster.nodes.map(\.name)
        let injector = FaultInjector(cluster: cluster, database: database, spec: NemesisSpec(faults: [.membership]),
                                     controllerAddresses: [])
        var rng = SplitMix64(seed: 18)
        let all = MembershipFaults().plan(.init(wait: .zero, kind: .membership, target: .all), nodes: names, leader: nil, using: &rng)
        #expect(all.nodes.count == 2, "never below a majority of five: \(all)")

        // One server out, through the nemesis, and back.
        let one = MembershipFaults().plan(.init(wait: .zero, kind: .membership, target: .one), nodes: names, leader: nil, using: &rng)
        let fault = await injector.apply(one)
        #expect(fault.inEffect, "\(fault.evidence)")
        let rest = names.filter { !one.nodes.contains($0) }
        let via = cluster.nodes.first { $0.name == rest[0] }!
        #expect(fault.evidence.hasSuffix("members: " + rest.joined(separator: ",")), "\(fault.evidence)")
        #expect(try await database.members(via: via, in: cluster) == rest)
        let removed = cluster.nodes.first { $0.name == one.nodes[0] }!
        #expect(try await database.daemon(for: removed).state(on: removed.remote) == .notRunning)
        let data = try database.layout(for: removed).dataDirectory
        #expect(try await removed.remote.exec("test -e \(ShellQuote.quote(data)) && echo left || echo gone").stdoutText == "gone\n")
        #expect(try await answers(#"{"op":"put","key":"k","value":"shrunk"}"#, #""ok":true"#, via: via, database))
        let healed = await injector.heal(fault)
        #expect(healed.healed && healed.evidence.hasSuffix("members: " + names.joined(separator: ",")), "\(healed.evidence)")
        #expect(try await answers(#"{"op":"get","key":"k"}"#, #""value":"shrunk""#, via: removed, database))

        // Two out, then the controller "crashes": `faultline heal` finds the journal and grows back.
        let two = await injector.apply(all)
        #expect(two.inEffect, "\(two.evidence)")
        let stayed = cluster.nodes.first { !all.nodes.contains($0.name) }!
        #expect(try await database.members(via: stayed, in: cluster).count == 3)
        #expect(try await answers(#"{"op":"put","key":"k","value":"three"}"#, #""ok":true"#, via: stayed, database))
        let report = await Heal.heal(cluster: cluster, database: database)
        #expect(report.hosts.allSatisfy { $0.failures.isEmpty }, "\(report)")
        #expect(try await database.members(via: stayed, in: cluster) == names)
        for name in all.nodes {
            let node = cluster.nodes.first { $0.name == name }!
            #expect(try await answers(#"{"op":"get","key":"k"}"#, #""value":"three""#, via: node, database), "\(name)")
        }
    }

    /// Sends one command of the client API with curl from the node's own host until the answer
    /// contains `expected` (true) or 20 s passed (false): a shrink may have removed the leader.
    static func answers(_ body: String, _ expected: String, via node: ClusterNode, _ database: RaftKVDatabase) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            let result = try await node.remote.exec(ExecRequest(argv: [
                "curl", "-sS", "--max-time", "5", "-X", "POST", "-H", "Content-Type: application/json", "-d", body,
                database.clientURL(for: node) + "/kv",
            ], timeout: .seconds(10)))
            if result.stdoutText.contains(expected) { return true }
            try await Task.sleep(for: .milliseconds(200))
        }
        return false
    }
}
