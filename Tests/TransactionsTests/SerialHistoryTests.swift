import History
import HistoryGenerators
import Testing
@testable import Transactions

/// Histories of a simulated strict-serializable database, with failed transactions and `info`
/// ones whose effects were kept or dropped: no anomaly, valid under every model.
@Suite struct SerialHistoryTests {
    static let outcomes = TransactionalHistories.Outcomes(fail: 0.05, infoApplied: 0.05, infoDropped: 0.05)

    @Test(arguments: [TransactionalHistories.Workload.listAppend, .rwRegister])
    func thousandsOfSmallHistoriesShowNoAnomaly(_ workload: TransactionalHistories.Workload) throws {
        let model: TransactionModel = workload == .listAppend ? .listAppend : .rwRegister
        var infos = 0
        for seed in 0..<1500 as Range<UInt64> {
            let h = TransactionalHistories.generate(
                workload, transactions: 12 + Int(seed % 30), clients: 2 + Int(seed % 5), keysInFlight: 1 + Int(seed % 3),
                writesPerKey: 4 + Int(seed % 6), outcomes: Self.outcomes, seed: seed)
            infos += h.events.filter { $0.type == .info }.count
            let result = try model.check(h)
            #expect(result.anomalies.isEmpty, "seed \(seed): \(result.anomalies.map(\.explanation))")
            #expect(result.verdict == .valid)
            if !result.anomalies.isEmpty { return }
        }
        #expect(infos > 500)
    }

    @Test(arguments: [TransactionalHistories.Workload.listAppend, .rwRegister])
    func largeHistoriesShowNoAnomaly(_ workload: TransactionalHistories.Workload) throws {
        let model: TransactionModel = workload == .listAppend ? .listAppend : .rwRegister
        for seed in 1...3 as ClosedRange<UInt64> {
            let h = TransactionalHistories.generate(
                workload, transactions: 3000, clients: 20, outcomes: Self.outcomes, seed: seed)
            let result = try model.check(h)
            #expect(result.anomalies.isEmpty)
            #expect(result.verdict == .valid)
            #expect((result.edgeCounts[.ww] ?? 0) > 0 || workload == .rwRegister)
            #expect((result.edgeCounts[.rw] ?? 0) > 0 && (result.edgeCounts[.wr] ?? 0) > 0)
            #expect((result.edgeCounts[.realtime] ?? 0) > 0)
        }
    }

    /// The same simulation with one read made stale is caught: the generated histories are
    /// not valid merely because the checker sees nothing.
    @Test func aStaleReadInAGeneratedHistoryIsCaught() throws {
        var h = TransactionalHistories.generate(.listAppend, transactions: 400, clients: 5, seed: 7)
        // The last read whose last element was appended by a transaction that had completed
        // before the reader was invoked; that element is dropped from it.
        var appendedAt: [Value: Int] = [:]
        var invokedAt: [ProcessID: Int] = [:]
        var target: (event: Int, step: Int)?
        for (i, e) in h.events.enumerated() {
            if e.type == .invoke { invokedAt[e.process] = i }
            guard e.type == .ok else { continue }
            for (j, step) in e.value.array!.enumerated() {
                let p = step.array!
                if p[0] == "append" { appendedAt[[p[1], p[2]]] = i }
                if p[0] == "r", let list = p[2].array, list.count > 1, let done = appendedAt[[p[1], list.last!]],
                    done < invokedAt[e.process]!
                {
                    target = (i, j)
                }
            }
        }
        let (i, j) = try #require(target)
        var ops = h.events[i].value.array!
        var step = ops[j].array!
        step[2] = .array(Array(step[2].array!.dropLast()))
        ops[j] = .array(step)
        h.events[i].value = .array(ops)
        let result = try TransactionModel.listAppend.check(h)
        #expect(result.verdict == .invalid)
        // The writer ran before the reader: real-time order, or process order on one process.
        #expect(result.kinds.contains(.gSingleRealtime) || result.kinds.contains(.gSingleProcess))
    }
}
