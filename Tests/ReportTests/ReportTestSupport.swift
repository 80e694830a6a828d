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

    /// A valid run of 2,000 operations during which the nemesis shrank 5 nodes to 3 and grew
    /// them back, recorded as the `membership` fault family records it.
    static func membershipRun(reports: String) throws -> RunStore {
        let client = RunFixtures.registerEvents(operations: 2_000)
        func nemesis(_ type: EventType, _ f: String, _ value: String, _ time: Int64) -> Event {
            Event(index: 0, type: type, process: .nemesis, f: f, value: .string(value), time: time)
        }
        let changes = [
            nemesis(.invoke, "membership", "membership n4,n5", 1_000_000_000),
            nemesis(.info, "membership", "n4 removed through n1, stopped, data wiped; n5 removed through n1, stopped, data wiped; "
                        + MembershipEvidence.text(["n1", "n2", "n3"]), 1_800_000_000),
            nemesis(.invoke, "heal-membership", "membership n4,n5", 4_000_000_000),
            nemesis(.info, "heal-membership", "n4 added through n1, started to join; "
                        + MembershipEvidence.text(["n1", "n2", "n3", "n4"]) + "; n5 added through n1, started to join; "
                        + MembershipEvidence.text(["n1", "n2", "n3", "n4", "n5"]), 5_500_000_000),
        ]
        var events = (client + changes).sorted { ($0.time ?? 0) < ($1.time ?? 0) }
        for i in events.indices { events[i].index = i }
        return try RunFixtures.store(reports: reports, specText: RunFixtures.specText(name: "fixture-membership"), events: events,
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
