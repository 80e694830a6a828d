import History
import Testing
@testable import Linearizability

@Suite struct RegisterCheckTests {
    let casRegister = RegisterModel(initial: 0)

    func check(_ b: HistoryBuilder, _ options: CheckOptions = CheckOptions()) -> CheckResult {
        try! Checker.check(b.operations, model: casRegister, options: options)
    }

    @Test func sequentialWriteThenReadIsValid() {
        var b = HistoryBuilder()
        b.op(0, "write", 1)
        b.op(1, "read", .null, 1)
        #expect(check(b).verdict == .valid)
    }

    @Test func staleReadIsInvalidWithAShrunkCounterexample() throws {
        var b = HistoryBuilder()
        b.op(2, "read", .null, 0)
        b.op(0, "write", 1)
        b.op(2, "read", .null, 1)
        b.op(1, "read", .null, 0)  // stale: 1 was written and read before this began
        b.op(2, "read", .null, 1)
        let result = check(b)
        #expect(result.verdict == .invalid)
        let cx = try #require(result.counterexample)
        // The core: the write of 1 completed before a read of 0 began (the shrinker's first
        // guess, the blocking read and the write that left the state it was blocked in); the
        // reads of 1 are left out.
        #expect(cx.operations.count == 2)
        #expect(cx.operations.map(\.f) == ["write", "read"])
        #expect(cx.operations.map(\.output) == [1, 0])
        #expect(cx.blocking?.output == 0)
        #expect(cx.linearization.map(\.description) == ["process 0: write 1"])
        #expect(cx.linearization.map(\.optional) == [false])
        #expect(cx.statesMet == ["1"])
        #expect(cx.explanation.count == 3)
    }

    @Test func concurrentReadMaySeeEitherValue() {
        for seen in [0, 1] {
            var b = HistoryBuilder()
            b.invoke(0, "write", 1)
            b.invoke(1, "read")
            b.ok(1, "read", .int(seen))
            b.ok(0, "write", 1)
            #expect(check(b).verdict == .valid)
        }
    }

    @Test func readOfValueNeverWrittenIsInvalid() {
        var b = HistoryBuilder()
        b.invoke(0, "write", 1)
        b.invoke(1, "read")
        b.ok(1, "read", 2)
        b.ok(0, "write", 1)
        #expect(check(b).verdict == .invalid)
    }

    @Test func infoWriteMayTakeEffectLateOrNever() {
        var late = HistoryBuilder()
        late.invoke(0, "write", 1)
        late.info(0, "write")
        late.op(1, "read", .null, 0)
        late.op(1, "read", .null, 1)  // took effect long after its info
        #expect(check(late).verdict == .valid)

        var never = HistoryBuilder()
        never.invoke(0, "write", 1)
        never.op(1, "read", .null, 0)  // never completed, never took effect
        #expect(check(never).verdict == .valid)

        var flipFlop = HistoryBuilder()
        flipFlop.invoke(0, "write", 1)
        flipFlop.info(0, "write")
        flipFlop.op(1, "read", .null, 1)
        flipFlop.op(1, "read", .null, 0)  // a write takes effect once: 0 cannot come back
        #expect(check(flipFlop).verdict == .invalid)
    }

    @Test func failedOperationsNeverTakeEffect() {
        var b = HistoryBuilder()
        b.invoke(0, "write", 5)
        b.fail(0, "write", 5)
        b.op(1, "read", .null, 5)
        #expect(check(b).verdict == .invalid)
    }

    @Test func casNeedsTheExpectedValue() {
        var ok = HistoryBuilder()
        ok.op(0, "write", 1)
        ok.op(1, "cas", [1, 2])
        ok.op(0, "read", .null, 2)
        #expect(check(ok).verdict == .valid)

        var bad = HistoryBuilder()
        bad.op(0, "write", 1)
        bad.op(1, "cas", [0, 2])
        #expect(check(bad).verdict == .invalid)
    }

    @Test func nilInitialValue() throws {
        var b = HistoryBuilder()
        b.op(0, "read", .null, nil)
        b.op(0, "write", 3)
        let model = RegisterModel(initial: .null)
        #expect(try Checker.check(b.operations, model: model).verdict == .valid)
        #expect(try Checker.check(b.operations, model: RegisterModel(initial: 0)).verdict == .invalid)
    }

    @Test func plainRegisterRejectsCAS() {
        var b = HistoryBuilder()
        b.op(0, "cas", [0, 1])
        #expect(throws: ModelError.self) {
            try Checker.check(b.operations, model: RegisterModel(initial: 0, allowsCAS: false))
        }
    }

    @Test func independentKeysArePartitions() {
        var b = HistoryBuilder()
        b.op(0, "write", 1, key: "a")
        b.op(1, "read", .null, 0, key: "b")
        b.op(1, "read", .null, 1, key: "a")
        b.op(0, "read", .null, 0, key: "c")
        let result = check(b)
        #expect(result.verdict == .valid)
        #expect(result.partitions.count == 3)
        #expect(Set(result.partitions.compactMap(\.key)) == ["a", "b", "c"])
    }

    @Test func invalidKeyIsNamedInTheCounterexample() {
        var b = HistoryBuilder()
        b.op(0, "write", 1, key: "a")
        b.op(0, "write", 1, key: "b")
        b.op(1, "read", .null, 0, key: "b")
        let result = check(b)
        #expect(result.verdict == .invalid)
        #expect(result.counterexample?.key == "b")
    }
}
