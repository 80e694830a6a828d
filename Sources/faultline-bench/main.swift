// Benchmarks of the history readers and the checker, in release mode:
//   swift run -c release faultline-bench [--testdata DIR] [--quick | --repeats N] [--shrink]
// Prints the figures the checker issue names, beside Porcupine's reference figures.
import Corpus
import Foundation
import History
import HistoryGenerators
import Linearizability

func time<T>(_ body: () throws -> T) rethrows -> (T, Double) {
    let start = ContinuousClock.now
    let value = try body()
    return (value, (ContinuousClock.now - start).inMilliseconds)
}

func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }

func peakMemoryMB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
    else { return 0 }
    return (Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
}

let args = CommandLine.arguments
let testdata = args.firstIndex(of: "--testdata").map { args[$0 + 1] } ?? "../shared/testdata"
let repeats = args.firstIndex(of: "--repeats").flatMap { Int(args[$0 + 1]) } ?? (args.contains("--quick") ? 1 : 3)
var failures = 0

func line(_ s: String) { print(s) }

// `--export-groups DIR` / `--groups DIR`: the side-by-side benchmark with Porcupine
// (scripts/bench-porcupine.sh): write the groups of histories, or time Faultline on them.
if let i = args.firstIndex(of: "--export-groups") {
    try PorcupineGroups.export(testdata: testdata, to: args[i + 1])
    exit(0)
}
if let i = args.firstIndex(of: "--groups") {
    try PorcupineGroups.check(args[i + 1], repeats: repeats)
    exit(0)
}

// `--shrink`: only the shrinking figure. The etcd logs of the corpus, checked with shrinking
// (the default) and with `--no-shrink`: the total of each, their ratio, and the history whose
// shrunk check is slowest, with both its times (median of `repeats` runs each).
if args.contains("--shrink") {
    guard let corpus = try? CorpusEntry.load(root: testdata) else {
        line("no corpus at \(testdata) (pass --testdata DIR)")
        exit(1)
    }
    let entries = corpus.filter { $0.set == "etcd" }
    let loaded = try entries.map { ($0, try $0.format.read(path: $0.path).operations()) }
    var withShrink = CheckOptions()
    withShrink.shrink = true
    var noShrink = CheckOptions()
    noShrink.shrink = false
    var shrinkMs: [String: Double] = [:]
    var plainMs: [String: Double] = [:]
    for (entry, ops) in loaded {
        for (options, into) in [(withShrink, true), (noShrink, false)] {
            var runs: [Double] = []
            for _ in 0..<repeats {
                let (result, ms) = try time { try entry.model.check(ops, initial: entry.initial, options: options) }
                if result.verdict != entry.expected {
                    failures += 1
                    line("MISMATCH \(entry.path): \(result.verdict), expected \(entry.expected)")
                }
                runs.append(ms)
            }
            if into { shrinkMs[entry.path] = median(runs) } else { plainMs[entry.path] = median(runs) }
        }
    }
    let totalShrink = shrinkMs.values.reduce(0, +)
    let totalPlain = plainMs.values.reduce(0, +)
    line(String(format: "etcd %d logs: %.1f ms with shrinking, %.1f ms --no-shrink (%.2fx; target < 3x)",
                loaded.count, totalShrink, totalPlain, totalShrink / max(totalPlain, 0.001)))
    if let (path, ms) = shrinkMs.max(by: { $0.value < $1.value }) {
        line(String(format: "  slowest: %@ %.1f ms with shrinking, %.1f ms --no-shrink",
                    (path as NSString).lastPathComponent, ms, plainMs[path] ?? 0))
    }
    exit(failures > 0 ? 1 : 0)
}

