import Corpus
import Foundation
import History
import HistoryGenerators
import Linearizability

/// The groups of histories `make bench-porcupine` checks with Faultline and with Porcupine side
/// by side: each a folder `<group>/` holding `model` (`register <initial>` or `kv`),
/// `expected.tsv` (file, valid|invalid) and the histories as JSONL, so both checkers read the
/// very same operations. `export` writes them; `check` times Faultline on them.
enum PorcupineGroups {
    struct Group {
        var name: String
        var model: BuiltInModel
        var initial: Value
        typealias History = (name: String, events: [Event], expected: Verdict)
        var histories: [History]
    }

    /// The public corpora (etcd logs, Porcupine's kv logs, Knossos's EDN) and generated groups of
    /// the shapes the checker issue names: invalid registers with many crashed (`info`)
    /// operations, and many keys of which one is illegal early.
    static func groups(testdata: String) throws -> [Group] {
        var groups: [Group] = []
        let corpus = (try? CorpusEntry.load(root: testdata)) ?? []
        for set in ["etcd", "kv", "knossos"] {
            let entries = corpus.filter { $0.set == set }
            guard let first = entries.first else { continue }
            groups.append(Group(name: set, model: first.model, initial: first.initial, histories: try entries.map {
                ((($0.path as NSString).lastPathComponent as NSString).deletingPathExtension, try $0.format.read(path: $0.path).events, $0.expected)
            }))
        }
        // Registers, one key, 10 clients, 5 % of 150 operations crashed; one ok read late in the
        // history returns a value never written, so the search must exhaust what comes before.
        groups.append(Group(name: "gen-invalid-info", model: .casRegister, initial: .int(0), histories: (1...10).map { seed in
            var events: [Event] = []
            GeneratedHistories.registers(operations: 150, keys: 1, clients: 10, infoRate: 0.05, seed: UInt64(seed)) { events.append($0) }
            let reads = events.indices.filter { events[$0].type == .ok && events[$0].f == "read" }
            if let i = reads.dropLast(reads.count / 5).last { events[i].value = .int(99) }
            return ("invalid-info-\(seed)", events, .invalid)
        }))
        // The same without the corruption: valid with many crashed operations.
        groups.append(Group(name: "gen-valid-info", model: .casRegister, initial: .int(0), histories: (1...10).map { seed in
            var events: [Event] = []
            GeneratedHistories.registers(operations: 150, keys: 1, clients: 10, infoRate: 0.05, seed: UInt64(seed)) { events.append($0) }
            return ("valid-info-\(seed)", events, .valid)
        }))
        // 200 keys, 20 clients; one read of one key early in the history is impossible.
        groups.append(Group(name: "gen-multikey-one-illegal", model: .casRegister, initial: .int(0), histories: (1...12).map { seed in
            var events: [Event] = []
            GeneratedHistories.registers(operations: 20_000, keys: 200, clients: 20, infoRate: 0.02, seed: UInt64(100 + seed)) { events.append($0) }
            let reads = events.indices.filter { events[$0].type == .ok && events[$0].f == "read" }
            if let i = reads.dropFirst(reads.count / 10).first { events[i].value = .int(99) }
            return ("multikey-\(seed)", events, .invalid)
        }))
        // 50 clients appending to 4 keys (Porcupine's kv shape), valid.
        groups.append(Group(name: "gen-kv-50-clients", model: .kv, initial: .string(""), histories: (1...3).map { seed in
            ("kv50-\(seed)", GeneratedHistories.appends(operations: 1500, keys: 4, clients: 50, corrupt: false, seed: UInt64(seed)), .valid)
        }))
        // The held-out shape: many clients appending to a few keys, one get corrupted (the last
        // two appends it saw swapped). Seeds where the swap is still linearizable are skipped.
        groups.append(Group(name: "gen-kv-50-clients-bad", model: .kv, initial: .string(""), histories: try (1...12).compactMap { seed -> Group.History? in
            let events = GeneratedHistories.appends(operations: 1000, keys: 8, clients: 50, corrupt: true, seed: UInt64(seed))
            return try isInvalid(events, .kv, .string("")) ? ("kv50-bad-\(seed)", events, .invalid) : nil
        }.prefix(4).map { $0 }))
        // Registers with crashed operations and one late read of a value that was written, but is
        // stale where it was read: no value the model cannot produce gives it away.
        groups.append(Group(name: "gen-invalid-info-stale", model: .casRegister, initial: .int(0), histories: try (1...40).compactMap { seed -> Group.History? in
            var events: [Event] = []
            GeneratedHistories.registers(operations: 150, keys: 1, clients: 10, infoRate: 0.05, seed: UInt64(500 + seed)) { events.append($0) }
            let reads = events.indices.filter { events[$0].type == .ok && events[$0].f == "read" }
            guard let i = reads.dropLast(reads.count / 5).last, let v = events[i].value.int else { return nil }
            events[i].value = .int((v + 1) % 5)
            return try isInvalid(events, .casRegister, .int(0)) ? ("invalid-stale-\(seed)", events, .invalid) : nil
        }.prefix(10).map { $0 }))
        // 1,000,000 events over 1,000 keys, valid.
        var big: [Event] = []
        GeneratedHistories.registers(operations: 500_000, keys: 1000, clients: 20, seed: 42) { big.append($0) }
        groups.append(Group(name: "gen-1m-events", model: .casRegister, initial: .int(0), histories: [("registers-1m", big, .valid)]))
        return groups
    }

