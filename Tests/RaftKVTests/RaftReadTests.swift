import Testing
import RaftKV

/// Linearizable reads through the read index, check-quorum, and the `stale-reads` bug.
@Suite struct RaftReadTests {
    /// s1 leads and wrote k=1; then s1 is cut off, s2 is elected and writes k=2. Returns the
    /// cluster and the id of a read of k asked of s1 afterwards.
    static func isolatedLeaderRead(bugs: Set<RaftBug>) -> (SimulatedCluster, UInt64) {
        let sim = SimulatedCluster(size: 3, seed: 11, bugs: bugs)
        sim.manual = true
        let all: Set<NodeID> = ["s1", "s2", "s3"]
        sim.timeout("s1")
        sim.deliverAll(among: all)
        sim.propose(.put(key: "k", value: "1"), at: "s1")
        sim.deliverAll(among: all)
        for _ in 0..<3 where sim.node("s2").role != .leader {
            sim.timeout("s2")
            sim.deliverAll(among: ["s2", "s3"])
        }
        sim.propose(.put(key: "k", value: "2"), at: "s2")
        sim.deliverAll(among: ["s2", "s3"])
        sim.heartbeat("s2")
        sim.deliverAll(among: ["s2", "s3"])
        #expect(sim.members["s3"]!.store.data["k"] == "2")
        #expect(sim.node("s1").role == .leader, "s1 has not noticed yet")
        let read = sim.read("k", at: "s1")
        // s1 heartbeats into the void for a few election timeouts.
        for _ in 0..<(4 * sim.electionTimeout / sim.heartbeatInterval) {
            sim.heartbeat("s1")
            sim.deliverAll(among: ["s1"])
        }
        return (sim, read)
    }

    @Test func anIsolatedLeaderNeverAnswersAStaleReadAndStepsDown() {
        let (sim, read) = Self.isolatedLeaderRead(bugs: [])
        #expect(sim.readAnswers[read] == nil)
        #expect(sim.refusedReads.contains(read))
        #expect(sim.node("s1").role != .leader, "check-quorum")
    }

    @Test func staleReadsLetsAnIsolatedLeaderAnswerFromItsOwnState() {
        let (sim, read) = Self.isolatedLeaderRead(bugs: [.staleReads])
        #expect(sim.readAnswers[read] == .some("1"), "a stale read: k=2 was committed before it")
        #expect(sim.node("s1").role == .leader, "no check-quorum step-down")
    }

    @Test func aReadIsAnsweredAfterAHeartbeatRoundWithTheLatestWrite() {
        let sim = SimulatedCluster(size: 3, seed: 12)
        sim.manual = true
        sim.timeout("s1")
        sim.deliverAll(among: ["s1", "s2", "s3"])
        sim.propose(.put(key: "k", value: "1"), at: "s1")
        sim.deliverAll(among: ["s1", "s2", "s3"])
        let read = sim.read("k", at: "s1")
        #expect(sim.readAnswers[read] == nil, "not before a majority confirmed the leadership")
        sim.deliverAll(among: ["s1", "s2"])
        #expect(sim.readAnswers[read] == .some("1"))
        let atFollower = sim.read("k", at: "s2")
        #expect(sim.refusedReads.contains(atFollower), "followers refuse")
    }

    /// s1 commits X with s2 (s3 cut off); s1 and s2 crash before the background flush.
    static func crashBeforeFlush(bugs: Set<RaftBug>) -> SimulatedCluster {
        let sim = SimulatedCluster(size: 3, seed: 13, bugs: bugs)
        sim.manual = true
        sim.timeout("s1")
        sim.deliverAll(among: ["s1", "s2", "s3"])
        sim.heartbeat("s1")
        sim.deliverAll(among: ["s1", "s2", "s3"])
        for id in sim.ids { sim.flush(id) }
        sim.propose(.put(key: "x", value: "X"), at: "s1")
        sim.deliverAll(among: ["s1", "s2"])
        #expect(sim.node("s1").commitIndex == 2)
        sim.crash("s1")
        sim.crash("s2")
        sim.start("s1")
        sim.start("s2")
        for _ in 0..<4 where sim.leaders.isEmpty {
            sim.timeout("s3")
            sim.deliverAll(among: ["s1", "s2", "s3"])
            if sim.leaders.isEmpty {
                sim.timeout("s2")
                sim.deliverAll(among: ["s1", "s2", "s3"])
            }
        }
        if let leader = sim.leaders.first {
            sim.heartbeat(leader)
            sim.deliverAll(among: ["s1", "s2", "s3"])
        }
        return sim
    }

    @Test func acknowledgedEntriesSurviveACrashWhenFsynced() {
        let sim = Self.crashBeforeFlush(bugs: [])
        #expect(sim.violations == [])
        #expect(sim.leaders.count == 1)
    }

    @Test func noFsyncLosesACommittedEntryInACrash() {
        let sim = Self.crashBeforeFlush(bugs: [.noFsync])
        #expect(sim.violations.contains { $0.hasPrefix("state machine safety") }, "\(sim.violations)")
    }
}
