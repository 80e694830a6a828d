import History
import HistoryGenerators
import Testing
@testable import Linearizability

/// How a history is cut into parts (`PreparedHistory`), and the kv model's byte prefix test:
/// both were rewritten for speed and must say exactly what the plain versions said.
@Suite struct PartitioningTests {
    /// The parts as the plain version made them: keys by `==` (a dictionary), in order of first
    /// appearance, each with the indices of its operations that are not failed.
    static func plainParts(_ ops: [HistoryOperation]) -> [(key: Value?, indices: [Int])] {
        var index: [Value?: Int] = [:]
        var parts: [(key: Value?, indices: [Int])] = []
        for (k, op) in ops.enumerated() where op.outcome != .fail {
            if let p = index[op.key] {
                parts[p].indices.append(k)
            } else {
                index[op.key] = parts.count
                parts.append((op.key, [k]))
            }
        }
        return parts
    }

    static func check(_ b: HistoryBuilder) throws {
        let ops = b.operations
        let prepared = try PreparedHistory(operations: ops, model: RegisterModel(initial: 0), split: true)
        let plain = plainParts(ops)
        #expect(prepared.parts.map(\.key) == plain.map(\.key))
        #expect(prepared.parts.map(\.indices) == plain.map(\.indices))
        for part in prepared.parts {
            #expect(part.entries.map(\.operationID) == part.indices.map { ops[$0].id })
        }
    }

    /// Many keys of every kind (enough to grow the table several times), repeated in a shuffled
    /// order, with no key, and failed operations among them.
    @Test func partsAreThoseOfADictionaryInOrderOfFirstAppearance() throws {
        var rng = SplitMix64(seed: 30)
        var keys: [Value?] = [nil, .null, .bool(true), .bool(false), .array([.int(1)]), .array([.string("1")])]
        keys += (0..<60).map { Value.int($0) } + (0..<60).map { Value.string("k\($0)") } + [.string(""), .string("é")]
        var b = HistoryBuilder()
        for n in 0..<1500 {
            let key = keys[Int(rng.next() % UInt64(keys.count))]
            if n % 7 == 3 {
                b.invoke(0, "write", 1, key: key)
                b.fail(0, "write", 1, key: key)
            } else {
                b.op(n % 5, "write", .int(n), key: key)
            }
        }
        try Self.check(b)
    }

    /// Strings equal by `==` but not byte for byte (canonically equivalent, one of them ASCII:
    /// the Kelvin sign is K) are one key, as they were in the dictionary, in either order.
    @Test func canonicallyEqualKeysAreOnePart() throws {
        for keys: [Value] in [[.string("K"), .string("\u{212A}")], [.string("\u{212A}"), .string("K")],
                              [.string("é"), .string("e\u{301}"), .string("a")]] {
            var b = HistoryBuilder()
            for (n, key) in (keys + keys).enumerated() { b.op(n % 3, "write", .int(n), key: key) }
            let prepared = try PreparedHistory(operations: b.operations, model: RegisterModel(initial: 0), split: true)
            #expect(prepared.parts.count == Set(keys).count)
            try Self.check(b)
        }
    }

    /// A key all of whose operations the model leaves out (unknown reads) gets no part.
    @Test func aKeyWithNothingToCheckHasNoPart() throws {
        var b = HistoryBuilder()
        b.op(0, "write", 1, key: "a")
        b.invoke(1, "read", key: "b")
        b.info(1, "read", key: "b")
        b.op(2, "read", .null, 1, key: "a")
        let prepared = try PreparedHistory(operations: b.operations, model: RegisterModel(initial: 0), split: true)
        #expect(prepared.parts.map(\.key) == [.string("a")])
    }

