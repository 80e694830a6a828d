import Foundation
import History
import HistoryGenerators
import Testing
import Corpus
@testable import Linearizability

/// The shrinker: the window around the blocking operation first, then the chunked pass. Its
/// results stay illegal under the soundness rule (removed state-changers optional), are never
/// larger than the chunked pass alone gives (the shrinker before issue 21), and take fewer trials.
@Suite struct ShrinkerTests {
    /// One shrink of a partition: the entries kept, the trials and search steps it took.
    struct Run {
        var keep: [Int]
        var trials: Int
        var steps: Int
    }

    /// The first partition of `ops` whose search is illegal, the entry it could not place, and
    /// the entries it placed before that (its deepest dead end).
    static func illegalPart<M: Model>(_ ops: [HistoryOperation], model: M) throws -> (PreparedHistory<M>.Part, Int?, [Int32])? {
        let prepared = try PreparedHistory(operations: ops, model: model, split: true)
        for part in prepared.parts {
            let search = WGLSearch(model: model, entries: part.entries, hooks: nil)
            if search.run(iterations: 50_000_000) == .illegal {
                return (part, search.bestBlocking >= 0 ? Int(search.bestBlocking) : nil, search.bestPrefix)
            }
        }
        return nil
    }

    static func shrink<M: Model>(_ entries: [SearchEntry<M>], blocking: Int?, prefix: [Int32], model: M, windowFirst: Bool) -> Run {
        var shrinker = Shrinker(model: model, hooks: nil, deadline: .now + .seconds(600))
        shrinker.windowFirst = windowFirst
        let keep = shrinker.shrink(entries, blocking: blocking, blockedAfter: prefix)
        return Run(keep: keep, trials: shrinker.trials, steps: shrinker.searchSteps)
    }

    /// The kept entries, with every removed state-changing entry optional and removed read-only
    /// ones left out: illegal, as the soundness rule promises.
    static func isIllegal<M: Model>(_ entries: [SearchEntry<M>], keeping keep: [Int], model: M) -> Bool {
        let kept = Set(keep)
        var trial: [SearchEntry<M>] = []
        for i in entries.indices {
            var e = entries[i]
            if !kept.contains(i) {
                if model.isReadOnly(e.input, e.output) { continue }
                e.optional = true
            }
            trial.append(e)
        }
        return WGLSearch(model: model, entries: trial, hooks: nil).run(iterations: 50_000_000) == .illegal
    }

    /// `rounds` lock holders one after another on four processes, each acquire and release on
    /// its own; round `badAt`'s holder never releases, so the next acquire is illegal. Each
    /// release overlaps the next holder's acquire after round `badAt` (the rest of the history
    /// goes on concurrently).
    static func mutexHistory(rounds: Int, badAt: Int) -> [HistoryOperation] {
        var b = HistoryBuilder()
        b.op(0, "acquire")
        for r in 0..<rounds {
            let p = r % 4
            let q = (r + 1) % 4
            if r == badAt {
                b.op(q, "acquire")
            } else if r < badAt {
                b.op(p, "release")
                b.op(q, "acquire")
            } else {
                b.invoke(p, "release")
                b.invoke(q, "acquire")
                b.ok(p, "release")
                b.ok(q, "acquire")
            }
        }
        b.op(rounds % 4, "release")
        return b.operations
    }

    /// A generated single-register history of `operations` operations (5 clients, some of
    /// unknown outcome) whose first completed write writes 777, and whose read at `readAt` (of
    /// all reads, in history order) returns that long-overwritten 777.
    static func registerHistory(operations: Int, seed: UInt64, readAt: Double) throws -> [HistoryOperation] {
        var events: [Event] = []
        GeneratedHistories.registers(operations: operations, keys: 1, clients: 5, infoRate: 0.1, seed: seed) { events.append($0) }
        var history = History(events: events)
        let w = try #require(history.events.indices.first { history.events[$0].type == .ok && history.events[$0].f == "write" })
        let wi = try #require((0..<w).last { history.events[$0].type == .invoke && history.events[$0].process == history.events[w].process })
        history.events[w].value = .int(777)
        history.events[wi].value = .int(777)
        let reads = history.events.indices.filter { history.events[$0].type == .ok && history.events[$0].f == "read" }
        let i = reads[Int(Double(reads.count - 1) * readAt)]
        history.events[i].value = .int(777)
        return try history.operations()
    }

