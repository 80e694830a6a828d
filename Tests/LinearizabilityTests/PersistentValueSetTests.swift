import History
import HistoryGenerators
import Testing
@testable import Linearizability

/// The set model's state, against Swift's `Set`.
@Suite struct PersistentValueSetTests {
    @Test(arguments: 0..<8)
    func behavesAsASetUnderRandomInserts(seed: Int) {
        var rng = SplitMix64(seed: UInt64(seed))
        var reference = Set<Value>()
        var set = PersistentValueSet()
        var versions: [(PersistentValueSet, Set<Value>)] = []
        for _ in 0..<3_000 {
            // Values of several kinds, with repeats.
            let n = Int(rng.next() % 2_000)
            let v: Value = switch rng.next() % 3 {
            case 0: .int(n)
            case 1: .string("s\(n)")
            default: .array([.int(n % 7), .int(n)])
            }
            set = set.inserting(v)
            reference.insert(v)
            if rng.next() % 300 == 0 { versions.append((set, reference)) }
        }
        #expect(set.count == reference.count)
        #expect(Set(set.elements) == reference && set.elements.count == reference.count)
        #expect(reference.allSatisfy { set.contains($0) })
        #expect(!set.contains(.int(5_000)) && !set.contains(.string("x")))
        #expect(set.equals(reference) && set.isSubset(of: reference))
        #expect(!set.equals(reference.union([.int(9_999)])) && set.isSubset(of: reference.union([.int(9_999)])))
        // Older versions are untouched by later inserts.
        for (old, expected) in versions {
            #expect(old.count == expected.count && old.equals(expected))
        }
    }

    @Test func equalElementsInAnyOrderAreEqualAndHashAlike() {
        let values: [Value] = (0..<500).map { .int($0) } + (0..<100).map { .string("v\($0)") }
        var rng = SplitMix64(seed: 3)
        let a = PersistentValueSet(values)
        let b = PersistentValueSet(values.shuffled(using: &rng) + values.prefix(50))
        #expect(a == b && a.hashValue == b.hashValue)
        let c = PersistentValueSet(values.dropLast() + [.int(10_000)])
        #expect(a.count == c.count && a != c)
        #expect(PersistentValueSet() == PersistentValueSet([]) && PersistentValueSet() != PersistentValueSet([.int(0)]))
    }

    /// Elements whose 64-bit hashes are equal share a collision slot; hashes equal in their low
    /// bits only go down the trie.
    @Test func collidingHashesStayDistinct() {
        let values: [Value] = (0..<40).map { .int($0) }
        // Hash 7 for the even values; the odd ones share the low 40 bits with it.
        func hash(_ i: Int) -> UInt64 { i % 2 == 0 ? 7 : 7 | UInt64(i) << 40 }
        var set = PersistentValueSet()
        for (i, v) in values.enumerated() { set = set.inserting(v, hash: hash(i)) }
        for (i, v) in values.enumerated() { set = set.inserting(v, hash: hash(i)) }  // again: no change
        #expect(set.count == 40)
        #expect(values.enumerated().allSatisfy { set.contains($1, hash: hash($0)) })
        #expect(!set.contains(.int(99), hash: 7) && !set.contains(.int(1), hash: 7))
        #expect(Set(set.elements) == Set(values))
        var reordered = PersistentValueSet()
        for (i, v) in values.enumerated().reversed() { reordered = reordered.inserting(v, hash: hash(i)) }
        #expect(reordered == set)
    }
}

/// The set model with its persistent state and incremental pruning agrees with a brute-force
/// search over a plain `Set` state, on small random set histories, valid and corrupted.
@Suite struct SetModelCrossCheckTests {
    /// The set model as it was: a Swift `Set` per state, no pruning.
    struct PlainSetModel: Model {
        var name: String { "plain-set" }
        var initialState: Set<Value> { [] }
        func entry(for op: HistoryOperation) throws(ModelError) -> (input: SetModel.Input, output: Set<Value>?)? {
            try SetModel().entry(for: op)
        }
        func step(_ state: Set<Value>, _ input: SetModel.Input, _ output: Set<Value>?) -> Set<Value>? {
            switch input {
            case .add(let x): return state.union([x])
            case .read: return output == nil || output == state ? state : nil
            }
        }
    }

    @Test(arguments: 0..<4)
    func agreesWithBruteForce(batch: Int) async throws {
        var invalid = 0
        for n in 0..<150 {
            let seed = UInt64(batch * 1000 + n)
            var rng = SplitMix64(seed: seed)
            var events = GeneratedHistories.sets(operations: 9, clients: 3, readRate: 3, infoRate: 0.2, seed: seed)
            #expect(try await BuiltInModel.set.check(History(events: events).operations()).verdict == .valid, "seed \(seed)")
            // Corrupt one read: drop an element, or add one that was never added.
            let reads = events.indices.filter { events[$0].type == .ok && events[$0].f == "read" }
            if let i = reads.randomElement(using: &rng) {
                var elements = events[i].value.array ?? []
                if !elements.isEmpty && rng.next() % 2 == 0 {
                    elements.remove(at: Int(rng.next() % UInt64(elements.count)))
                } else {
                    elements.append(.int(rng.next() % 2 == 0 ? 99 : Int(rng.next() % 9) + 1))
                }
                events[i].value = .array(elements)
            }
            let ops = try History(events: events).operations()
            let expected = bruteForceLinearizable(ops, model: PlainSetModel())
            #expect(try await BuiltInModel.set.check(ops).verdict == (expected ? .valid : .invalid), "seed \(seed)")
            if !expected { invalid += 1 }
        }
        #expect(invalid > 20)
    }

    /// 20,000 adds with a read every so often: checked in about linear time (quadratic before:
    /// 31.6 s for 16,766 operations of a real etcd-set run, 0.28 s now, `make bench` has figures).
    @Test func aLongSetHistoryIsDecided() async throws {
        let events = GeneratedHistories.sets(operations: 20_000, clients: 10, readRate: 500, infoRate: 0.01, seed: 9)
        let result = try await BuiltInModel.set.check(History(events: events).operations())
        #expect(result.verdict == .valid)
    }
}
