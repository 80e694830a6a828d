import History
import Nemesis
import Testing

@Suite struct ScheduleTests {
    static let nodes = ["n1", "n2", "n3", "n4", "n5"]
    static let spec = NemesisSpec(faults: FaultKind.allCases, targets: FaultTarget.allCases,
                                  interval: .seconds(2), jitter: .seconds(1))

    static func draw(seed: UInt64, count: Int = 30, leader: String? = "n3") -> [(NemesisSchedule.Step, FaultPlan)] {
        var schedule = NemesisSchedule(spec: spec, seed: seed)
        return (0..<count).map { _ in
            let step = schedule.nextStep(from: spec.faults)!
            return (step, schedule.plan(step, nodes: nodes, leader: leader))
        }
    }

    /// Each kind is declared by exactly one family; the spec names are the families' kinds, in the
    /// order they always had (seeded draws over all kinds depend on it); other names are no kind.
    @Test func faultKindsAreTheFamilies() {
        #expect(FaultKind.allCases.map(\.rawValue) == [
            "partition-one", "partition-leader", "partition-halves", "partition-ring", "partition-bridge",
            "partition-one-way", "kill", "pause", "clock-bump", "clock-strobe", "loss", "delay", "power-loss", "corrupt-file",
            "membership", "membership-split",
        ])
        #expect(Set(FaultKind.allCases).count == FaultKind.allCases.count)
        for kind in FaultKind.allCases {
            #expect(FaultFamilies.all.filter { $0.kinds.contains(kind) }.count == 1, "\(kind)")
            #expect(FaultKind(rawValue: kind.rawValue) == kind)
        }
        #expect(FaultKind(rawValue: "partition-everything") == nil)
        #expect(FaultKind.partitionRing.isPartition && !FaultKind.kill.isPartition)
        #expect(FaultKind.clockStrobe.isClock && !FaultKind.loss.isClock)
        #expect(NemesisSchedule.needsLeader(.init(wait: .zero, kind: .partitionLeader, target: .one)))
        #expect(!NemesisSchedule.needsLeader(.init(wait: .zero, kind: .partitionHalves, target: .leader)))
        #expect(NemesisSchedule.needsLeader(.init(wait: .zero, kind: .pause, target: .leader)))
    }

    @Test func sameSeedSameSchedule() {
        let a = Self.draw(seed: 42), b = Self.draw(seed: 42), c = Self.draw(seed: 43)
        #expect(a.map(\.0) == b.map(\.0) && a.map(\.1) == b.map(\.1))
        #expect(a.map(\.0) != c.map(\.0))
    }

    @Test func waitsAreIntervalPlusJitter() {
        for (step, _) in Self.draw(seed: 5, count: 100) {
            #expect(step.wait >= .seconds(2) && step.wait <= .seconds(3))
        }
    }

    @Test func leaderFaultsNeedALeader() {
        var schedule = NemesisSchedule(spec: Self.spec, seed: 1)
        let partition = NemesisSchedule.Step(wait: .zero, kind: .partitionLeader, target: .one)
        #expect(schedule.plan(partition, nodes: Self.nodes, leader: "n4").grudge == .isolate("n4", in: Self.nodes))
        #expect(schedule.plan(partition, nodes: Self.nodes, leader: nil).unavailable != nil)
        let pause = NemesisSchedule.Step(wait: .zero, kind: .pause, target: .leader)
        #expect(schedule.plan(pause, nodes: Self.nodes, leader: "n2").nodes == ["n2"])
        #expect(schedule.plan(pause, nodes: Self.nodes, leader: nil).unavailable != nil)
        #expect(NemesisSchedule.needsLeader(partition) && NemesisSchedule.needsLeader(pause))
        #expect(!NemesisSchedule.needsLeader(.init(wait: .zero, kind: .partitionHalves, target: .leader)))
    }

    @Test func noKindsNoStep() {
        var schedule = NemesisSchedule(spec: Self.spec, seed: 1)
        #expect(schedule.nextStep(from: []) == nil)
    }

    @Test(arguments: [3, 5]) func targetSizes(n: Int) {
        let nodes = Array(Self.nodes.prefix(n))
        var rng = SplitMix64(seed: 9)
        for _ in 0..<50 {
            #expect(TargetSelection.nodes(.one, of: nodes, leader: nil, using: &rng).count == 1)
            #expect(TargetSelection.nodes(.minority, of: nodes, leader: nil, using: &rng).count == max(1, (n - 1) / 2))
            #expect(TargetSelection.nodes(.majority, of: nodes, leader: nil, using: &rng).count == n / 2 + 1)
            #expect(TargetSelection.nodes(.all, of: nodes, leader: nil, using: &rng) == nodes)
            #expect(TargetSelection.nodes(.leader, of: nodes, leader: "n2", using: &rng) == ["n2"])
            #expect(TargetSelection.nodes(.leader, of: nodes, leader: nil, using: &rng).isEmpty)
            let random = TargetSelection.nodes(.random, of: nodes, leader: nil, using: &rng)
            #expect((1...n).contains(random.count) && random == nodes.filter(random.contains))
        }
    }

    @Test func targetsDrawTheSameWhateverTheLeader() {
        var a = SplitMix64(seed: 4), b = SplitMix64(seed: 4)
        _ = TargetSelection.nodes(.leader, of: Self.nodes, leader: "n1", using: &a)
        _ = TargetSelection.nodes(.leader, of: Self.nodes, leader: nil, using: &b)
        #expect(TargetSelection.nodes(.minority, of: Self.nodes, leader: nil, using: &a)
                == TargetSelection.nodes(.minority, of: Self.nodes, leader: nil, using: &b))
    }
}