    /// Whether Faultline finds `events` not linearizable (to keep only corrupted histories that
    /// are; Porcupine checks the same verdict in the bench).
    private static func isInvalid(_ events: [Event], _ model: BuiltInModel, _ initial: Value) throws -> Bool {
        var options = CheckOptions()
        options.shrink = false
        return try model.check(History(events: events).operations(), initial: initial, options: options).verdict == .invalid
    }

    /// Writes every group under `directory`.
    static func export(testdata: String, to directory: String) throws {
        for group in try groups(testdata: testdata) {
            let folder = (directory as NSString).appendingPathComponent(group.name)
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let model = group.model == .kv ? "kv" : "register \(group.initial == .null ? "null" : "\(group.initial)")"
            try (model + "\n").write(toFile: folder + "/model", atomically: true, encoding: .utf8)
            var expected = ""
            for history in group.histories {
                let writer = try JSONLWriter(path: folder + "/\(history.name).jsonl")
                for event in history.events { try writer.write(event) }
                try writer.close()
                expected += "\(history.name).jsonl\t\(history.expected == .valid ? "valid" : "invalid")\n"
            }
            try expected.write(toFile: folder + "/expected.tsv", atomically: true, encoding: .utf8)
        }
    }

    /// How many passes over a group are timed: `repeats`, but a group whose first pass took under
    /// 20 ms gets as many as fit in about 200 ms (at most 101), so that a millisecond group's
    /// median is not one pass that a busy machine or a warming runtime happened to slow.
    /// bench/porcupine/main.go applies the same rule to Porcupine.
    static func passes(repeats: Int, firstPassMs: Double) -> Int {
        guard firstPassMs < 20 else { return repeats }
        return max(repeats, min(101, Int(200 / max(firstPassMs, 0.01))))
    }

    /// Checks every group under `directory` as exported (reading not timed; no shrinking, as
    /// Porcupine builds no counterexample), printing `group <name> <files> <median ms> <mismatches>` (see `passes`).
    static func check(_ directory: String, repeats: Int) throws {
        let folders = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        var options = CheckOptions()
        options.shrink = false
        for name in folders {
            let folder = (directory as NSString).appendingPathComponent(name)
            guard let model = try? String(contentsOfFile: folder + "/model", encoding: .utf8) else { continue }
            let words = model.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            let builtIn: BuiltInModel = words.first == "kv" ? .kv : .casRegister
            let initial: Value = words.first == "kv" ? .string("") : (words.count > 1 && words[1] != "null" ? Int(words[1]).map(Value.int) ?? .string(words[1]) : .null)
            let expected = Dictionary(uniqueKeysWithValues: try String(contentsOfFile: folder + "/expected.tsv", encoding: .utf8)
                .split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }.map { ($0[0], $0[1] == "valid" ? Verdict.valid : .invalid) })
            let histories = try expected.keys.sorted().map { file in
                (file, try JSONLHistory.read(path: folder + "/" + file).operations())
            }
            var totals: [Double] = []
            var mismatches = 0
            var r = 0
            var passes = repeats
            while r < passes {
                defer { r += 1 }
                var total = 0.0
                for (file, ops) in histories {
                    let (result, ms) = try time { try builtIn.check(ops, initial: initial, options: options) }
                    total += ms
                    if r == 0 && result.verdict != expected[file] {
                        mismatches += 1
                        FileHandle.standardError.write(Data("faultline: \(name)/\(file): \(result.verdict), expected \(expected[file]!)\n".utf8))
                    }
                }
                totals.append(total)
                if r == 0 { passes = Self.passes(repeats: repeats, firstPassMs: total) }
            }
            print(String(format: "group %@ %d %.2f %d", name as NSString, histories.count, median(totals), mismatches))
        }
    }
}
