import Nemesis
import Runner
import SpecFiles
import Testing

/// The nemesis's `triggers`: what a spec may say, and bad triggers refused at their line.
@Suite struct TriggerSpecTests {
    static let head = "name: t\ndatabase: {kind: raftkv, nodes: 5}\nworkload: {kind: register}\n"

    @Test func readsTriggersBesideTheClockSchedule() throws {
        let spec = try TestSpec.parse(Self.head + """
            nemesis:
              faults: [kill]
              poll-interval: 15ms
              link-loss: 0.1
              link-delay: 75ms
              triggers:
                - on: leader-elected
                  fault: partition-leader
                  target: new-leader
                  delay: 5ms
                  jitter: 10ms
                  duration: 400ms
                - {on: leader-flap, fault: pause, target: old-leader, window: 1s, limit: 3, cooldown: 4s}
                - {on: node-restarted, fault: kill, target: restarted-node, after: [kill, power-loss]}
                - {on: fault-healed, fault: partition-halves}
            """, file: "w.yml")
        let n = try #require(spec.nemesis)
        #expect(n.faults == [.kill])
        #expect(n.pollInterval == .milliseconds(15))
        #expect(n.linkLoss == 0.1)
        #expect(n.linkDelay == .milliseconds(75))
        #expect(n.triggers == [
            TriggerSpec(event: .leaderElected, fault: .partitionLeader, target: .newLeader, delay: .milliseconds(5),
                        jitter: .milliseconds(10), duration: .milliseconds(400)),
            TriggerSpec(event: .leaderFlap, fault: .pause, target: .oldLeader, window: .seconds(1), limit: 3, cooldown: .seconds(4)),
            TriggerSpec(event: .nodeRestarted, fault: .kill, target: .restartedNode, after: [.kill, .powerLoss]),
            TriggerSpec(event: .faultHealed, fault: .partitionHalves),
        ])
        #expect(n.allKinds == [.kill, .partitionLeader, .pause, .partitionHalves])
    }

    @Test func triggersAloneNeedNoFaults() throws {
        let spec = try TestSpec.parse(Self.head + "nemesis:\n  triggers: [{on: term-raised, fault: kill}]\n", file: "w.yml")
        #expect(spec.nemesis?.faults == [] && spec.nemesis?.triggers.count == 1)
        #expect(spec.nemesis?.pollInterval == .milliseconds(10))
        #expect(spec.nemesis?.linkLoss == nil && spec.nemesis?.linkDelay == nil && spec.nemesis?.keepsShells == true)
        #expect(spec.nemesis?.triggers.first?.cooldown == nil)
        // power-loss in a trigger mounts the disk layer as it does in `faults`.
        let power = try TestSpec.parse(Self.head + "nemesis:\n  triggers: [{on: leader-elected, fault: power-loss}]\n", file: "w.yml")
        #expect(power.diskLayer != nil)
    }

    @Test(arguments: [
        ("nemesis:\n  triggers: [{on: moon-rise, fault: kill}]\n", 5, "unknown event `moon-rise`"),
        ("nemesis:\n  triggers:\n    - on: leader-elected\n      fault: meteor\n", 7, "unknown fault `meteor`"),
        ("nemesis:\n  triggers:\n    - on: leader-elected\n", 6, "missing `fault`"),
        ("nemesis:\n  triggers:\n    - {on: leader-elected, fault: kill, target: restarted-node}\n", 6, "unknown target `restarted-node` for leader-elected"),
        ("nemesis:\n  triggers:\n    - on: leader-elected\n      fault: partition-halves\n      target: new-leader\n", 8, "cannot be aimed"),
        ("nemesis:\n  triggers:\n    - on: leader-elected\n      fault: kill\n      delay: 2s\n", 8, "at most 1s"),
        ("nemesis:\n  triggers:\n    - on: leader-elected\n      fault: kill\n      jitter: soon\n", 8, "`jitter`"),
        ("nemesis:\n  triggers:\n    - on: leader-elected\n      fault: kill\n      window: 1s\n", 8, "`on: leader-flap` only"),
        ("nemesis:\n  triggers:\n    - on: leader-elected\n      fault: kill\n      after: [kill]\n", 8, "`after` is for"),
        ("nemesis:\n  triggers:\n    - on: leader-elected\n      fault: kill\n      limit: 0\n", 8, "`limit`"),
        ("nemesis:\n  triggers:\n    - on: leader-elected\n      fault: kill\n      when: now\n", 8, "unknown field `when`"),
        ("nemesis:\n  triggers: []\n", 5, "non-empty list"),
        ("nemesis:\n  poll-interval: 5s\n  triggers: [{on: leader-elected, fault: kill}]\n", 5, "`poll-interval`"),
        ("nemesis:\n  interval: 1s\n", 5, "missing `faults`"),
        ("nemesis:\n  faults: [kill]\n  link-loss: 1\n", 6, "`link-loss`"),
        ("nemesis:\n  faults: [kill]\n  link-loss: some\n", 6, "`link-loss`"),
        ("nemesis:\n  faults: [kill]\n  link-delay: 20s\n", 6, "`link-delay`"),
        ("nemesis:\n  faults: [kill]\n  link-delay: slow\n", 6, "`link-delay`"),
        ("nemesis:\n  triggers:\n    - on: leader-elected\n      fault: kill\n      cooldown: never\n", 8, "`cooldown`"),
    ])
    func badTriggersNameTheLine(text: String, line: Int, words: String) {
        TestSpecTests.expectRefused(Self.head + text, line: line, words: words)
    }
}
