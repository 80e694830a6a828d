import Foundation
import RunIndex
import Testing

/// The nightly index: runs in SQLite, and the trends page drawn from it.
@Suite struct RunIndexTests {
    @Test func runsAreIndexedOnceEachAndShownOnTheTrendsPage() async throws {
        let reports = FileManager.default.temporaryDirectory.appendingPathComponent("index-\(UUID().uuidString)").path
        let (_, first) = try await RunManifestTests.run(operations: 100, reports: reports, parameters: "{election-timeout: 600}")
        let (_, second) = try await RunManifestTests.run(operations: 100, reports: reports, parameters: "{election-timeout: 1000}")
        try RunIndex.update(reports: reports, adding: [first])
        try RunIndex.update(reports: reports, adding: [second, first])

        let runs = try RunIndex(path: reports + "/faultline.sqlite").runs()
        #expect(runs.count == 2)
        #expect(runs.map(\.parameters) == ["election-timeout=600", "election-timeout=1000"])
        #expect(runs.allSatisfy { $0.test == "audited" && $0.verdict == "valid" && $0.okPerSecond ?? 0 > 0 && $0.leaderChanges == 0 })
        #expect(runs[0].startedAt <= runs[1].startedAt)

        let html = try String(contentsOfFile: reports + "/trends.html", encoding: .utf8)
        #expect(html.contains("<h2>audited</h2>"))
        #expect(html.contains("election-timeout=600") && html.contains("election-timeout=1000"))
        #expect(!html.contains("http://") && !html.contains("https://") && !html.contains("<script"))
    }

    @Test func aDirectoryWithoutManifestIsNotIndexed() throws {
        let reports = FileManager.default.temporaryDirectory.appendingPathComponent("index-\(UUID().uuidString)").path
        #expect(throws: (any Error).self) { try RunIndex.update(reports: reports, adding: [reports + "/nothing"]) }
    }
}
