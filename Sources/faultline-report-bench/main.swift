import Foundation
import History
import Report
import RunFixtures

// Renders the report of a generated 100,000-operation run (faults, leader samples, and an
// invalid counterexample) and prints how long it took and how big the page is.
let operations = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 100_000
let reports = FileManager.default.temporaryDirectory.appendingPathComponent("faultline-report-bench-\(getpid())").path
defer { try? FileManager.default.removeItem(atPath: reports) }

let events = RunFixtures.registerEvents(operations: operations, stepNanos: 600_000, faultEvery: 16_000, invalid: true)
let setUp = ContinuousClock.now
let store = try RunFixtures.store(reports: reports, specText: RunFixtures.specText(name: "bench-report"), events: events,
                                  leaders: RunFixtures.leaderLines(events: events))
print("faultline-report-bench: \(operations) operations, \(events.count) events; generated, checked and stored in \(ContinuousClock.now - setUp)")

let start = ContinuousClock.now
let path = try ReportWriter.writeRun(directory: store.directory)
let seconds = (ContinuousClock.now - start).inMilliseconds / 1000
let bytes = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
let results = try String(contentsOfFile: store.resultsPath, encoding: .utf8)
print(String(format: "faultline-report-bench: render %.2f s (target < 5 s), report.html %.2f MB (target < 15 MB)", seconds, Double(bytes) / 1e6))
print("faultline-report-bench: verdict \(results.contains("\"verdict\" : \"invalid\"") ? "invalid" : "not invalid") (the history has a read nobody wrote)")
