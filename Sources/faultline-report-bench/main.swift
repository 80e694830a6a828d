import Foundation
import History
import Report
import RunFixtures
import RunRecord

// Renders the report of a generated 100,000-operation run (faults, leader samples, and an
// invalid counterexample) and prints how long it took and how big the page is.
let operations = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 100_000
// A second argument keeps the run in that reports folder (to open the page); else a temporary one.
let kept = CommandLine.arguments.dropFirst(2).first
let reports = kept ?? FileManager.default.temporaryDirectory.appendingPathComponent("faultline-report-bench-\(getpid())").path
defer { if kept == nil { try? FileManager.default.removeItem(atPath: reports) } }

let events = RunFixtures.registerEvents(operations: operations, keys: 200, stepNanos: 600_000, faultEvery: 16_000, invalid: true)
let setUp = ContinuousClock.now
let store = try RunFixtures.store(reports: reports, specText: RunFixtures.specText(name: "bench-report"), events: events,
                                  leaders: RunFixtures.leaderLines(events: events))
print("faultline-report-bench: \(operations) operations, \(events.count) events; generated, checked and stored in \(ContinuousClock.now - setUp)")

let start = ContinuousClock.now
let path = try ReportWriter.writeRun(directory: store.directory)
let seconds = (ContinuousClock.now - start).inMilliseconds / 1000
let bytes = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
let check = try ResultsFile.read(path: store.resultsPath).check
print(String(format: "faultline-report-bench: render %.2f s (target < 5 s), report.html %.2f MB (target < 15 MB)", seconds, Double(bytes) / 1e6))
if kept != nil { print("faultline-report-bench: \(path)") }
print("faultline-report-bench: verdict \(check.verdict.rawValue) (the history has a read nobody wrote), counterexample of \(check.counterexample?.operations.count ?? 0) operations, \(check.counterexample?.linearization?.count ?? 0) steps")
