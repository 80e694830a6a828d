import Foundation
import History
import Testing
@testable import Analysis

/// A small history built by hand: times are in milliseconds, turned into nanoseconds.
private struct HistoryBuilder {
    var events: [Event] = []
    mutating func add(_ type: EventType, _ process: ProcessID, _ f: String, at ms: Int64, _ value: Value = .null) {
        events.append(Event(index: events.count, type: type, process: process, f: f, key: nil, value: value,
                            time: ms * 1_000_000, node: nil, error: nil))
    }
    mutating func op(_ process: Int, _ f: String, _ from: Int64, _ to: Int64, _ outcome: EventType = .ok) {
        add(.invoke, .client(process), f, at: from)
        add(outcome, .client(process), f, at: to)
    }
    func operations() throws -> [HistoryOperation] {
        try History(events: events.sorted { ($0.time!, $0.index) < ($1.time!, $1.index) }.enumerated().map { i, e in
            var e = e; e.index = i; return e
        }, source: "test").operations()
    }
    var sortedEvents: [Event] { events.sorted { ($0.time!, $0.index) < ($1.time!, $1.index) } }
}

@Suite struct RunMetricsTests {
    @Test func faultsPairInvokeInfoAndHeal() {
        var h = HistoryBuilder()
        h.add(.invoke, .nemesis, "partition-leader", at: 100, "n1 drops n2,n3")
        h.add(.info, .nemesis, "partition-leader", at: 130, "n1: chain FAULTLINE drops …")
        h.add(.info, .nemesis, "clock-bump", at: 150, "not in effect: lab hosts share a clock")
        h.add(.invoke, .nemesis, "heal-partition-leader", at: 1100)
        h.add(.info, .nemesis, "heal-partition-leader", at: 1120, "n1: chain FAULTLINE empty")
        h.add(.invoke, .nemesis, "pause", at: 2000)
        let faults = FaultInterval.faults(in: h.sortedEvents)
        #expect(faults.count == 3)
        #expect(faults[0] == FaultInterval(kind: "partition-leader", start: 100_000_000, effective: 130_000_000,
                                           end: 1_120_000_000, inEffect: true, evidence: "n1: chain FAULTLINE drops …"))
        #expect(faults[1].kind == "clock-bump" && !faults[1].inEffect)
        #expect(faults[2].kind == "pause" && faults[2].effective == nil && faults[2].end == nil && !faults[2].inEffect)
        #expect(faults[0].covers(1_500_000_000, grace: 500_000_000))
        #expect(!faults[0].covers(1_700_000_000, grace: 500_000_000))
    }

    /// A triggered pause applied before the one before it is healed: two pauses open at once,
    /// each heal ending the one its invoke names.
    @Test func aHealEndsTheFaultItNamesWhenTwoOfOneKindAreOpen() {
        var h = HistoryBuilder()
        h.add(.invoke, .nemesis, "pause", at: 100, "pause n1")
        h.add(.info, .nemesis, "pause", at: 110, "n1: stopped, state T")
        h.add(.invoke, .nemesis, "pause", at: 500, "pause n2")
        h.add(.info, .nemesis, "pause", at: 510, "n2: stopped, state T")
        h.add(.invoke, .nemesis, "heal-pause", at: 511, "pause n1")
        h.add(.info, .nemesis, "heal-pause", at: 520, "n1: resumed")
        h.add(.invoke, .nemesis, "heal-pause", at: 1500, "pause n2")
        h.add(.info, .nemesis, "heal-pause", at: 1510, "n2: resumed")
        let faults = FaultInterval.faults(in: h.sortedEvents)
        #expect(faults.map(\.evidence) == ["n1: stopped, state T", "n2: stopped, state T"])
        #expect(faults.map(\.end) == [520_000_000, 1_510_000_000])
    }

    @Test func unavailableWindowsAreGapsWithoutSuccess() throws {
        var h = HistoryBuilder()
        h.op(1, "write", 0, 10)
        h.op(2, "read", 5, 20)
        h.op(1, "write", 20, 2_020, .info)   // timed out: no success from 20 to 2,100
        h.op(2, "read", 30, 60, .fail)
        h.op(3, "write", 2_050, 2_100)
        h.op(3, "read", 2_200, 2_300)
        let windows = Availability.unavailableWindows(try h.operations(), minimumGap: 500_000_000)
        #expect(windows == [TimeWindow(start: 20_000_000, end: 2_100_000_000)])
        #expect(abs(windows[0].seconds - 2.08) < 1e-9)
    }

    @Test func failoverLeaderChangesAndSpuriousElections() throws {
        var h = HistoryBuilder()
        h.op(1, "write", 0, 10)
        h.add(.invoke, .nemesis, "partition-leader", at: 1_000)
        h.add(.info, .nemesis, "partition-leader", at: 1_050, "isolated n1")
        h.op(2, "write", 900, 1_020)            // invoked before the fault: does not count
        h.op(1, "read", 1_100, 1_200)           // first ok after: 150 ms
        h.op(1, "write", 1_300, 3_050)          // first ok write: 2,000 ms after 1,050
        h.add(.invoke, .nemesis, "heal-partition-leader", at: 5_000)
        h.add(.info, .nemesis, "heal-partition-leader", at: 5_040, "healed")
        h.op(2, "read", 5_100, 9_000)
        let leaders = [LeaderSample(time: 0, leader: "n1"), LeaderSample(time: 1_200_000_000, leader: nil),
                       LeaderSample(time: 2_800_000_000, leader: "n2"),
                       LeaderSample(time: 6_500_000_000, leader: "n1"),   // after the heal, within its grace
                       LeaderSample(time: 20_000_000_000, leader: "n3")]  // long after the heal + grace
        let m = RunMetrics.measure(events: h.sortedEvents, operations: try h.operations(), leaders: leaders)
        #expect(m.faults.count == 1)
        let r = m.faults[0]
        #expect(r.firstOkSeconds.map { abs($0 - 0.15) < 1e-9 } == true)
        #expect(r.firstOkWriteSeconds.map { abs($0 - 2.0) < 1e-9 } == true)
        #expect(r.newLeaderSeconds.map { abs($0 - 1.75) < 1e-9 } == true)
        #expect(m.medianFailoverSeconds.map { abs($0 - 2.0) < 1e-9 } == true)
        #expect(m.leaderChanges == 3)
        #expect(m.spuriousElections == 1)
        #expect(abs(m.leaderlessSeconds - 1.6) < 1e-9)
        #expect(m.ok == 5 && m.fail == 0 && m.info == 0)
        // Latency: invoked during the fault (1,100–5,040) → faulty; others quiet.
        #expect(m.latencyFaulty.count == 2 && m.latencyQuiet.count == 3)
        #expect(m.latencyFaulty.max == 1750)
    }

    @Test func quantilesAreNearestRank() {
        let q = LatencyQuantiles(nanoseconds: (1...100).map { Int64($0) * 1_000_000 })
        #expect(q.count == 100 && q.p50 == 50 && q.p99 == 99 && q.max == 100)
        #expect(LatencyQuantiles(nanoseconds: []) == .empty)
    }
}

@Suite struct LeaderSampleTests {
    @Test func roundTripsThroughItsFileAndNamesABadLine() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fl-leaders-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("leaders.jsonl").path
        let samples = [LeaderSample(time: 5, leader: "n\"1"), LeaderSample(time: 9, leader: nil)]
        try (samples.map(\.jsonLine).joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try LeaderSample.read(path: path) == samples)
        #expect(try LeaderSample.read(path: dir.appendingPathComponent("absent").path) == [])
        try "{\"time\":1,\"leader\":\"n1\"}\n{\"leader\":3}\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect { try LeaderSample.read(path: path) } throws: { error in
            (error as? LeaderFileError)?.line == 2 && "\(error)".contains("leaders.jsonl:2")
        }
    }
}
