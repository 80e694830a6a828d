import History
import Testing
@testable import Transactions

/// One hand-built list-append history per anomaly: each is found, with its class and the
/// transactions of its cycle.
@Suite struct ListAppendAnomalyTests {
    typealias H = TestHistory

    @Test func writeCycleIsG0() throws {
        var h = H()
        let t = h.concurrent([
            [H.a(1, 1), H.a(2, 2)],
            [H.a(1, 2), H.a(2, 1)],
            [H.r(1, [1, 2]), H.r(2, [1, 2])],
        ])
        let result = try h.check()
        #expect(result.sets(.g0) == [[t[0], t[1]]])
        #expect(result.verdict == .invalid)
        let g0 = try #require(result.of(.g0).first)
        #expect(g0.steps.allSatisfy { $0.kind == .ww })
        #expect(g0.explanation.contains { $0.contains("appended 2 to key 1 right after") })
        #expect(try h.check(.listAppend, .readUncommitted).verdict == .invalid)
    }

    @Test func abortedReadIsG1a() throws {
        var h = H()
        let t = h.concurrent([(0, [H.a(1, 1)], .fail), (1, [H.r(1, [1])], .ok)])
        let result = try h.check()
        #expect(result.sets(.g1a) == [[t[0], t[1]]])
        #expect(try h.check(.listAppend, .readUncommitted).verdict == .valid)
        #expect(try h.check(.listAppend, .readCommitted).verdict == .invalid)
    }

    @Test func intermediateReadIsG1b() throws {
        var h = H()
        let t = h.concurrent([[H.a(1, 1), H.a(1, 2)], [H.r(1, [1])], [H.r(1, [1, 2])]])
        let result = try h.check()
        #expect(result.sets(.g1b) == [[t[0], t[1]]])
        #expect(result.kinds == [.g1b])
    }

    @Test func circularInformationFlowIsG1c() throws {
        var h = H()
        let t = h.concurrent([[H.a(1, 1), H.r(2, [1])], [H.a(2, 1), H.r(1, [1])]])
        let result = try h.check()
        #expect(result.sets(.g1c) == [[t[0], t[1]]])
        #expect(try #require(result.of(.g1c).first).steps.map(\.kind) == [.wr, .wr])
        #expect(try h.check(.listAppend, .readUncommitted).verdict == .valid)
        #expect(try h.check(.listAppend, .readCommitted).verdict == .invalid)
    }

    @Test func readSkewIsGSingle() throws {
        var h = H()
        let t = h.concurrent([[H.r(1, []), H.r(2, [1])], [H.a(1, 1), H.a(2, 1)], [H.r(1, [1])]])
        let result = try h.check()
        #expect(result.sets(.gSingle) == [[t[0], t[1]]])
        let g = try #require(result.of(.gSingle).first)
        #expect(Set(g.steps.map(\.kind)) == [.rw, .wr])
        #expect(g.explanation.contains { $0.contains("read key 1 = [], without 1, which") })
        #expect(try h.check(.listAppend, .snapshotIsolation).verdict == .invalid)
        #expect(try h.check(.listAppend, .readCommitted).verdict == .valid)
    }

    @Test func writeSkewIsG2ItemAndAllowedBySnapshotIsolation() throws {
        var h = H()
        let t = h.concurrent([
            [H.r(1, []), H.r(2, []), H.a(1, 1)],
            [H.r(1, []), H.r(2, []), H.a(2, 1)],
            [H.r(1, [1]), H.r(2, [1])],
        ])
        let result = try h.check()
        #expect(result.sets(.g2Item) == [[t[0], t[1]]])
        #expect(result.kinds == [.g2Item])
        #expect(try h.check(.listAppend, .snapshotIsolation).verdict == .valid)
        #expect(try h.check(.listAppend, .repeatableRead).verdict == .invalid)
        #expect(try h.check(.listAppend, .serializable).verdict == .invalid)
    }

    @Test func lostUpdate() throws {
        var h = H()
        let t = h.concurrent([[H.r(1, []), H.a(1, 1)], [H.r(1, []), H.a(1, 2)], [H.r(1, [1, 2])]])
        let result = try h.check()
        #expect(result.sets(.lostUpdate) == [[t[0], t[1]]])
        #expect(try h.check(.listAppend, .readCommitted).verdict == .valid)
        #expect(try h.check(.listAppend, .snapshotIsolation).verdict == .invalid)
    }

    @Test func duplicateElements() throws {
        var h = H()
        let t = h.concurrent([[H.a(1, 1)], [H.r(1, [1, 1])]])
        #expect(try h.check().sets(.duplicateElements) == [[t[1]]])
        #expect(try h.check(.listAppend, .readUncommitted).verdict == .invalid)
    }

