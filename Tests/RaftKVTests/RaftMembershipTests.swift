import Testing
import History
import RaftKV

/// Membership changes with joint consensus: the simulation's safety checks (election safety,
/// log matching, leader completeness, state machine safety) hold across random adds and removes
/// with drops, partitions and crashes; new servers catch up before they vote; a removed leader
/// steps down; a removed server does not disrupt; `unsafe-membership` loses a committed entry.
@Suite struct RaftMembershipTests {
    /// The leader's configuration change is over: C_new (not joint) is committed.
    static func settled(_ node: RaftNode) -> Bool {
        node.pendingChange == nil && node.membership.outgoing == nil && node.membershipIndex <= node.commitIndex
    }

    /// Random faults as in `RaftSimulationTests.chaos`, and at every phase a random membership
    /// change asked of whoever leads: remove one or two voters (the leader too), or add one or
    /// two servers from outside the configuration (wiped first, half the time).
    static func chaos(seed: UInt64, preVote: Bool, bugs: Set<RaftBug> = []) -> SimulatedCluster {
        let sim = SimulatedCluster(size: 3, seed: seed, bugs: bugs, preVote: preVote, spares: 3)
        var rng = SplitMix64(seed: seed ^ 0x3E3B)
        sim.dropRate = 0.05
        sim.maxDelay = 15
        var counter = 0
        for _ in 0..<16 {
            switch rng.next() % 6 {
            case 0:
                let shuffled = sim.ids.shuffled(using: &rng)
                let split = 1 + Int(rng.next() % UInt64(sim.ids.count - 1))
                sim.partition([Array(shuffled[..<split]), Array(shuffled[split...])])
            case 1:
                if let victim = sim.live.randomElement(using: &rng), sim.live.count > sim.ids.count - 2 { sim.crash(victim) }
            case 2:
                for id in sim.ids where sim.members[id]!.node == nil { sim.start(id) }
            case 3:
                sim.heal()
            default:
                break
            }
            for step in 0..<30 {
                sim.run(for: 5)
                for leader in sim.leaders {
                    counter += 1
                    sim.propose(.put(key: "k\(rng.next() % 5)", value: "v\(counter)"), at: leader)
                }
                guard step == 10, let leader = sim.leaders.first, settled(sim.node(leader)) else { continue }
                let voters = sim.node(leader).membership.voters
                let others = sim.ids.filter { !voters.contains($0) }
                let count = 1 + Int(rng.next() % 2)
                if voters.count > 3 && rng.next() % 2 == 0 {
                    let removed = Set(voters.shuffled(using: &rng).prefix(min(count, voters.count - 3)))
                    sim.changeMembership(add: [], remove: removed, at: leader)
                } else if !others.isEmpty {
                    let added = Array(others.shuffled(using: &rng).prefix(count))
                    for id in added where rng.next() % 2 == 0 && sim.members[id]!.node != nil { sim.wipe(id) }
                    sim.changeMembership(add: added, at: leader)
                }
            }
            sim.checkLogMatching()
        }
        return sim
    }

    @Test(arguments: 0..<30, [false, true])
    func safetyAndLivenessAcrossMembershipChanges(seed: Int, preVote: Bool) {
        let sim = Self.chaos(seed: UInt64(seed), preVote: preVote)
        #expect(sim.violations == [], "seed \(seed)")

        // Liveness: healed and everyone back: one leader, and a write commits on every voter.
        RaftSimulationTests.expectFinalWriteApplied(sim, seed: seed, settle: 2_000) { leader in
            let voters = sim.node(leader).membership.members
            #expect(voters.count >= 3, "seed \(seed): \(voters)")
            return voters.sorted()
        }
    }

    /// Three servers, s1 leads and adds s4 and s5 in one change; s2 and s3 hear nothing more
    /// from s1, which commits what it can (and a write, X) with s4 and s5; then s2 runs for
    /// election and s3 votes for it.
    static func growByTwo(bugs: Set<RaftBug>) -> SimulatedCluster {
        let sim = SimulatedCluster(size: 3, seed: 12, bugs: bugs, spares: 2)
        sim.manual = true
        let all = Set(sim.ids)
        sim.timeout("s1")
        sim.deliverAll(among: all)
        sim.heartbeat("s1")
        sim.deliverAll(among: all)
        #expect(sim.node("s1").role == .leader && sim.node("s1").commitIndex == 1)
        guard case .started = sim.changeMembership(add: ["s4", "s5"], at: "s1") else {
            Issue.record("s1 refused the change")
            return sim
        }
        let newSide: Set<NodeID> = ["s1", "s4", "s5"]
        sim.deliverAll(among: newSide)
        sim.propose(.put(key: "x", value: "X"), at: "s1")
        sim.deliverAll(among: newSide)
        sim.heartbeat("s1")
        sim.deliverAll(among: newSide)
        for _ in 0..<3 where sim.node("s2").role != .leader {
            sim.timeout("s2")
            sim.deliverAll(among: ["s2", "s3"])
        }
        sim.heartbeat("s2")
        sim.deliverAll(among: ["s2", "s3"])
        return sim
    }

