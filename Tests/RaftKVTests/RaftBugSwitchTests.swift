import Testing
import RaftKV

/// Each bug switch breaks a safety property in the scenario made to expose it, while the correct
/// build goes through the same scenario safely: the simulation can fail.
@Suite struct RaftBugSwitchTests {
    /// Raft paper, Figure 8, with five nodes: an entry of an old term, counted onto a majority by
    /// a later leader, is committed and applied, then overwritten by a node elected without it.
    static func figure8(bugs: Set<RaftBug>) -> SimulatedCluster {
        let sim = SimulatedCluster(size: 5, seed: 8, bugs: bugs, maxEntriesPerMessage: 1)
        sim.manual = true
        let all = Set(sim.ids)
        let isVote = { (e: Envelope) -> Bool in
            switch e.message {
            case .requestVote, .voteResponse: true
            default: false
            }
        }
        // s1 leads term 1; its no-op reaches everyone.
        sim.timeout("s1")
        sim.deliverAll(among: all)
        sim.heartbeat("s1")
        sim.deliverAll(among: all)
        #expect(sim.node("s1").role == .leader && sim.node("s1").commitIndex == 1)
        // (a) s1 appends X at index 2, which reaches s2 only; s1 crashes.
        sim.propose(.put(key: "x", value: "X"), at: "s1")
        sim.deliverAll(among: ["s1", "s2"])
        sim.crash("s1")
        // (b) s5 is elected by s3, s4 (term 2), appends its no-op at index 2, crashes before sending it.
        sim.timeout("s5")
        sim.deliverAll { isVote($0) && ["s3", "s4", "s5"].contains($0.from) && ["s3", "s4", "s5"].contains($0.to) }
        #expect(sim.node("s5").role == .leader)
        sim.crash("s5")
        // (c) s1 restarts and is elected by s2, s3 (term 3); X (term 1) reaches s3.
        sim.start("s1")
        let onlyOldEntriesToS3 = { (e: Envelope) -> Bool in
            guard ["s1", "s2", "s3"].contains(e.from) && ["s1", "s2", "s3"].contains(e.to) else { return false }
            if case .appendEntries(let m) = e.message, e.to == "s3" { return !m.entries.contains { $0.term > 1 } }
            return true
        }
        for _ in 0..<3 where sim.node("s1").role != .leader {
            sim.timeout("s1")
            sim.deliverAll(where: onlyOldEntriesToS3)
        }
        sim.heartbeat("s1")
        sim.deliverAll(where: onlyOldEntriesToS3)
        #expect(sim.node("s1").role == .leader)
        #expect(sim.node("s3").term(at: 2) == 1)
        sim.crash("s1")
        // (d) s5 restarts and is elected by s3, s4 (its last term, 2, beats their 1), overwriting X.
        sim.start("s5")
        for _ in 0..<3 where sim.node("s5").role != .leader {
            sim.timeout("s5")
            sim.deliverAll(among: ["s3", "s4", "s5"])
        }
        sim.heartbeat("s5")
        sim.deliverAll(among: ["s3", "s4", "s5"])
        return sim
    }

    @Test func figure8IsSafeWithTheCommitmentRule() {
        let sim = Self.figure8(bugs: [])
        #expect(sim.violations == [])
        #expect(sim.node("s5").role == .leader)
    }

    @Test func commitOldTermBreaksStateMachineSafetyInFigure8() {
        let sim = Self.figure8(bugs: [.commitOldTerm])
        #expect(sim.violations.contains { $0.hasPrefix("state machine safety") }, "\(sim.violations)")
    }

    /// Three nodes: s1 commits X with s2 while s3 is cut off; then s3, whose log lacks X, asks
    /// s2 for its vote.
    static func staleCandidate(bugs: Set<RaftBug>) -> SimulatedCluster {
        let sim = SimulatedCluster(size: 3, seed: 9, bugs: bugs)
        sim.manual = true
        sim.timeout("s1")
        sim.deliverAll(among: ["s1", "s2", "s3"])
        sim.propose(.put(key: "x", value: "X"), at: "s1")
        sim.deliverAll(among: ["s1", "s2"])
        sim.heartbeat("s1")
        sim.deliverAll(among: ["s1", "s2"])
        #expect(sim.node("s2").commitIndex == 2)
        sim.crash("s1")
        for _ in 0..<3 where sim.node("s3").role != .leader {
            sim.timeout("s3")
            sim.deliverAll(among: ["s2", "s3"])
        }
        sim.heartbeat("s3")
        sim.deliverAll(among: ["s2", "s3"])
        return sim
    }

    @Test func aStaleCandidateIsRefused() {
        let sim = Self.staleCandidate(bugs: [])
        #expect(sim.node("s3").role != .leader)
        #expect(sim.violations == [])
    }

    @Test func voteAnyLogElectsAStaleNodeThatOverwritesCommittedEntries() {
        let sim = Self.staleCandidate(bugs: [.voteAnyLog])
        #expect(sim.node("s3").role == .leader)
        #expect(sim.violations.contains { $0.hasPrefix("leader completeness") }, "\(sim.violations)")
        #expect(sim.violations.contains { $0.hasPrefix("state machine safety") }, "\(sim.violations)")
        #expect(sim.node("s2").term(at: 2) != 1, "s2's committed X was overwritten")
    }
}
