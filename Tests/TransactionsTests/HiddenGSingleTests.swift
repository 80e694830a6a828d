import History
import Testing
@testable import Transactions

/// One G-single cycle among many G2-item cycles in one strongly connected component is found
/// and shown as itself, not only as "a cycle exists".
@Suite struct HiddenGSingleTests {
    typealias H = TestHistory

    /// A ring of `n` concurrent transactions: T_i reads keys 1000+i and 2000+i empty, appends
    /// to 1000+i+1 and 2000+i-1, so each neighbour pair is joined by two rw edges (write skew)
    /// and the ring is one component. T_a appends to key 1 and T_b reads it (wr a→b); T_b reads
    /// key 2 empty before T_a's append (rw b→a): the only cycle with one rw edge.
    static func ring(n: Int, a: Int, b: Int) -> TestHistory {
        var steps: [[Value]] = (0..<n).map { i in
            [H.r(1000 + i, []), H.r(2000 + i, []), H.a(1000 + (i + 1) % n, 1), H.a(2000 + (i + n - 1) % n, 1)]
        }
        steps[a] += [H.a(1, 1), H.a(2, 1)]
        steps[b] += [H.r(1, [1]), H.r(2, [])]
        let observer = (0..<n).flatMap { i in [H.r(1000 + i, [1]), H.r(2000 + i, [1])] } + [H.r(2, [1])]
        var h = H()
        h.concurrent(steps + [observer])
        return h
    }

    @Test func theOneGSingleIsFoundAmongManyG2ItemCycles() throws {
        let h = Self.ring(n: 60, a: 10, b: 40)
        let result = try h.check(.listAppend, .snapshotIsolation)
        #expect(result.sets(.gSingle) == [[10, 40]])
        let g = try #require(result.of(.gSingle).first)
        #expect(g.steps.map(\.kind).sorted { $0.rawValue < $1.rawValue } == [.wr, .rw])
        #expect(!result.of(.g2Item).isEmpty)
        #expect(result.cyclicComponents == 1)
        #expect(result.verdict == .invalid)
    }

    @Test func withoutTheHiddenEdgeOnlyG2ItemRemains() throws {
        // T_b reads T_a's append to key 1 but has no rw edge back to T_a: no G-single.
        var h = TestHistory()
        var steps: [[Value]] = (0..<60).map { i in
            [H.r(1000 + i, []), H.r(2000 + i, []), H.a(1000 + (i + 1) % 60, 1), H.a(2000 + (i + 59) % 60, 1)]
        }
        steps[10] += [H.a(1, 1)]
        steps[40] += [H.r(1, [1])]
        h.concurrent(steps + [(0..<60).flatMap { i in [H.r(1000 + i, [1]), H.r(2000 + i, [1])] }])
        let result = try h.check(.listAppend, .snapshotIsolation)
        #expect(result.of(.gSingle).isEmpty)
        #expect(!result.of(.g2Item).isEmpty)
        #expect(result.verdict == .valid)
    }
}
