import Testing
@testable import Linearizability

/// The memo's subsumption over operations of unknown outcome: a node is covered by a visited
/// one with the same completed operations and state that placed a subset of the pending ones.
@Suite struct MemoTests {
    let done: [UInt64] = [0b101]

    func put(_ memo: inout Memo<Int>, _ bits: [UInt64], bitsHash: UInt64, state: Int, pending: [UInt64] = []) -> Bool {
        memo.insert(bits, bitsHash: bitsHash, state: state, pending: pending)
    }

    @Test func aNodeWithMorePendingOperationsPlacedIsCovered() {
        var memo = Memo<Int>(words: 1, pendingWords: 1)
        #expect(put(&memo, done, bitsHash: 7, state: 3, pending: [0b001]))
        #expect(!put(&memo, done, bitsHash: 7, state: 3, pending: [0b001]))  // the same node
        #expect(!put(&memo, done, bitsHash: 7, state: 3, pending: [0b011]))  // a superset
        #expect(put(&memo, done, bitsHash: 7, state: 3, pending: [0b010]))   // not comparable
        #expect(put(&memo, done, bitsHash: 7, state: 4, pending: [0b011]))   // another state
        #expect(put(&memo, [0b100], bitsHash: 5, state: 3, pending: [0b011]))  // other completed ones
        #expect(memo.count == 4)
    }

    @Test func aSmallerPendingSetReplacesTheSetsItCovers() {
        var memo = Memo<Int>(words: 1, pendingWords: 1)
        #expect(put(&memo, done, bitsHash: 7, state: 3, pending: [0b110]))
        #expect(put(&memo, done, bitsHash: 7, state: 3, pending: [0b010]))
        #expect(!put(&memo, done, bitsHash: 7, state: 3, pending: [0b110]))
        #expect(!put(&memo, done, bitsHash: 7, state: 3, pending: [0b011]))
        #expect(put(&memo, done, bitsHash: 7, state: 3, pending: [0b001]))
    }

    @Test func withoutPendingOperationsItIsTheExactMemo() {
        var memo = Memo<Int>(words: 1)
        #expect(put(&memo, done, bitsHash: 7, state: 3))
        #expect(!put(&memo, done, bitsHash: 7, state: 3))
        #expect(put(&memo, done, bitsHash: 7, state: 4))
        // Many nodes: the table grows and still finds each one.
        for k in 0..<5000 { #expect(put(&memo, [UInt64(k)], bitsHash: UInt64(k) &* 0x9E37, state: k % 7)) }
        for k in 0..<5000 { #expect(!put(&memo, [UInt64(k)], bitsHash: UInt64(k) &* 0x9E37, state: k % 7)) }
    }

    /// Crashed writes of distinct values, all invoked first, then sequential writes and reads of
    /// 0 ending in a read of a value never written: an exhaustive search. Each crashed write can
    /// be placed anywhere, but one placed and overwritten leaves a node covered by the one that
    /// did not place it, so the search stays near (crashed writes × operations) nodes instead of
    /// (subsets of them × operations).
    @Test func crashedWritesDoNotMultiplyTheSearch() {
        var b = HistoryBuilder()
        let crashed = 14
        for p in 0..<crashed { b.invoke(100 + p, "write", .int(1 + p)) }
        for _ in 0..<6 {
            b.op(0, "write", 0)
            b.op(0, "read", .null, 0)
        }
        b.op(0, "read", .null, 99)
        for p in 0..<crashed { b.info(100 + p, "write", .int(1 + p)) }
        let result = try! Checker.check(b.operations, model: RegisterModel(initial: 0))
        #expect(result.verdict == .invalid)
        #expect(result.partitions.map(\.nodes).reduce(0, +) < 5_000)
    }
}