// 1. The shared corpus, per set: total and slowest files (median of `repeats` runs; reading
//    the files is not timed, as in Porcupine's figures).
if let corpus = try? CorpusEntry.load(root: testdata) {
    var options = CheckOptions()
    options.shrink = false
    for set in ["etcd", "kv", "knossos"] {
        let entries = corpus.filter { $0.set == set }
        let loaded = try entries.map { ($0, try $0.format.read(path: $0.path).operations()) }
        var perFile: [String: [Double]] = [:]
        var totals: [Double] = []
        for _ in 0..<repeats {
            var total = 0.0
            for (entry, ops) in loaded {
                let (result, ms) = try time { try entry.model.check(ops, initial: entry.initial, options: options) }
                if result.verdict != entry.expected {
                    failures += 1
                    line("MISMATCH \(entry.path): \(result.verdict), expected \(entry.expected)")
                }
                perFile[entry.path, default: []].append(ms)
                total += ms
            }
            totals.append(total)
        }
        let slowest = perFile.map { ($0.key, median($0.value)) }.sorted { $0.1 > $1.1 }.prefix(3)
        line(String(format: "corpus %-8@ %3d files  total %8.1f ms   slowest: %@", set as NSString, loaded.count, median(totals),
                    slowest.map { String(format: "%@ %.1f ms", ($0.0 as NSString).lastPathComponent, $0.1) }.joined(separator: ", ")))
    }
    line("  reference (Porcupine): etcd 60 files 642 ms in all, etcd_002 305 ms, etcd_007 204 ms, etcd_057 98 ms; kv ≤ 1.1 ms each")

    // 2. kv c10 as one unsplit map.
    var unsplit = CheckOptions()
    unsplit.split = false
    unsplit.shrink = false
    for name in ["c10-ok", "c10-bad"] {
        guard let entry = corpus.first(where: { $0.path.hasSuffix("kv/\(name).txt") }) else { continue }
        let ops = try entry.format.read(path: entry.path).operations()
        var runs: [Double] = []
        var verdict = Verdict.unknown
        for _ in 0..<repeats {
            let (r, ms) = try time { try entry.model.check(ops, initial: entry.initial, options: unsplit) }
            runs.append(ms)
            verdict = r.verdict
        }
        if verdict != entry.expected { failures += 1 }
        line(String(format: "kv %@ unsplit (one map)   %8.1f ms  %@", name, median(runs), verdict.rawValue))
    }
    line("  reference (Porcupine): c10 ok 3.5 s, c10 bad 4.3 s unsplit")
} else {
    line("no corpus at \(testdata) (pass --testdata DIR): skipping the corpus figures")
}

// 3. 1,000,000 events over 1,000 keys, written to a file, then read and checked end to end.
let path = FileManager.default.temporaryDirectory.appendingPathComponent("faultline-bench-1m.jsonl").path
try? FileManager.default.removeItem(atPath: path)
let writer = try JSONLWriter(path: path)
try GeneratedHistories.registers(operations: 500_000, keys: 1000, clients: 20, seed: 42) { try writer.write($0) }
try writer.close()
var endToEnd: [Double] = []
var readMs: [Double] = []
var lastResult: CheckResult?
for _ in 0..<repeats {
    let start = ContinuousClock.now
    let (ops, r) = try time { try JSONLHistory.read(path: path).operations() }
    readMs.append(r)
    lastResult = try BuiltInModel.casRegister.check(ops, initial: .int(0))
    endToEnd.append((ContinuousClock.now - start).inMilliseconds)
}
if lastResult?.verdict != .valid { failures += 1 }
line(String(format: "1M events / 1000 keys  read %.0f ms, read+check %.0f ms end to end, %@ (%d partitions)",
            median(readMs), median(endToEnd), lastResult?.verdict.rawValue ?? "-", lastResult?.partitions.count ?? 0))
line("  target < 3 s end to end (Porcupine checks it in 1.1 s once parsed)")
try? FileManager.default.removeItem(atPath: path)

// 4. 50 clients appending to few keys: every key decided.
for corrupt in [false, true] {
    let events = GeneratedHistories.appends(operations: 4000, keys: 4, clients: 50, corrupt: corrupt, seed: 7)
    let ops = try History(events: events).operations()
    var options = CheckOptions()
    options.timeout = .seconds(60)
    options.stopAtFirstInvalid = false
    options.shrink = false  // the search alone; shrinking has a budget of its own
    let (r, ms) = try time { try BuiltInModel.kv.check(ops, options: options) }
    if r.verdict != (corrupt ? .invalid : .valid) { failures += 1 }
    line(String(format: "50 clients append, 4 keys, %@: %@ in %.1f ms, %d/%d keys decided", corrupt ? "bad" : "ok",
                r.verdict.rawValue, ms, r.decidedPartitions, r.partitions.count))
}
line("  reference (Porcupine): the 50-client bad history leaves two keys undecided after 60 s and 12 GB each")

// 5. One set, unique adds by 10 clients, a read every ~500 operations, 1% of operations info.
for operations in [20_000, 100_000] {
    let events = GeneratedHistories.sets(operations: operations, clients: 10, readRate: 500, infoRate: 0.01, seed: 9)
    let ops = try History(events: events).operations()
    var options = CheckOptions()
    options.timeout = .seconds(60)
    let (r, ms) = try time { try BuiltInModel.set.check(ops, options: options) }
    if r.verdict != .valid { failures += 1 }
    line(String(format: "set, %d operations (adds, reads, 1%% info): %@ in %.1f ms", operations, r.verdict.rawValue, ms))
}
line("  before the persistent set state: 20,000 operations unknown after 60 s; a real etcd-set run of 16,766 took 31.6 s")

line(String(format: "peak memory %.0f MB", peakMemoryMB()))
if failures > 0 {
    line("\(failures) verdicts differ from the expected ones")
    exit(1)
}