    @Test func readOfAValueNeverAppended() throws {
        var h = H()
        let t = h.concurrent([[H.a(1, 1)], [H.r(1, [1, 9])]])
        #expect(try h.check().sets(.garbageRead) == [[t[1]]])
    }

    @Test func incompatibleOrders() throws {
        var h = H()
        let t = h.concurrent([[H.a(1, 1)], [H.a(1, 2)], [H.r(1, [1, 2])], [H.r(1, [2, 1])]])
        let result = try h.check()
        #expect(result.sets(.incompatibleOrder) == [[t[2], t[3]]])
        // The key has no order: no ww or rw edge comes from it.
        #expect(result.edgeCounts[.ww] == nil && result.edgeCounts[.rw] == nil)
    }

    @Test func readMissingItsOwnAppendIsInternal() throws {
        var h = H()
        let t = h.concurrent([[H.a(1, 1), H.r(1, [])]])
        #expect(try h.check().sets(.internal) == [[t[0]]])
    }

    @Test func staleReadIsGSingleRealtime() throws {
        var h = H()
        let t1 = h.serial(0, [H.a(1, 1)])
        let t2 = h.serial(1, [H.r(1, [])])
        h.serial(2, [H.r(1, [1])])
        let result = try h.check()
        #expect(result.sets(.gSingleRealtime) == [[t1, t2]])
        let g = try #require(result.of(.gSingleRealtime).first)
        #expect(g.explanation.contains { $0.contains("completed on line 2 before T2 was invoked on line 3") })
        #expect(result.verdict == .invalid)
        #expect(try h.check(.listAppend, .serializable).verdict == .valid)
    }

    @Test func anAcknowledgedAppendNoReadSawIsLostToALaterRead() throws {
        var h = H()
        let t1 = h.serial(0, [H.a(1, 1)])
        let t2 = h.serial(1, [H.a(1, 2)])
        let t3 = h.serial(2, [H.r(1, [2])])
        let result = try h.check()
        // 1 was acknowledged, yet T3 read [2] after it: 1 comes after 2 (ww T2→T1, against
        // real time), and T3 missed it (rw T3→T1).
        #expect(result.sets(.g0Realtime) == [[t1, t2]])
        #expect(result.sets(.gSingleRealtime) == [[t1, t2, t3]])
        #expect(result.kinds == [.g0Realtime, .gSingleRealtime])
        let g = try #require(result.anomalies.first)
        #expect(g.explanation.contains { $0.contains("appended 1 to key 1 and committed, yet no read saw it") })
        #expect(try h.check(.listAppend, .serializable).verdict == .valid)
    }

    /// Out of time before any class search: the component still shows a cycle, and a verdict
    /// that needed the searches not done is unknown, never valid.
    @Test func outOfTimeACycleIsStillShownAndTheRestIsUnknown() throws {
        var h = H()
        let t1 = h.serial(0, [H.a(1, 1)])
        let t2 = h.serial(1, [H.r(1, [])])
        h.serial(2, [H.r(1, [1])])
        let strict = try h.history.checkTransactions(.strictSerializable, timeout: .zero)
        #expect(strict.verdict == .invalid)
        #expect(strict.sets(.gSingleRealtime) == [[t1, t2]])
        #expect(strict.incomplete != nil)
        // Without real-time edges the graph has no cycle: nothing to search, valid.
        #expect(try h.history.checkTransactions(.serializable, timeout: .zero).verdict == .valid)

        // Write skew: the cycle shown is the G2-item snapshot isolation allows, but the search
        // for a G-single it forbids was not done.
        var skew = H()
        skew.concurrent([
            [H.r(1, []), H.r(2, []), H.a(1, 1)], [H.r(1, []), H.r(2, []), H.a(2, 1)], [H.r(1, [1]), H.r(2, [1])],
        ])
        let cut = try skew.history.checkTransactions(.snapshotIsolation, timeout: .zero)
        #expect(cut.verdict == .unknown)
        #expect(cut.kinds == [.g2Item])
        #expect(try skew.history.checkTransactions(.snapshotIsolation, timeout: .seconds(60)).verdict == .valid)
    }

    @Test func sameProcessStaleReadIsGSingleProcess() throws {
        var h = H()
        let t1 = h.serial(0, [H.a(1, 1)])
        let t2 = h.serial(0, [H.r(1, [])])
        h.serial(2, [H.r(1, [1])])
        let result = try h.check()
        #expect(result.sets(.gSingleProcess) == [[t1, t2]])
        #expect(try #require(result.of(.gSingleProcess).first).steps.map(\.kind).contains(.process))
    }

    @Test func writesOrderedAgainstProcessOrderIsG0Process() throws {
        var h = H()
        let t1 = h.serial(0, [H.a(1, 1)])
        let t2 = h.serial(0, [H.a(1, 2)])
        h.serial(2, [H.r(1, [2, 1])])
        let result = try h.check()
        #expect(result.sets(.g0Process) == [[t1, t2]])
        #expect(result.kinds == [.g0Process])
    }

