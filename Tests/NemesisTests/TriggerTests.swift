import Cluster
@testable import Nemesis
import Testing

/// Event detection on fake status sequences and which triggers fire on the events: deterministic.
@Suite struct TriggerTests {
    static let nodes = ["n1", "n2", "n3"]

    /// Feeds rounds of statuses (one per node, nil: no answer) at 10 ms apart; returns the events.
    static func detect(_ rounds: [[NodeStatus?]]) -> [ClusterEvent] {
        var detector = ClusterEventDetector(nodes: nodes)
        var events: [ClusterEvent] = []
        for (r, round) in rounds.enumerated() {
            for (i, status) in round.enumerated() {
                events += detector.observe(nodes[i], status, at: Int64(r) * 10_000_000)
            }
        }
        return events
    }

    static func follower(_ term: UInt64) -> NodeStatus { NodeStatus(leads: false, term: term) }
    static func leader(_ term: UInt64) -> NodeStatus { NodeStatus(leads: true, term: term) }

    @Test func aLeaderAtTheStartIsTheBaselineNotAnEvent() {
        #expect(Self.detect([[Self.leader(2), Self.follower(2), Self.follower(2)],
                             [Self.leader(2), Self.follower(2), Self.follower(2)]]).isEmpty)
    }

    @Test func aNewLeaderInAHigherTermIsElectedAndNamesTheOldOne() {
        let events = Self.detect([
            [Self.leader(2), Self.follower(2), Self.follower(2)],
            [nil, Self.follower(3), Self.follower(2)],          // n1 cut off, n2 campaigns
            [Self.leader(2), Self.leader(3), Self.follower(3)],  // n1 still claims term 2: no event
            [Self.leader(2), Self.leader(3), Self.follower(3)],
        ])
        #expect(events == [
            ClusterEvent(kind: .termRaised, time: 10_000_000, node: "n2", term: 3),
            ClusterEvent(kind: .leaderElected, time: 20_000_000, node: "n2", previous: "n1", term: 3),
        ])
        #expect(events[1].description == "leader-elected: n2 leads term 3 (was n1)")
        #expect(events[1].nodes(for: .newLeader) == ["n2"] && events[1].nodes(for: .oldLeader) == ["n1"])
        #expect(events[1].nodes(for: .usual) == nil)
    }

    @Test func aLeaderAfterNoneIsElectedWithoutAnOldLeader() {
        let events = Self.detect([[Self.follower(4), nil, Self.follower(4)], [Self.follower(4), Self.leader(5), nil]])
        #expect(events.map(\.kind) == [.termRaised, .leaderElected])
        #expect(events[1].previous == nil && events[1].nodes(for: .oldLeader) == [])
    }

    /// A leader elected in the run is `leader-committed` once, when it reports a commit index above
    /// its first leading answer's; a leader already there at the start never is. While a trigger
    /// waits for that, the detector stays unsettled (every node, the new leader included, asked).
    @Test func aNewLeadersFirstCommitIsAnEventOncePerTerm() {
        func leading(_ term: UInt64, _ commit: UInt64) -> NodeStatus { NodeStatus(leads: true, term: term, commitIndex: commit) }
        func following(_ term: UInt64) -> NodeStatus { NodeStatus(leads: false, term: term, commitIndex: 1) }
        var detector = ClusterEventDetector(nodes: Self.nodes, commits: true)
        var events: [ClusterEvent] = []
        let rounds: [[NodeStatus?]] = [
            [leading(2, 5), following(2), following(2)],
            [leading(2, 6), following(2), following(2)],   // the leader at the start: no event
            [nil, leading(3, 6), following(3)],            // n2 elected, commit 6 as first seen
            [nil, leading(3, 6), following(3)],
            [nil, leading(3, 8), following(3)],            // first commit in term 3
            [nil, leading(3, 9), following(3)],            // once per term
        ]
        var unsettledBeforeCommit = false
        for (r, round) in rounds.enumerated() {
            for (i, status) in round.enumerated() { events += detector.observe(Self.nodes[i], status, at: Int64(r)) }
            if r == 3 { unsettledBeforeCommit = detector.unsettled }
        }
        #expect(events.map(\.kind) == [.termRaised, .leaderElected, .leaderCommitted])
        #expect(events.last?.description == "leader-committed: n2 commits up to 8 in term 3")
        #expect(events.last?.nodes(for: .newLeader) == ["n2"])
        #expect(unsettledBeforeCommit, "the new leader's first commit is awaited")
        _ = detector.observe("n1", following(3), at: 7)
        #expect(!detector.unsettled)
    }

    /// The watcher asks every node while an election may be under way, one in turn otherwise.
    @Test func theDetectorIsUnsettledFromTheFirstSignOfAnElectionUntilTheNewLeaderAnswers() {
        var detector = ClusterEventDetector(nodes: Self.nodes)
        #expect(detector.unsettled, "not every node polled yet")
        for (node, status) in zip(Self.nodes, [Self.leader(2), Self.follower(2), Self.follower(2)]) {
            _ = detector.observe(node, status, at: 0)
        }
        #expect(!detector.unsettled)
        #expect(detector.steadyLeader == "n1")
        _ = detector.observe("n1", nil, at: 1)
        #expect(detector.unsettled, "the leader did not answer")
        #expect(detector.steadyLeader == nil, "a silent leader is not reported as leading")
        _ = detector.observe("n1", Self.leader(2), at: 2)
        #expect(!detector.unsettled)
        _ = detector.observe("n3", Self.follower(3), at: 3)
        #expect(detector.unsettled, "a term above the leader's")
        _ = detector.observe("n1", Self.leader(2), at: 4)
        #expect(detector.unsettled, "the old leader still claims its term")
        _ = detector.observe("n2", Self.leader(3), at: 5)
        #expect(!detector.unsettled, "n2 leads the highest term")
        #expect(detector.steadyLeader == "n2")
        _ = detector.observe("n2", Self.follower(3), at: 6)
        #expect(detector.unsettled, "the leader stepped down")
        #expect(detector.steadyLeader == nil)
    }

    /// Which faults the nemesis applies before healing the one before: those changing nothing in
    /// common on the hosts, or processes of other nodes.
    @Test func independentFaultsAreAppliedBeforeTheHeal() {
        func applied(_ kind: FaultKind, _ nodes: [String]) -> AppliedFault {
            AppliedFault(plan: FaultPlan(kind: kind, nodes: nodes), journalID: "j", inEffect: true, evidence: "", touched: nodes)
        }
        #expect(Nemesis.independent(applied(.pause, ["n1"]), FaultPlan(kind: .pause, nodes: ["n2"])))
        #expect(Nemesis.independent(applied(.kill, ["n1"]), FaultPlan(kind: .pause, nodes: ["n2", "n3"])))
        #expect(!Nemesis.independent(applied(.pause, ["n1"]), FaultPlan(kind: .kill, nodes: ["n1"])), "a node in common")
        #expect(Nemesis.independent(applied(.partitionLeader, ["n1", "n2", "n3"]), FaultPlan(kind: .pause, nodes: ["n1"])),
                "firewall rules and a process")
        #expect(!Nemesis.independent(applied(.partitionOne, ["n1", "n2", "n3"]), FaultPlan(kind: .partitionLeader, nodes: ["n2"])),
                "one FAULTLINE chain per host: healed first")
        #expect(!Nemesis.independent(applied(.pause, ["n1"]), FaultPlan(kind: .powerLoss, nodes: ["n2"])),
                "a family that declares nothing is healed first")
    }

    static func elected(_ node: String, term: UInt64, ms: Int64, was: String?) -> ClusterEvent {
        ClusterEvent(kind: .leaderElected, time: ms * 1_000_000, node: node, previous: was, term: term)
    }

    @Test func triggersFireOnTheirEventAimedAtTheirRoleWithSeededDelays() {
        let triggers = [
            TriggerSpec(event: .leaderElected, fault: .partitionLeader, target: .newLeader, delay: .milliseconds(5),
                        jitter: .milliseconds(20)),
            TriggerSpec(event: .leaderElected, fault: .pause, target: .oldLeader),
            TriggerSpec(event: .termRaised, fault: .kill),
        ]
        func firings(seed: UInt64) -> [TriggerBook.Firing] {
            var book = TriggerBook(triggers: triggers, seed: seed)
            var all = book.observe(Self.elected("n2", term: 3, ms: 100, was: nil))   // no old leader: trigger 1 skips
            book.settle(0)
            all += book.observe(Self.elected("n3", term: 4, ms: 900, was: "n2"))
            return all
        }
        let a = firings(seed: 7)
        #expect(a.map(\.trigger) == [0, 0, 1])
        #expect(a.map(\.nodes) == [["n2"], ["n3"], ["n2"]])
        #expect(a.allSatisfy { $0.spec.delay == .zero || ($0.delay >= .milliseconds(5) && $0.delay <= .milliseconds(25)) })
        #expect(a[2].delay == .zero)
        #expect(firings(seed: 7) == a, "the same events and seed give the same firings")
        #expect((1...20).contains { firings(seed: $0).map(\.delay) != a.map(\.delay) }, "jitter is drawn from the seed")
    }

    @Test func aWaitingTriggerAndALimitedOneDoNotFireAgain() {
        var book = TriggerBook(triggers: [TriggerSpec(event: .leaderElected, fault: .kill, delay: .milliseconds(50)),
                                          TriggerSpec(event: .leaderElected, fault: .pause, limit: 1)], seed: 1)
        #expect(book.observe(Self.elected("n1", term: 2, ms: 0, was: nil)).map(\.trigger) == [0, 1])
        #expect(book.observe(Self.elected("n2", term: 3, ms: 10, was: "n1")).isEmpty, "0 waits, 1 reached its limit")
        book.settle(0)
        book.settle(1)
        #expect(book.observe(Self.elected("n3", term: 4, ms: 20, was: "n2")).map(\.trigger) == [0])
    }

    @Test func aTriggerInItsCooldownPassesOverEventsUntilItEnds() {
        var book = TriggerBook(triggers: [TriggerSpec(event: .leaderElected, fault: .partitionLeader, target: .newLeader,
                                                      cooldown: .seconds(1))], seed: 1)
        #expect(book.observe(Self.elected("n1", term: 2, ms: 0, was: nil)).map(\.nodes) == [["n1"]])
        book.settle(0)
        #expect(book.observe(Self.elected("n2", term: 3, ms: 400, was: "n1")).isEmpty, "400 ms after the firing")
        #expect(book.observe(Self.elected("n3", term: 4, ms: 999, was: "n2")).isEmpty, "999 ms after the firing")
        #expect(book.observe(Self.elected("n1", term: 5, ms: 1000, was: "n3")).map(\.nodes) == [["n1"]], "the cooldown is over")
        book.settle(0)
        // Measured from the last firing, not the first, nor from events passed over.
        #expect(book.observe(Self.elected("n2", term: 6, ms: 1900, was: "n1")).isEmpty)
        #expect(book.observe(Self.elected("n3", term: 7, ms: 2000, was: "n2")).map(\.nodes) == [["n3"]])
    }

    @Test func leaderFlapFiresOnASecondElectionWithinItsWindow() {
        var book = TriggerBook(triggers: [TriggerSpec(event: .leaderFlap, fault: .pause, target: .newLeader,
                                                      window: .milliseconds(500))], seed: 1)
        #expect(book.observe(Self.elected("n1", term: 2, ms: 0, was: nil)).isEmpty)
        #expect(book.observe(Self.elected("n2", term: 3, ms: 800, was: "n1")).isEmpty, "800 ms apart: beyond the window")
        let flap = book.observe(Self.elected("n3", term: 4, ms: 1200, was: "n2"))
        #expect(flap.map(\.nodes) == [["n3"]])
        #expect(flap.first?.event.kind == .leaderFlap)
        #expect(flap.first?.event.description == "leader-flap: n3 leads term 4 (was n2)")
    }

    @Test func faultLogTriggersFilterByTheHealedKind() {
        var book = TriggerBook(triggers: [TriggerSpec(event: .nodeRestarted, fault: .kill, target: .restartedNode, after: [.kill]),
                                          TriggerSpec(event: .faultHealed, fault: .partitionHalves)], seed: 1)
        let restarted = ClusterEvent(kind: .nodeRestarted, time: 0, nodes: ["n2"], fault: .powerLoss)
        #expect(book.observe(restarted).isEmpty, "a power-loss restart is not a kill's")
        var killed = restarted
        killed.fault = .kill
        #expect(book.observe(killed).map(\.nodes) == [["n2"]])
        #expect(book.observe(ClusterEvent(kind: .faultHealed, time: 5, nodes: ["n1"], fault: .pause)).map(\.nodes) == [nil])
        #expect(killed.description == "node-restarted: heal-kill n2")
    }

    @Test func whichKindsCanBeAimedAtOneNode() {
        #expect(TriggerSpec.canAim(.partitionLeader) && TriggerSpec.canAim(.kill) && TriggerSpec.canAim(.pause))
        #expect(TriggerSpec.canAim(.powerLoss) && TriggerSpec.canAim(.clockBump))
        #expect(!TriggerSpec.canAim(.partitionHalves) && !TriggerSpec.canAim(.corruptFile))
    }
}