    @Test func jointConsensusNeedsTheOldMajorityToo() {
        let sim = Self.growByTwo(bugs: [])
        #expect(sim.node("s1").membership.outgoing == ["s1", "s2", "s3"], "s1 is in the joint configuration")
        #expect(sim.node("s1").commitIndex == 1, "nothing after the joint entry commits without s2 or s3")
        #expect(sim.node("s2").role == .leader)
        #expect(sim.violations == [])
    }

    @Test func unsafeMembershipLetsTwoMajoritiesDecideApart() {
        let sim = Self.growByTwo(bugs: [.unsafeMembership])
        #expect(sim.node("s1").membership == Membership(voters: ["s1", "s2", "s3", "s4", "s5"], addresses: ["s4": "s4:7000", "s5": "s5:7000"]))
        #expect(sim.node("s1").commitIndex >= 3, "s1 committed C_new and X with s4 and s5 alone")
        #expect(sim.node("s2").role == .leader, "s2 won with s3, a majority of C_old")
        #expect(sim.violations.contains { $0.hasPrefix("state machine safety") }, "\(sim.violations)")
        #expect(sim.violations.contains { $0.hasPrefix("leader completeness") }, "\(sim.violations)")
    }

    /// A new server gets no vote and no configuration entry names it until it has caught up.
    @Test func aNewServerCatchesUpBeforeTheJointConfiguration() throws {
        let sim = SimulatedCluster(size: 3, seed: 3, spares: 1)
        sim.run(for: 500)
        let leader = try #require(sim.leaders.first)
        for i in 0..<20 {
            sim.propose(.put(key: "k", value: "\(i)"), at: leader)
            sim.run(for: 5)
        }
        sim.partition([["s4"], ["s1", "s2", "s3"]])
        #expect(sim.changeMembership(add: ["s4"], at: leader).map { if case .started = $0 { true } else { false } } == true)
        #expect(sim.changeMembership(add: ["s4"], at: leader) == .busy, "one change at a time")
        sim.run(for: 500)
        #expect(sim.node(leader).membership.voters == ["s1", "s2", "s3"] && sim.node(leader).pendingChange != nil)
        #expect(sim.node("s4").lastIndex == 0)
        sim.heal()
        sim.run(for: 500)
        #expect(Self.settled(sim.node(leader)))
        #expect(sim.node(leader).membership.voters == ["s1", "s2", "s3", "s4"])
        let configEntries = sim.node(leader).log.compactMap(\.membership)
        #expect(configEntries.map(\.outgoing) == [["s1", "s2", "s3"], nil], "C_old,new, then C_new")
        let (index, _) = try #require(sim.propose(.put(key: "after", value: "1"), at: leader))
        sim.run(for: 200)
        #expect(sim.node("s4").commitIndex >= index && sim.members["s4"]!.store.data["after"] == "1")
        #expect(sim.violations == [])
    }

    @Test func aLeaderRemovedByCNewStepsDownOnceItIsCommitted() throws {
        let sim = SimulatedCluster(size: 5, seed: 4)
        sim.run(for: 500)
        let leader = try #require(sim.leaders.first)
        let term = sim.node(leader).term
        #expect(sim.changeMembership(add: [], remove: [leader], at: leader).map { if case .started = $0 { true } else { false } } == true)
        sim.run(for: 1_000)
        let rest = sim.ids.filter { $0 != leader }
        #expect(sim.node(leader).role == .follower)
        #expect(sim.node(leader).membership.voters == rest && sim.node(leader).membershipIndex <= sim.node(leader).commitIndex)
        let now = try #require(sim.leaders.first)
        #expect(now != leader && sim.node(now).term > term)
        let (index, _) = try #require(sim.propose(.put(key: "after", value: "1"), at: now))
        sim.run(for: 200)
        #expect(rest.allSatisfy { sim.node($0).commitIndex >= index })
        #expect(sim.node(leader).commitIndex < index, "the removed server gets nothing more")
        #expect(sim.violations == [])
    }

    /// A server cut off while it was removed never learns of it, and campaigns with ever higher
    /// terms once healed; the members that hear from their leader ignore it.
    @Test func aRemovedServerDoesNotDisruptTheCluster() throws {
        let sim = SimulatedCluster(size: 5, seed: 6)
        sim.run(for: 500)
        let leader = try #require(sim.leaders.first)
        let term = sim.node(leader).term
        let removed = sim.ids.first { $0 != leader }!
        sim.partition([[removed], sim.ids.filter { $0 != removed }])
        sim.changeMembership(add: [], remove: [removed], at: leader)
        sim.run(for: 1_000)
        #expect(Self.settled(sim.node(leader)) && !sim.node(leader).membership.voters.contains(removed))
        #expect(sim.node(removed).membership.voters.contains(removed), "the removed server never heard")
        sim.heal()
        sim.run(for: 2_000)
        #expect(sim.node(removed).term > term, "it campaigned")
        #expect(sim.leaders == [leader] && sim.node(leader).term == term, "the leader kept its term")
        #expect(sim.violations == [])
    }
}
