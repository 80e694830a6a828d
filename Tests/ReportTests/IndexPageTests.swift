import Foundation
import History
import Report
import RunFixtures
import RunRecord
import Testing

@Suite struct IndexPageTests {
    /// The index lists the faults a run recorded in effect, not the ones its spec asked for: a
    /// partition that never took hold is not shown as applied.
    @Test func listsTheFaultsInEffectNotTheSpecs() throws {
        let reports = FileManager.default.temporaryDirectory.appendingPathComponent("faultline-index-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: reports) }
        var events = RunFixtures.registerEvents(operations: 40)
        let t = events.last?.time ?? 0
        func nemesis(_ type: EventType, _ f: String, _ value: String, _ dt: Int64) {
            events.append(Event(index: events.count, type: type, process: .nemesis, f: f, value: .string(value), time: t + dt))
        }
        nemesis(.invoke, "pause", "pause n1", 1)
        nemesis(.info, "pause", "n1: in effect", 2)
        nemesis(.invoke, "heal-pause", "n1", 3)
        nemesis(.info, "heal-pause", "n1: healed", 4)
        nemesis(.invoke, "partition-leader", "partition-leader n2", 5)
        nemesis(.info, "partition-leader", "not in effect: no leader to cut off", 6)
        let store = try RunFixtures.store(reports: reports, specText: RunFixtures.specText(name: "index-faults"), events: events)
        let results = try ResultsFile.read(path: store.resultsPath)
        #expect(results.summary.faultsInEffect == ["pause"])
        let html = IndexPage(root: reports).html
        #expect(html.contains("<td>pause</td>"), "\(html)")
        #expect(!html.contains("partition-leader"))
    }

    /// A run stored before results.json said which faults were in effect shows "not recorded",
    /// not the spec's list as if it had been applied.
    @Test func anOlderRunSaysNotRecorded() throws {
        let reports = FileManager.default.temporaryDirectory.appendingPathComponent("faultline-index-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: reports) }
        let store = try RunFixtures.store(reports: reports, specText: RunFixtures.specText(name: "index-old"),
                                          events: RunFixtures.registerEvents(operations: 40))
        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: store.resultsPath))) as? [String: Any])
        var summary = try #require(json["summary"] as? [String: Any])
        summary.removeValue(forKey: "faultsInEffect")
        json["summary"] = summary
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: store.resultsPath))
        let html = IndexPage(root: reports).html
        #expect(html.contains("<span class=\"muted\">not recorded</span>"), "\(html)")
        #expect(!html.contains("partition-leader"))
    }
}