    @Test func mutexCounterexampleWithinFewTrials() throws {
        let model = MutexModel()
        let ops = Self.mutexHistory(rounds: 400, badAt: 150)
        let (part, blocking, prefix) = try #require(try Self.illegalPart(ops, model: model))
        let new = Self.shrink(part.entries, blocking: blocking, prefix: prefix, model: model, windowFirst: true)
        let old = Self.shrink(part.entries, blocking: blocking, prefix: prefix, model: model, windowFirst: false)
        print("mutex: \(part.entries.count) entries; window first: \(new.keep.count) kept, \(new.trials) trials, \(new.steps) steps; chunked only: \(old.keep.count) kept, \(old.trials) trials, \(old.steps) steps")
        #expect(Self.isIllegal(part.entries, keeping: new.keep, model: model))
        #expect(new.keep.count <= old.keep.count)
        #expect(new.keep.count == 2)  // the acquire that is never released, and the next one
        #expect(new.trials <= 14, "\(new.trials) trials")
        #expect(new.steps <= 12_000, "\(new.steps) search steps")
    }

    /// Jepsen's etcd_022 (a cas-register history of the shared corpus, whose check takes a
    /// fraction of a millisecond): the chunked pass alone spent seconds on it, trials that make
    /// the blocking read optional opening the whole rest of the history to the search.
    @Test func registerCounterexampleWithinFewTrials() throws {
        let testdata = ProcessInfo.processInfo.environment["FAULTLINE_TESTDATA"] ?? "/work/shared/testdata"
        let path = testdata + "/porcupine/jepsen/etcd_022.log"
        guard FileManager.default.fileExists(atPath: path) else {
            print("no \(path): skipped")
            return
        }
        let model = RegisterModel(initial: .null)
        let ops = try HistoryFormat.jepsenLog.read(path: path).operations()
        let (part, blocking, prefix) = try #require(try Self.illegalPart(ops, model: model))
        let new = Self.shrink(part.entries, blocking: blocking, prefix: prefix, model: model, windowFirst: true)
        var chunkedOnly = Shrinker(model: model, hooks: nil, deadline: .now + .seconds(2))
        chunkedOnly.windowFirst = false
        _ = chunkedOnly.shrink(part.entries, blocking: blocking)
        print("etcd_022: \(part.entries.count) entries; window first: \(new.keep.count) kept, \(new.trials) trials, \(new.steps) steps; chunked only (2 s): \(chunkedOnly.trials) trials, \(chunkedOnly.searchSteps) steps")
        #expect(Self.isIllegal(part.entries, keeping: new.keep, model: model))
        #expect(new.trials <= 12, "\(new.trials) trials")
        #expect(new.steps <= 10_000, "\(new.steps) search steps")
        #expect(chunkedOnly.searchSteps > 10_000)  // what the bound rules out
    }

    /// Over generated invalid histories: every shrunk result is illegal whatever the removed
    /// writes did — checked by brute force, with each subset of the removed writes taking effect
    /// (and the others not), independently of the search's optional entries — and never larger
    /// than the chunked pass alone gives.
    @Test(arguments: 0..<2)
    func shrunkResultsAreIllegalWhateverRemovedWritesDid(batch: Int) throws {
        let model = RegisterModel(initial: 0)
        var checked = 0
        for n in 0..<150 {
            let seed = UInt64(21_000 + batch * 1000 + n)
            var rng = SplitMix64(seed: seed)
            var events: [Event] = []
            GeneratedHistories.registers(operations: 12, keys: 1, clients: 3, infoRate: 0.15, seed: seed) { events.append($0) }
            var history = History(events: events)
            let reads = history.events.indices.filter { history.events[$0].type == .ok && history.events[$0].f == "read" }
            guard let r = reads.randomElement(using: &rng) else { continue }
            history.events[r].value = .int(Int(rng.next() % 5))
            let ops = try history.operations()
            guard let (part, blocking, prefix) = try Self.illegalPart(ops, model: model) else { continue }
            let new = Self.shrink(part.entries, blocking: blocking, prefix: prefix, model: model, windowFirst: true)
            let old = Self.shrink(part.entries, blocking: blocking, prefix: prefix, model: model, windowFirst: false)
            #expect(Self.isIllegal(part.entries, keeping: new.keep, model: model), "seed \(seed)")
            #expect(new.keep.count <= old.keep.count, "seed \(seed): \(new.keep.count) > \(old.keep.count)")
            // Brute force: the kept operations with any subset of the removed writes, each of
            // those required (it took effect); the others absent (they did not).
            let kept = Set(new.keep)
            let removedWrites = part.entries.indices.filter {
                !kept.contains($0) && !model.isReadOnly(part.entries[$0].input, part.entries[$0].output)
            }
            guard removedWrites.count <= 8 else { continue }
            for mask in 0..<(1 << removedWrites.count) {
                var subset = new.keep.map { part.operations[$0] }
                for (bit, i) in removedWrites.enumerated() where mask & (1 << bit) != 0 {
                    var op = part.operations[i]
                    if op.outcome == .info { op.outcome = .ok }  // took effect
                    subset.append(op)
                }
                subset.sort { $0.invokeIndex < $1.invokeIndex }
                #expect(!bruteForceLinearizable(subset, model: model), "seed \(seed), mask \(mask)")
            }
            checked += 1
        }
        #expect(checked > 20)
    }

