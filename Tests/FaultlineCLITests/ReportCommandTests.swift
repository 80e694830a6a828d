import Foundation
import RunFixtures
import Testing

/// `faultline report RUN_DIR` as a user runs it.
@Suite struct ReportCommandTests {
    static func temporaryReports() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("faultline-cli-report-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func rendersTheReportJUnitAndIndexFromStoredFiles() throws {
        let reports = try Self.temporaryReports()
        defer { try? FileManager.default.removeItem(atPath: reports) }
        let events = RunFixtures.registerEvents(operations: 300, faultEvery: 200, invalid: true)
        let store = try RunFixtures.store(reports: reports, specText: RunFixtures.specText(name: "cli-report"), events: events)
        let r = try CheckCommandTests.faultline(["report", store.directory])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("\(store.directory)/report.html"))
        let html = try String(contentsOfFile: store.path("report.html"), encoding: .utf8)
        #expect(html.contains("<section id=\"counterexample\""))
        #expect(FileManager.default.fileExists(atPath: store.path("junit.xml")))
        let index = try String(contentsOfFile: reports + "/index.html", encoding: .utf8)
        #expect(index.contains("cli-report/\((store.directory as NSString).lastPathComponent)/report.html"))
    }

    @Test func aDirectoryThatIsNotARunExits254AndWritesNothing() throws {
        let reports = try Self.temporaryReports()
        defer { try? FileManager.default.removeItem(atPath: reports) }
        let missing = try CheckCommandTests.faultline(["report", reports + "/nope/20260101T000000Z"])
        #expect(missing.status == 254)
        #expect(missing.stderr.contains("expected a run directory"))

        // A run whose results.json is broken: named, and nothing written.
        let store = try RunFixtures.store(reports: reports, specText: RunFixtures.specText(name: "cli-broken"),
                                          events: RunFixtures.registerEvents(operations: 50))
        try "{\"test\": 3".write(toFile: store.resultsPath, atomically: true, encoding: .utf8)
        let broken = try CheckCommandTests.faultline(["report", store.directory])
        #expect(broken.status == 254)
        #expect(broken.stderr.contains("\(store.resultsPath):"))
        #expect(!FileManager.default.fileExists(atPath: store.path("report.html")))
        #expect(!FileManager.default.fileExists(atPath: store.path("junit.xml")))
        #expect(!FileManager.default.fileExists(atPath: reports + "/index.html"))

        // A malformed history: file and line named.
        let other = try RunFixtures.store(reports: reports, specText: RunFixtures.specText(name: "cli-badhistory"),
                                          events: RunFixtures.registerEvents(operations: 50))
        try "{\"index\":0,\"type\":\"invoke\"\n".write(toFile: other.historyPath, atomically: true, encoding: .utf8)
        let bad = try CheckCommandTests.faultline(["report", other.directory])
        #expect(bad.status == 254)
        #expect(bad.stderr.contains("history.jsonl:1"))
        #expect(!FileManager.default.fileExists(atPath: other.path("report.html")))

        // A malformed leaders.jsonl: file and line named.
        let third = try RunFixtures.store(reports: reports, specText: RunFixtures.specText(name: "cli-badleaders"),
                                          events: RunFixtures.registerEvents(operations: 50), leaders: "{\"time\":0,\"leader\":\"n1\"}\n{\"time\":\n")
        let leaders = try CheckCommandTests.faultline(["report", third.directory])
        #expect(leaders.status == 254)
        #expect(leaders.stderr.contains("leaders.jsonl:2:"))
        #expect(!FileManager.default.fileExists(atPath: third.path("report.html")))
    }
}
