import History
import Linearizability
import Testing

/// The set's lost acknowledged adds are counted and named, not only "no linearization".
@Suite struct SetLossTests {
    /// Three acknowledged adds to key 0, two to key 1; the final reads miss two and one of them.
    /// Add 9 was never acknowledged (info), add 8 completed after the final read began: neither
    /// is a loss.
    static var lossy: HistoryBuilder {
        var b = HistoryBuilder()
        for x in [1, 2, 3] { b.op(0, "add", .int(x), key: 0) }
        for x in [4, 5] { b.op(1, "add", .int(x), key: 1) }
        b.invoke(2, "add", 9, key: 0)
        b.info(2, "add", 9, key: 0)
        b.op(0, "read", .null, [1, 3], key: 0)         // an earlier read, not the final one
        b.invoke(1, "add", 8, key: 0)
        b.invoke(0, "read", .null, key: 0)
        b.ok(1, "add", 8, key: 0)
        b.ok(0, "read", [3], key: 0)
        b.op(1, "read", .null, [5], key: 1)
        return b
    }

    @Test func acknowledgedAddsMissingFromTheFinalReadAreLost() {
        let losses = SetLoss.find(in: Self.lossy.operations)
        #expect(losses == [SetLoss(key: 0, elements: [1, 2]), SetLoss(key: 1, elements: [4])])
        #expect(SetLoss.sentence(losses)
            == "lost: 3 acknowledged adds (key 0: 2, key 1: 1), each acknowledged before the final read began and missing from it, e.g. 1, 2, 4.")
    }

    @Test func theInvalidVerdictSaysHowManyAddsWereLost() async throws {
        let result = try await BuiltInModel.set.check(Self.lossy.operations)
        #expect(result.verdict == .invalid)
        #expect(result.counterexample?.explanation.first?.hasPrefix("lost: 3 acknowledged adds") == true,
                "\(result.counterexample?.explanation ?? [])")
    }

    @Test func nothingIsLostWhenTheFinalReadHasEveryAcknowledgedAdd() async throws {
        var b = HistoryBuilder()
        b.op(0, "add", 1)
        b.invoke(1, "add", 2)
        b.op(0, "read", .null, [1])
        b.info(1, "add", 2)
        b.op(0, "read", .null, [1])
        #expect(SetLoss.find(in: b.operations).isEmpty)
        #expect(SetLoss.sentence([]) == nil)
        #expect(try await BuiltInModel.set.check(b.operations).verdict == .valid)
    }
}
