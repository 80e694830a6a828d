import Analysis
import Foundation
import History
import RunFixtures
import RunRecord
import Testing

/// A run's metrics are measured once, when it is recorded, and read from results.json after.
@Suite struct StoredMetricsTests {
    @Test func metricsAreStoredWithTheRunAndReadFromThere() throws {
        let reports = FileManager.default.temporaryDirectory.appendingPathComponent("faultline-metrics-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: reports) }
        let events = RunFixtures.registerEvents(operations: 2_000, faultEvery: 300)
        let leaders = RunFixtures.leaderLines(events: events)
        let store = try RunFixtures.store(reports: reports, specText: RunFixtures.specText(name: "metrics"), events: events, leaders: leaders)
        let stored = try #require(try ResultsFile.read(path: store.resultsPath).metrics)
        let measured = RunMetrics.measure(events: events, operations: try History(events: events).operations(),
                                          leaders: try LeaderSample.read(path: store.leadersPath))
        #expect(stored == measured)
        #expect(stored.leaderChanges > 0 && !stored.faults.isEmpty)
        // Readers take them from results.json: without the history they are still there.
        try FileManager.default.removeItem(atPath: store.historyPath)
        #expect(store.metrics() == measured)
    }
}