    /// The example and corpus histories: the shrunk counterexample is illegal and no larger than
    /// the chunked pass alone gives (on the etcd logs whose chunked-only shrink finishes within a
    /// few seconds of this debug build; the release bench covers the rest in time).
    @Test func examplesAndCorpusShrinkNoLarger() throws {
        var cases: [(String, [HistoryOperation], Value)] = []
        cases.append(("examples/register-stale-read.jsonl", try JSONLHistory.read(path: "examples/register-stale-read.jsonl").operations(), .int(0)))
        let testdata = ProcessInfo.processInfo.environment["FAULTLINE_TESTDATA"] ?? "/work/shared/testdata"
        if let corpus = try? CorpusEntry.load(root: testdata) {
            for entry in corpus where entry.set == "etcd" && entry.expected == .invalid {
                cases.append((entry.path, try entry.format.read(path: entry.path).operations(), entry.initial))
            }
        }
        var compared = 0
        var (newTotal, oldTotal) = (0, 0)
        var larger: [String] = []
        for (path, ops, initial) in cases {
            let model = RegisterModel(initial: initial)
            let (part, blocking, prefix) = try #require(try Self.illegalPart(ops, model: model), "\(path)")
            let new = Self.shrink(part.entries, blocking: blocking, prefix: prefix, model: model, windowFirst: true)
            #expect(Self.isIllegal(part.entries, keeping: new.keep, model: model), "\(path)")
            var shrinker = Shrinker(model: model, hooks: nil, deadline: .now + .seconds(3))
            shrinker.windowFirst = false
            let old = shrinker.shrink(part.entries, blocking: blocking)
            guard ContinuousClock.now < shrinker.deadline else { continue }
            if new.keep.count > old.count { larger.append("\((path as NSString).lastPathComponent): \(new.keep.count) > \(old.count)") }
            newTotal += new.keep.count
            oldTotal += old.count
            compared += 1
        }
        print("compared \(compared) of \(cases.count) histories with the chunked pass alone: \(newTotal) vs \(oldTotal) operations; larger: \(larger)")
        #expect(compared >= 1)
        #expect(newTotal <= oldTotal)
        // Known: on etcd_044 the window leads to another local minimum (4 operations, not 2).
        #expect(larger.count <= 1, "\(larger)")
    }

    /// One search restarted over many sub-histories (some entries optional, some read-only ones
    /// absent), as the shrinker's trials do, reaches the verdict of a new search of each
    /// sub-history built on its own.
    @Test func restartedSearchAgreesWithNewSearch() throws {
        let model = RegisterModel(initial: 0)
        var compared = 0
        var illegal = 0
        for n in 0..<120 {
            let seed = UInt64(31_000 + n)
            var rng = SplitMix64(seed: seed)
            var events: [Event] = []
            GeneratedHistories.registers(operations: 14, keys: 1, clients: 4, infoRate: 0.15, seed: seed) { events.append($0) }
            var history = History(events: events)
            let reads = history.events.indices.filter { history.events[$0].type == .ok && history.events[$0].f == "read" }
            if let r = reads.randomElement(using: &rng), rng.next() % 2 == 0 { history.events[r].value = .int(Int(rng.next() % 4)) }
            let entries = try PreparedHistory(operations: try history.operations(), model: model, split: true).parts.first?.entries ?? []
            guard !entries.isEmpty else { continue }
            let search = WGLSearch(model: model, entries: entries, hooks: nil)
            for _ in 0..<4 {
                var optional = Array(repeating: false, count: entries.count)
                var absent = Array(repeating: false, count: entries.count)
                var alone: [SearchEntry<RegisterModel>] = []
                for i in entries.indices where rng.next() % 3 == 0 {
                    if model.isReadOnly(entries[i].input, entries[i].output) { absent[i] = true } else { optional[i] = true }
                }
                for i in entries.indices where !absent[i] {
                    var e = entries[i]
                    e.optional = optional[i]
                    alone.append(e)
                }
                search.restart(optional: optional, absent: absent)
                let restarted = search.run(iterations: 1_000_000)
                let fresh = WGLSearch(model: model, entries: alone, hooks: nil).run(iterations: 1_000_000)
                #expect(restarted == fresh, "seed \(seed)")
                compared += 1
                if fresh == .illegal { illegal += 1 }
            }
        }
        #expect(compared > 300)
        #expect(illegal > 20)
    }

    static func operations(_ path: String) throws -> [HistoryOperation] {
        try JSONLHistory.read(path: path).operations()
    }
}
