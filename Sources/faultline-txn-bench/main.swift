// Benchmark of the transactional checker, in release mode:
//   swift run -c release faultline-txn-bench [--transactions 100000] [--seed 1] [--stale-every 100]
// Generates a list-append history (50 clients, 10 keys in flight, seeded), checks it as
// generated and with one in 100 of the reads that could be stale made stale, and prints the time and the peak memory beside
// the issue's target (under 10 s on 2 cores, under 4 GB).
import Foundation
import History
import HistoryGenerators
import Transactions

func seconds<T>(_ body: () throws -> T) rethrows -> (T, Double) {
    let start = ContinuousClock.now
    let value = try body()
    let d = ContinuousClock.now - start
    return (value, Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
}

/// Peak resident memory of this process so far (getrusage's ru_maxrss, KiB on Linux), in MB.
func peakMB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

/// Drops the last element of every `every`-th ok read whose last element's appender completed
/// before the reader was invoked (a stale read); returns how many were changed.
func staleReads(_ h: inout History, every: Int) -> Int {
    var appendedAt: [Value: Int] = [:]
    var invokedAt: [ProcessID: Int] = [:]
    var candidates = 0, changed = 0
    for i in h.events.indices {
        let e = h.events[i]
        if e.type == .invoke { invokedAt[e.process] = i }
        guard e.type == .ok, var ops = e.value.array else { continue }
        for j in ops.indices {
            var p = ops[j].array!
            if p[0] == "append" { appendedAt[[p[1], p[2]]] = i }
            guard p[0] == "r", let list = p[2].array, let last = list.last, let done = appendedAt[[p[1], last]],
                done < invokedAt[e.process]!
            else { continue }
            candidates += 1
            if candidates % every == 0 {
                p[2] = .array(Array(list.dropLast()))
                ops[j] = .array(p)
                changed += 1
            }
        }
        h.events[i].value = .array(ops)
    }
    return changed
}

let args = CommandLine.arguments
func option(_ name: String, _ fallback: Int) -> Int {
    args.firstIndex(of: name).flatMap { Int(args[$0 + 1]) } ?? fallback
}
let count = option("--transactions", 100_000)
let seed = UInt64(option("--seed", 1))
let clients = 50, keys = 10

print("faultline-txn-bench: list-append, \(count) transactions, \(clients) clients, \(keys) keys in flight, seed \(seed)")
print("target (issue 20): checked in under 10 s on 2 cores, peak memory under 4 GB")
let (history, genTime) = seconds {
    TransactionalHistories.generate(
        .listAppend, transactions: count, clients: clients, keysInFlight: keys, writesPerKey: 32, maxLength: 4,
        outcomes: .init(fail: 0.01, infoApplied: 0.005, infoDropped: 0.005), seed: seed)
}
print(String(format: "generated %d events in %.2f s", history.events.count, genTime))

// Through the JSONL reader, as `faultline check` reads it.
let path = FileManager.default.temporaryDirectory.appendingPathComponent("faultline-txn-bench-\(getpid()).jsonl").path
var text = ""
text.reserveCapacity(history.events.count * 120)
for e in history.events { text += JSONLHistory.encode(e) + "\n" }
try text.write(toFile: path, atomically: false, encoding: .utf8)
text = ""
let (read, readTime) = try seconds { try JSONLHistory.read(path: path) }
try? FileManager.default.removeItem(atPath: path)
print(String(format: "read the JSONL history (%d events) in %.2f s", read.events.count, readTime))

var failures = 0
let (valid, validTime) = try seconds { try TransactionModel.listAppend.check(read) }
print(String(format: "check, as generated:   %.2f s  %@  %d anomalies  %d edges  peak memory %.0f MB",
             validTime, valid.verdict.rawValue, valid.anomalies.count, valid.edgeCounts.values.reduce(0, +), peakMB()))
if valid.verdict != .valid { failures += 1; print("  FAIL: a generated history must be valid") }

var stale = read
let changed = staleReads(&stale, every: option("--stale-every", 100))
let (invalid, invalidTime) = try seconds { try TransactionModel.listAppend.check(stale) }
let classes = invalid.counts.map { "\($0.0.rawValue) \($0.1)" }.joined(separator: ", ")
print(String(format: "check, %d stale reads: %.2f s  %@  %d cyclic components  anomalies: %@  peak memory %.0f MB",
             changed, invalidTime, invalid.verdict.rawValue, invalid.cyclicComponents, classes, peakMB()))
if invalid.verdict != .invalid { failures += 1; print("  FAIL: stale reads must be caught") }
do {
    let registers = TransactionalHistories.generate(
        .rwRegister, transactions: count, clients: clients, keysInFlight: keys, writesPerKey: 32, maxLength: 4,
        outcomes: .init(fail: 0.01, infoApplied: 0.005, infoDropped: 0.005), seed: seed)
    let (r, rTime) = try seconds { try TransactionModel.rwRegister.check(registers) }
    print(String(format: "check, rw-register as generated: %.2f s  %@  %d anomalies  %d edges  peak memory %.0f MB",
                 rTime, r.verdict.rawValue, r.anomalies.count, r.edgeCounts.values.reduce(0, +), peakMB()))
    if r.verdict != .valid { failures += 1; print("  FAIL: a generated history must be valid") }
}
if args.contains("--worst") {
    // Every read cut at a random length: a database that serves any old prefix.
    var worst = read
    var rng = SplitMix64(seed: seed)
    for i in worst.events.indices where worst.events[i].type == .ok {
        worst.events[i].value = .array(worst.events[i].value.array!.map { step in
            var p = step.array!
            if p[0] == "r", let list = p[2].array, !list.isEmpty { p[2] = .array(Array(list.prefix(Int(rng.next() % UInt64(list.count + 1))))) }
            return .array(p)
        })
    }
    let (w, wTime) = try seconds { try TransactionModel.listAppend.check(worst) }
    print(String(format: "check, every read an old prefix: %.2f s  %@  %d cyclic components  %d anomalies%@  peak memory %.0f MB",
                 wTime, w.verdict.rawValue, w.cyclicComponents, w.anomalies.count, w.incomplete.map { "  (\($0))" } ?? "", peakMB()))
}
let total = validTime
print(String(format: "result: %.2f s (target < 10 s), peak memory %.0f MB (target < 4096 MB): %@", total, peakMB(),
             total < 10 && peakMB() < 4096 && failures == 0 ? "within target" : "NOT within target"))
exit(failures == 0 ? 0 : 1)
