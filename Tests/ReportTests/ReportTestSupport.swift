import Foundation
import History
@testable import Report
import RunFixtures
import RunRecord

/// Temporary reports folders and stored fixture runs for the report's tests.
enum ReportTestSupport {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path

    static func temporaryReports() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("faultline-report-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// A valid run of 2,000 operations with faults and leader samples.
    static func validRun(reports: String) throws -> RunStore {
        let events = RunFixtures.registerEvents(operations: 2_000, faultEvery: 800)
        return try RunFixtures.store(reports: reports, specText: RunFixtures.specText(name: "fixture-valid"), events: events,
                                     leaders: RunFixtures.leaderLines(events: events))
    }

    /// An invalid run of 2,000 operations (one read returns a value nobody wrote), with faults.
    static func invalidRun(reports: String) throws -> RunStore {
        let events = RunFixtures.registerEvents(operations: 2_000, faultEvery: 800, invalid: true)
        return try RunFixtures.store(reports: reports, specText: RunFixtures.specText(name: "fixture-invalid"), events: events,
                                     leaders: RunFixtures.leaderLines(events: events))
    }

    static let setUpFailure = "set-up failed: n2 (10.77.0.3:22): connection refused"

    /// A run whose set-up failed: no operations, no leader samples, no node logs.
    static func failedRun(reports: String) throws -> RunStore {
        try RunFixtures.store(reports: reports, specText: RunFixtures.specText(name: "fixture-failed"), events: [],
                              logs: [:], versions: [:], failure: setUpFailure)
    }

    static func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    /// How many times `needle` occurs in `text`.
    static func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

    /// The text of the element with `id` up to the next `<` (a number or word shown in it).
    static func elementText(id: String, in html: String) -> String? {
        guard let r = html.range(of: "id=\"\(id)\">") else { return nil }
        return String(html[r.upperBound...].prefix { $0 != "<" })
    }
}
