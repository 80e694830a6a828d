import History
import Linearizability
import Testing
@testable import Workload

@Suite struct WorkloadSpecTests {
    @Test func defaultsAreValidAndNameTheirModels() throws {
        for kind in WorkloadSpec.Kind.allCases {
            try WorkloadSpec(kind: kind).validate()
        }
        #expect(WorkloadSpec(kind: .register).model == .casRegister)
        #expect(WorkloadSpec(kind: .set).model == .set)
        #expect(WorkloadSpec(kind: .lock).model == .mutex)
        #expect(WorkloadSpec(kind: .register).initialValue == .null)
    }

    @Test func invalidSettingsAreNamed() {
        let cases: [(change: (inout WorkloadSpec) -> Void, expected: String)] = [
            ({ $0.concurrency = 0 }, "concurrency"),
            ({ $0.keys = 0 }, "keys"),
            ({ $0.opsPerKey = 1 }, "ops-per-key is 1; expected at least 2"),
            ({ $0.rate = 0 }, "rate"),
            ({ $0.mix = OperationMix(["read": 1, "add": 1]) }, "unknown operation add"),
            ({ $0.mix = OperationMix(["read": 0]) }, "every weight is 0"),
            ({ $0.mix = OperationMix(["read": -1, "write": 1]) }, "weight of read is -1"),
            ({ $0.timeLimit = .zero }, "time-limit"),
            ({ $0.lockLease = .milliseconds(10) }, "lock-lease"),
        ]
        for (change, expected) in cases {
            var spec = WorkloadSpec(kind: .register)
            change(&spec)
            #expect(throws: WorkloadSpecError.self) { try spec.makeGenerator(seed: 1) }
            do {
                try spec.validate()
            } catch {
                #expect(error.message.contains(expected), "\(error.message)")
            }
        }
    }

    @Test func setTakesNoPerKeyBound() {
        var spec = WorkloadSpec(kind: .set)
        spec.opsPerKey = 10
        #expect(throws: WorkloadSpecError("ops-per-key does not apply to the set workload; leave it out")) {
            try spec.validate()
        }
    }

    @Test func mixIsDrawnInNameOrderWhateverTheWritingOrder() {
        var a = SplitMix64(seed: 5)
        var b = SplitMix64(seed: 5)
        let one = MixDraw(OperationMix(["write": 1, "read": 3, "cas": 2]))
        let two = MixDraw(OperationMix(["cas": 2, "write": 1, "read": 3]))
        let x = (0..<200).map { _ in one.draw(&a) }
        let y = (0..<200).map { _ in two.draw(&b) }
        #expect(x == y)
    }

    @Test func keyAssignmentSharesTheBoundExactly() {
        // 7 workers over 3 keys: groups of 3, 2, 2; bound 10 → shares 4+3+3, 5+5, 5+5.
        let shares = (0..<7).map { KeyAssignment(worker: $0, concurrency: 7, keys: 3, perKey: 10).quota! }
        #expect(shares == [4, 5, 5, 3, 5, 5, 3])
        let a = KeyAssignment(worker: 4, concurrency: 7, keys: 3, perKey: 10)
        #expect((0..<12).map(a.key(forRequest:)) == [1, 1, 1, 1, 1, 4, 4, 4, 4, 4, 7, 7])
        #expect(KeyAssignment(worker: 2, concurrency: 3, keys: 10, perKey: nil).key(forRequest: 99) == 2)
    }
}
