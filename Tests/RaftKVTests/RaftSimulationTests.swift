import Testing
import RaftKV

/// Raft under a seeded simulated network: random drops, delays (so reordering), partitions and
/// crashes with recovery from what was persisted. Safety must hold on every seed; after healing,
/// the cluster must elect a leader and commit again.
@Suite struct RaftSimulationTests {
    /// One chaotic run: `phases` of random faults with writes proposed at whoever leads.
    static func chaos(seed: UInt64, size: Int, bugs: Set<RaftBug> = [], phases: Int = 16) -> SimulatedCluster {
        let sim = SimulatedCluster(size: size, seed: seed, bugs: bugs)
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

    @Test(arguments: 0..<60)
    func safetyAndLivenessUnderFaults(seed: Int) {
        let size = seed % 2 == 0 ? 3 : 5
        let sim = Self.chaos(seed: UInt64(seed), size: size)
        #expect(sim.violations == [], "seed \(seed)")

        // Liveness: healed, everyone back, no more drops: one leader, and a new write commits everywhere.
        sim.heal()
        for id in sim.ids where sim.members[id]!.node == nil { sim.start(id) }
        sim.dropRate = 0
        sim.run(for: 1_000)
        let leaders = sim.leaders
        #expect(leaders.count == 1, "seed \(seed): leaders \(leaders)")
        guard let leader = leaders.first, let (index, term) = sim.propose(.put(key: "final", value: "x"), at: leader) else {
            Issue.record("seed \(seed): no leader took the final write")
            return
        }
        sim.run(for: 500)
        for id in sim.ids {
            let node = sim.node(id)
            #expect(node.lastApplied >= index && node.term(at: index) == term, "seed \(seed): \(id) did not apply the final write")
            #expect(sim.members[id]!.store.data["final"] == "x", "seed \(seed): \(id)")
        }
        sim.checkLogMatching()
        #expect(sim.violations == [], "seed \(seed)")
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