    /// One search loaded with partition after partition (as a worker thread does) searches each
    /// exactly as a fresh search would: same answer, same steps, same nodes, same dead end. Over
    /// registers with crashed operations (the pending list and its subsumption) and corrupted
    /// reads (illegal parts), and over kv appends with the monotone hooks; part sizes and memo
    /// shapes change from one to the next.
    @Test func aLoadedSearchSearchesAsAFreshOne() throws {
        func compare<M: Model>(_ parts: [[SearchEntry<M>]], _ model: M, _ hooks: MonotoneHooks<M>?) -> (Int, Int) {
            var reused: WGLSearch<M>?
            var illegal = 0
            for entries in parts {
                let fresh = WGLSearch(model: model, entries: entries, hooks: hooks)
                let loaded = reused ?? WGLSearch(model: model, entries: [], hooks: hooks)
                loaded.load(entries)
                reused = loaded
                let a = fresh.run(iterations: 2_000_000), b = loaded.run(iterations: 2_000_000)
                #expect(a == b)
                #expect(fresh.iterationsDone == loaded.iterationsDone)
                #expect(fresh.memo.count == loaded.memo.count)
                #expect(fresh.bestPrefix == loaded.bestPrefix)
                #expect(fresh.bestBlocking == loaded.bestBlocking)
                if a == .linearizable { #expect(fresh.linearization == loaded.linearization) }
                if a == .illegal { illegal += 1 }
            }
            return (parts.count, illegal)
        }
        var registerParts: [[SearchEntry<RegisterModel>]] = []
        for seed in 0..<12 as Range<UInt64> {
            var events: [Event] = []
            GeneratedHistories.registers(operations: 40 + Int(seed) * 25, keys: 1 + Int(seed % 4), clients: 4,
                                         infoRate: 0.25, seed: seed) { events.append($0) }
            var rng = SplitMix64(seed: seed)
            let reads = events.indices.filter { events[$0].type == .ok && events[$0].f == "read" }
            if seed % 2 == 1, let i = reads.randomElement(using: &rng) { events[i].value = .int(Int(rng.next() % 4)) }
            let ops = try History(events: events).operations()
            registerParts += try PreparedHistory(operations: ops, model: RegisterModel(initial: 0), split: true).parts.map(\.entries)
        }
        let (registers, illegalRegisters) = compare(registerParts, RegisterModel(initial: 0), nil)
        #expect(registers > 20)
        #expect(illegalRegisters > 0)
        var kvParts: [[SearchEntry<KVModel>]] = []
        for seed in 0..<6 as Range<UInt64> {
            let events = GeneratedHistories.appends(operations: 60 + Int(seed) * 40, keys: 3, clients: 6, corrupt: seed % 2 == 1, seed: seed)
            kvParts += try PreparedHistory(operations: try History(events: events).operations(), model: KVModel(), split: true).parts.map(\.entries)
        }
        let (kv, _) = compare(kvParts, KVModel(), MonotoneHooks(KVModel()))
        #expect(kv > 10)
    }

    /// `KVModel.utf8(of:at:startsWith:)` against `dropFirst(offset).starts(with:)` over the UTF-8
    /// views, with offsets past the end, empty strings and strings that are not ASCII.
    @Test func bytePrefixAgreesWithTheUTF8Views() {
        let pieces = ["", "a", "b", "ab", "x 1 y", "é", "\u{212A}", "日本"]
        var rng = SplitMix64(seed: 7)
        var agreed = 0
        var matched = 0
        for _ in 0..<3000 {
            let whole = (0..<Int(rng.next() % 5)).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined()
            let offset = Int(rng.next() % UInt64(whole.utf8.count + 3))
            // Half of the time the bytes found there (cut anywhere: a cut inside a character
            // decodes to a replacement character, which does not match).
            let part = rng.next() % 2 == 0
                ? String(decoding: whole.utf8.dropFirst(offset).prefix(Int(rng.next() % 6)), as: UTF8.self)
                : (0..<Int(rng.next() % 3)).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined()
            let expected = whole.utf8.dropFirst(offset).starts(with: part.utf8)
            #expect(KVModel.utf8(of: whole, at: offset, startsWith: part) == expected, "\(whole) \(offset) \(part)")
            agreed += 1
            if expected && !part.isEmpty { matched += 1 }
        }
        #expect(agreed == 3000)
        #expect(matched > 250)
    }
}
