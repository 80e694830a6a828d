import History
import Testing
@testable import Transactions

/// One hand-built rw-register history per anomaly the register analysis can see.
@Suite struct RWRegisterAnomalyTests {
    typealias H = TestHistory

    func check(_ h: H, _ c: ConsistencyModel = .strictSerializable) throws -> TransactionCheckResult {
        try h.check(.rwRegister, c)
    }

    @Test func overwritesInACycleAreG0() throws {
        var h = H()
        let t = h.concurrent([
            [H.w(1, 1), H.r(2, 3), H.w(2, 4)],
            [H.r(1, 1), H.w(1, 2), H.w(2, 3)],
        ])
        let result = try check(h)
        #expect(result.sets(.g0) == [[t[0], t[1]]])
        // Each pair is joined by ww and wr edges: the weaker, ww, names the cycle.
        #expect(result.kinds == [.g0])
    }

    @Test func abortedRead() throws {
        var h = H()
        let t = h.concurrent([(0, [H.w(1, 1)], .fail), (1, [H.r(1, 1)], .ok)])
        #expect(try check(h).sets(.g1a) == [[t[0], t[1]]])
    }

    @Test func intermediateRead() throws {
        var h = H()
        let t = h.concurrent([[H.w(1, 1), H.w(1, 2)], [H.r(1, 1)]])
        #expect(try check(h).sets(.g1b) == [[t[0], t[1]]])
    }

    @Test func circularInformationFlow() throws {
        var h = H()
        let t = h.concurrent([[H.w(1, 1), H.r(2, 1)], [H.w(2, 1), H.r(1, 1)]])
        #expect(try check(h).sets(.g1c) == [[t[0], t[1]]])
    }

    @Test func readSkewThroughTheInitialState() throws {
        var h = H()
        let t = h.concurrent([[H.r(1, nil), H.r(2, 1)], [H.w(1, 1), H.w(2, 1)]])
        let result = try check(h)
        #expect(result.sets(.gSingle) == [[t[0], t[1]]])
        #expect(try #require(result.of(.gSingle).first).explanation.contains { $0.contains("the initial state") })
    }

    @Test func readSkewThroughAnOverwrite() throws {
        var h = H()
        // T3 read x = 1 and overwrote it with 2, so T1's read of x = 1 comes before T3.
        let t = h.concurrent([[H.w(1, 1)], [H.r(1, 1), H.r(2, 5)], [H.r(1, 1), H.w(1, 2), H.w(2, 5)]])
        let result = try check(h)
        #expect(result.sets(.gSingle) == [[t[1], t[2]]])
    }

    @Test func writeSkew() throws {
        var h = H()
        let t = h.concurrent([[H.r(1, nil), H.r(2, nil), H.w(1, 1)], [H.r(1, nil), H.r(2, nil), H.w(2, 1)]])
        let result = try check(h)
        #expect(result.sets(.g2Item) == [[t[0], t[1]]])
        #expect(try check(h, .snapshotIsolation).verdict == .valid)
    }

    @Test func lostUpdate() throws {
        var h = H()
        let t = h.concurrent([[H.r(1, nil), H.w(1, 1)], [H.r(1, nil), H.w(1, 2)]])
        #expect(try check(h).sets(.lostUpdate) == [[t[0], t[1]]])
    }

    @Test func garbageAndInternal() throws {
        var h = H()
        let t = h.concurrent([[H.r(1, 7)], [H.w(2, 1), H.r(2, 2)]])
        let result = try check(h)
        #expect(result.sets(.garbageRead) == [[t[0]]])
        #expect(result.sets(.internal) == [[t[1]]])
    }

    @Test func staleReadIsGSingleRealtime() throws {
        var h = H()
        let t1 = h.serial(0, [H.w(1, 1)])
        let t2 = h.serial(1, [H.r(1, nil)])
        let result = try check(h)
        #expect(result.sets(.gSingleRealtime) == [[t1, t2]])
        #expect(try check(h, .serializable).verdict == .valid)
    }
}
