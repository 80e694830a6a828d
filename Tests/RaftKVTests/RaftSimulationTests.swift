import Testing
import History
import RaftKV

/// Raft under a seeded simulated network: random drops, delays (so reordering), partitions and
/// crashes with recovery from what was persisted. Safety must hold on every seed; after healing,
/// the cluster must elect a leader and commit again.
@Suite struct RaftSimulationTests {
    /// One chaotic run: `phases` of random faults with writes proposed at whoever leads.
    static func chaos(seed: UInt64, size: Int, bugs: Set<RaftBug> = [], phases: Int = 16,
                      preVote: Bool = false) -> SimulatedCluster {
        let sim = SimulatedCluster(size: size, seed: seed, bugs: bugs, preVote: preVote)
        var rng = SplitMix64(seed: seed ^ 0xFA17)
        sim.dropRate = 0.05
        sim.maxDelay = 15
        var counter = 0
        for _ in 0..<phases {
            switch rng.next() % 5 {
            case 0:
                let shuffled = sim.ids.shuffled(using: &rng)
                let split = 1 + Int(rng.next() % UInt64(size - 1))
                sim.partition([Array(shuffled[..<split]), Array(shuffled[split...])])
            case 1:
                let down = sim.ids.count - sim.live.count
                if down < (size - 1) / 2, let victim = sim.live.randomElement(using: &rng) { sim.crash(victim) }
                if rng.next() % 2 == 0, let leader = sim.leaders.first { sim.crash(leader) }
            case 2:
                for id in sim.ids where sim.members[id]!.node == nil { sim.start(id) }
            case 3:
                sim.heal()
            default:
                break
            }
            for _ in 0..<30 {
                sim.run(for: 5)
                for leader in sim.leaders {
                    counter += 1
                    sim.propose(.put(key: "k\(rng.next() % 5)", value: "v\(counter)"), at: leader)
                }
            }
            sim.checkLogMatching()
        }
        return sim
    }

    @Test(arguments: 0..<60, [false, true])
    func safetyAndLivenessUnderFaults(seed: Int, preVote: Bool) {
        let size = seed % 2 == 0 ? 3 : 5
        let sim = Self.chaos(seed: UInt64(seed), size: size, preVote: preVote)
        #expect(sim.violations == [], "seed \(seed)")

        // Liveness: healed, everyone back, no more drops: one leader, and a new write commits everywhere.
        Self.expectFinalWriteApplied(sim, seed: seed, settle: 1_000) { _ in sim.ids }
    }

    /// Liveness after the faults: healed, every server started, no more drops; after `settle` ms
    /// one leader, whose write every server `servers(leader)` names applies within `settle / 2`
    /// ms; safety held throughout.
    static func expectFinalWriteApplied(_ sim: SimulatedCluster, seed: Int, settle: Int, servers: (NodeID) -> [NodeID]) {
        sim.heal()
        for id in sim.ids where sim.members[id]!.node == nil { sim.start(id) }
        sim.dropRate = 0
        sim.run(for: settle)
        let leaders = sim.leaders
        #expect(leaders.count == 1, "seed \(seed): leaders \(leaders)")
        guard let leader = leaders.first, let (index, term) = sim.propose(.put(key: "final", value: "x"), at: leader) else {
            Issue.record("seed \(seed): no leader took the final write")
            return
        }
        sim.run(for: settle / 2)
        for id in servers(leader) {
            let node = sim.node(id)
            #expect(node.lastApplied >= index && node.term(at: index) == term, "seed \(seed): \(id) did not apply the final write")
            #expect(sim.members[id]!.store.data["final"] == "x", "seed \(seed): \(id)")
        }
        sim.checkLogMatching()
        #expect(sim.violations == [], "seed \(seed)")
    }

    /// A follower cut off for many election timeouts, then healed. Without pre-vote it comes back
    /// with a higher term and forces an election; with pre-vote its pre-votes go unanswered while
    /// cut off, its term stays, and the leader keeps leading.
    @Test(arguments: [false, true])
    func aHealedFollowerDisruptsTheLeaderOnlyWithoutPreVote(preVote: Bool) throws {
        let sim = SimulatedCluster(size: 5, seed: 11, preVote: preVote)
        sim.run(for: 500)
        let leader = try #require(sim.leaders.first)
        let term = sim.node(leader).term
        let cutOff = sim.ids.first { $0 != leader }!
        sim.partition([[cutOff], sim.ids.filter { $0 != cutOff }])
        sim.run(for: 2_000)  // 20 election timeouts
        #expect(sim.node(leader).role == .leader && sim.node(leader).term == term)
        #expect((sim.node(cutOff).term > term) == !preVote, "term of the cut-off node: \(sim.node(cutOff).term), leader's: \(term)")
        sim.heal()
        sim.run(for: 1_000)
        #expect(sim.leaders.count == 1)
        if preVote {
            #expect(sim.leaders == [leader] && sim.node(leader).term == term, "the healed node disrupted the leader")
        } else {
            #expect(sim.node(sim.leaders[0]).term > term, "without pre-vote the healed node's higher term forces an election")
        }
        // Either way the cluster commits again, and safety held.
        let now = sim.leaders[0]
        let (index, _) = try #require(sim.propose(.put(key: "after", value: "heal"), at: now))
        sim.run(for: 300)
        #expect(sim.ids.allSatisfy { sim.node($0).commitIndex >= index && sim.members[$0]!.store.data["after"] == "heal" })
        #expect(sim.violations == [])
    }

    /// A member that heard from its leader within the election timeout refuses pre-votes, so a
    /// node whose timer ran out early (a late heartbeat) cannot start an election that would
    /// depose a working leader.
    @Test func aMemberThatHearsFromItsLeaderRefusesPreVotes() throws {
        let sim = SimulatedCluster(size: 3, seed: 5, preVote: true)
        sim.manual = true
        let all: Set<NodeID> = ["s1", "s2", "s3"]
        sim.timeout("s1")
        sim.deliverAll(among: all)
        #expect(sim.node("s1").role == .leader, "pre-votes, then votes, elect s1")
        let term = sim.node("s1").term
        sim.heartbeat("s1")
        sim.deliverAll(among: all)
        sim.timeout("s3")
        sim.deliverAll(among: all)
        #expect(sim.node("s3").term == term, "s3 raised its term: a pre-vote was granted")
        #expect(sim.node("s1").role == .leader && sim.node("s1").term == term)
        #expect(sim.violations == [])
    }

    @Test func aLeaderIsElectedAndReplicates() {
        let sim = SimulatedCluster(size: 3, seed: 7)
        sim.run(for: 400)
        #expect(sim.leaders.count == 1)
        let leader = sim.leaders[0]
        let (index, _) = sim.propose(.put(key: "a", value: "1"), at: leader)!
        sim.run(for: 100)
        for id in sim.ids {
            #expect(sim.node(id).commitIndex >= index)
            #expect(sim.members[id]!.store.data["a"] == "1")
        }
        let follower = sim.ids.first { $0 != leader }!
        #expect(sim.propose(.put(key: "b", value: "2"), at: follower) == nil)
    }
}
