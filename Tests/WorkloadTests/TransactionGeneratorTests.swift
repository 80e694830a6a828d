import History
import Testing
@testable import Workload

/// The transactional workloads' generators: `txn` requests of 1 to max-txn-length steps over a
/// pool of keys that moves on, values unique per key, the same for the same seed.
@Suite struct TransactionGeneratorTests {
    static func steps(_ issued: [Issued]) -> [(worker: Int, n: Int, steps: [TransactionSteps.Step])] {
        var n: [Int: Int] = [:]
        return issued.map { i in
            defer { n[i.worker, default: 0] += 1 }
            return (i.worker, n[i.worker, default: 0], TransactionSteps(i.request.value)?.steps ?? [])
        }
    }

    @Test(arguments: [WorkloadSpec.Kind.listAppend, .rwRegister])
    func transactionsAreShortOverAShiftingPoolWithUniqueValues(kind: WorkloadSpec.Kind) throws {
        let spec = testSpec(kind) {
            $0.keys = 3
            $0.opsPerKey = 40  // 4 workers: the pool moves on every 10 transactions
            $0.maxTransactionLength = 3
            $0.operationLimit = 800
            $0.timeLimit = .seconds(60)
        }
        let issued = simulate(try spec.makeGenerator(seed: 5))
        #expect(issued.count == 800 && issued.allSatisfy { $0.request.f == "txn" && $0.request.key == nil })
        let all = Self.steps(issued)
        let write = kind == .listAppend ? "append" : "w"
        #expect(all.allSatisfy { (1...3).contains($0.steps.count) })
        #expect(Set(all.flatMap { $0.steps.map(\.f) }) == ["r", write])
        // Worker w's n-th transaction draws from keys n/10 ..< n/10 + 3.
        for t in all {
            let base = t.n / 10
            #expect(t.steps.allSatisfy { s in
                guard case .int(let k) = s.key else { return false }
                return (base..<base + 3).contains(k)
            }, "worker \(t.worker) txn \(t.n): \(t.steps)")
        }
        let keys = Set(all.flatMap { $0.steps.map(\.key) })
        #expect(keys.count >= 20, "the pool moved on: \(keys.count) keys")
        // Every written value is unique (and so unique per key); reads are unknown (nil).
        let written = all.flatMap { $0.steps.filter { $0.f == write }.map(\.value) }
        #expect(Set(written).count == written.count && !written.isEmpty)
        #expect(all.flatMap(\.steps).filter { $0.f == "r" }.allSatisfy { $0.value == .null })
        // The same seed gives the same transactions; another seed others.
        #expect(simulate(try spec.makeGenerator(seed: 5)) == issued)
        #expect(simulate(try spec.makeGenerator(seed: 6)).map(\.request) != issued.map(\.request))
    }

    @Test func stepsRunSeriallyAgainstAState() throws {
        let txn = try #require(TransactionSteps(.array([
            .array([.string("r"), .int(1), .null]), .array([.string("append"), .int(1), .int(7)]),
            .array([.string("r"), .int(1), .null]), .array([.string("r"), .int(2), .null]),
        ])))
        #expect(txn.keys == [.int(1), .int(2)] && !txn.readOnly)
        var lists: [Value: [Value]] = [.int(1): [.int(3)]]
        let done = txn.applyAppends(to: &lists)
        #expect(done == .array([
            .array([.string("r"), .int(1), .array([.int(3)])]), .array([.string("append"), .int(1), .int(7)]),
            .array([.string("r"), .int(1), .array([.int(3), .int(7)])]), .array([.string("r"), .int(2), .null]),
        ]))
        #expect(lists == [.int(1): [.int(3), .int(7)]])
        #expect(TransactionSteps(.array([.int(1)])) == nil)
    }
}