    @Test func aProcessReadingItsOwnFutureIsG1cProcess() throws {
        var h = H()
        let t1 = h.serial(0, [H.r(1, [1])])
        let t2 = h.serial(0, [H.a(1, 1)])
        let result = try h.check()
        #expect(result.sets(.g1cProcess) == [[t1, t2]])
        #expect(result.kinds == [.g1cProcess])
    }

    @Test func twoAntiDependenciesAndProcessOrderIsG2ItemProcess() throws {
        var h = H()
        let t3 = h.invoke(2, [H.r(1, []), H.a(2, 1)])
        let t1 = h.serial(0, [H.a(1, 1)])
        let t2 = h.serial(0, [H.r(2, [])])
        h.complete(2, [H.r(1, []), H.a(2, 1)])
        h.serial(3, [H.r(1, [1]), H.r(2, [1])])
        let result = try h.check()
        #expect(result.sets(.g2ItemProcess) == [[t1, t2, t3]])
        #expect(result.kinds == [.g2ItemProcess])
    }

    @Test func writesOrderedAgainstRealTimeIsG0Realtime() throws {
        var h = H()
        let t1 = h.serial(0, [H.a(1, 1)])
        let t2 = h.serial(1, [H.a(1, 2)])
        h.serial(2, [H.r(1, [2, 1])])
        #expect(try h.check().sets(.g0Realtime) == [[t1, t2]])
    }

    @Test func readFromTheFutureIsG1cRealtime() throws {
        var h = H()
        let t1 = h.serial(0, [H.r(1, [1])])
        let t2 = h.serial(1, [H.a(1, 1)])
        #expect(try h.check().sets(.g1cRealtime) == [[t1, t2]])
    }

    @Test func twoAntiDependenciesAndRealTimeIsG2ItemRealtime() throws {
        var h = H()
        // T3 runs across T1 and T2; T1 completes before T2 begins. T2 misses T3's append to
        // key 2, T3 misses T1's append to key 1.
        let t3 = h.invoke(2, [H.r(1, []), H.a(2, 1)])
        let t1 = h.serial(0, [H.a(1, 1)])
        let t2 = h.serial(1, [H.r(2, [])])
        h.complete(2, [H.r(1, []), H.a(2, 1)])
        h.serial(3, [H.r(1, [1]), H.r(2, [1])])
        let result = try h.check()
        #expect(result.sets(.g2ItemRealtime) == [[t1, t2, t3]])
        #expect(try h.check(.listAppend, .serializable).verdict == .valid)
    }

    @Test func infoTransactionsMayHaveCommitted() throws {
        var h = H()
        // An info append that a read saw is no anomaly; one nobody saw is none either.
        h.concurrent([(0, [H.a(1, 1)], .info), (1, [H.a(1, 2)], .info), (2, [H.r(1, [1])], .ok)])
        // Nor is one that never completed (the history ends first).
        h.invoke(3, [H.a(1, 3)])
        h.serial(4, [H.r(1, [1, 3])])
        let result = try h.check()
        #expect(result.anomalies.isEmpty)
        #expect(result.verdict == .valid)
        let txns = try TransactionHistory(h.history, model: .listAppend)
        #expect(txns.transactions.map(\.outcome) == [.info, .info, .ok, .info, .ok])
    }

    @Test func anInfoTransactionWhoseWritesWereSeenTakesPartInCycles() throws {
        var h = H()
        let t = h.concurrent([
            (0, [H.r(1, []), H.r(2, [1])], .ok), (1, [H.a(1, 1), H.a(2, 1)], .info), (2, [H.r(1, [1])], .ok),
        ])
        #expect(try h.check().sets(.gSingle) == [[t[0], t[1]]])
    }

    /// B's own G-single with C and A's with B make a walk A→B→C→B→A with two rw edges; it
    /// passes B twice, so it is no G2-item cycle.
    @Test func aWalkThroughATransactionTwiceIsNoCycle() throws {
        var h = H()
        let t = h.concurrent([
            [H.r(1, []), H.a(2, 2)],  // A
            [H.a(1, 1), H.a(2, 1), H.r(3, []), H.r(4, [1])],  // B
            [H.a(3, 1), H.a(4, 1)],  // C
            [H.r(1, [1]), H.r(2, [1, 2]), H.r(3, [1])],
        ])
        let result = try h.check()
        // One component: its shortest G-single is shown, and nothing else.
        let g = try #require(result.sets(.gSingle).first)
        #expect(g == [t[0], t[1]] || g == [t[1], t[2]])
        #expect(result.kinds == [.gSingle])
    }
}
