import History
import HistoryGenerators
import Testing
@testable import Linearizability

@Suite struct GeneratedHistoryTests {
    @Test func simulatedRegistersAreValid() async throws {
        var events: [Event] = []
        GeneratedHistories.registers(operations: 20_000, keys: 40, clients: 10, infoRate: 0.05, seed: 3) { events.append($0) }
        let result = try await BuiltInModel.casRegister.check(try History(events: events).operations())
        #expect(result.verdict == .valid)
        #expect(result.partitions.count == 40)
    }

    @Test(arguments: [false, true])
    func fiftyClientAppendsAreDecidedPerKey(corrupt: Bool) async throws {
        let events = GeneratedHistories.appends(operations: 1500, keys: 3, clients: 50, corrupt: corrupt, seed: 11)
        var options = CheckOptions()
        options.stopAtFirstInvalid = false
        options.shrink = false
        options.timeout = .seconds(60)
        let result = try await BuiltInModel.kv.check(try History(events: events).operations(), options: options)
        #expect(result.verdict == (corrupt ? .invalid : .valid))
        #expect(result.decidedPartitions == 3)
    }

    /// Forty concurrent writes followed by a read of a value nobody wrote: the search must try
    /// every subset of the writes, far beyond any budget.
    static func intractable(key: Value) -> [Event] {
        var b = HistoryBuilder()
        for p in 0..<40 { b.invoke(p, "write", .int(p), key: key) }
        for p in 0..<40 { b.ok(p, "write", .int(p), key: key) }
        b.op(100, "read", .null, 999, key: key)
        return b.events
    }

    @Test func anIntractableKeyIsUnknownAndTheOthersAreStillDecided() async throws {
        var events = Self.intractable(key: "hard")
        var easy = HistoryBuilder()
        for k in 0..<20 {
            easy.op(200 + k, "write", .int(k), key: .int(k))
            easy.op(200 + k, "read", .null, .int(k), key: .int(k))
        }
        events += easy.events.map { var e = $0; e.index += events.count; return e }
        var options = CheckOptions()
        options.timeout = .milliseconds(300)
        let result = try await BuiltInModel.casRegister.check(try History(events: events).operations(), options: options)
        #expect(result.verdict == .unknown)
        #expect(result.decidedPartitions == 20)
        let hard = try #require(result.partitions.first { $0.key == "hard" })
        #expect(hard.verdict == .unknown)
        #expect(hard.reason == "time budget exhausted")
    }

    @Test func memoryBudgetGivesUnknownNeverValid() async throws {
        var options = CheckOptions()
        options.memoryLimit = 1 << 20
        options.timeout = .seconds(30)
        let result = try await BuiltInModel.casRegister.check(try History(events: Self.intractable(key: "k")).operations(), options: options)
        #expect(result.verdict == .unknown)
        #expect(result.partitions.first?.reason == "memory budget exhausted")
    }

    @Test func appendsWithoutObservationsAreValid() async throws {
        // Fifty concurrent appends and no reads: nothing to contradict.
        var b = HistoryBuilder()
        for p in 0..<50 { b.invoke(p, "append", .string("x\(p);")) }
        for p in 0..<50 { b.ok(p, "append", .string("x\(p);")) }
        #expect(try await BuiltInModel.kv.check(b.operations).verdict == .valid)
    }
}

@Suite struct OtherModelTests {
    @Test func mutexAllowsOneHolderAtATime() async throws {
        var ok = HistoryBuilder()
        ok.op(0, "acquire")
        ok.op(0, "release")
        ok.op(1, "acquire")
        #expect(try await BuiltInModel.mutex.check(ok.operations).verdict == .valid)

        var bad = HistoryBuilder()
        bad.op(0, "acquire")
        bad.op(1, "acquire")
        #expect(try await BuiltInModel.mutex.check(bad.operations).verdict == .invalid)
    }

    @Test func setReadsMustSeeEveryAcknowledgedAdd() async throws {
        var ok = HistoryBuilder()
        ok.op(0, "add", 1)
        ok.invoke(1, "add", 2)
        ok.op(0, "read", .null, [1])
        ok.ok(1, "add", 2)
        ok.op(0, "read", .null, [2, 1])
        #expect(try await BuiltInModel.set.check(ok.operations).verdict == .valid)

        var lost = HistoryBuilder()
        lost.op(0, "add", 1)
        lost.op(0, "add", 2)
        lost.op(1, "read", .null, [2])
        #expect(try await BuiltInModel.set.check(lost.operations).verdict == .invalid)
    }

    @Test func kvAppendAndGet() async throws {
        var b = HistoryBuilder()
        b.op(0, "append", "a", key: "k")
        b.op(1, "append", "b", key: "k")
        b.op(0, "get", .null, "ab", key: "k")
        #expect(try await BuiltInModel.kv.check(b.operations).verdict == .valid)
        var bad = HistoryBuilder()
        bad.op(0, "append", "a", key: "k")
        bad.op(1, "append", "b", key: "k")
        bad.op(0, "get", .null, "ba", key: "k")
        #expect(try await BuiltInModel.kv.check(bad.operations).verdict == .invalid)
    }
}
