import Analysis
import Foundation
import History
@testable import Report
import RunFixtures
import RunRecord
import Testing

@Suite struct RunReportPageTests {
    typealias S = ReportTestSupport

    static let sections = ["run", "operations", "timeline-section", "latency-section", "throughput-section", "availability", "check", "spec"]

    /// No reference that would make the browser fetch anything: no scheme-relative or absolute
    /// URLs in attributes, styles or script.
    static func externalReferences(in html: String) -> [String] {
        ["http://", "https://", "\"//", "'//", "(//", "src=", "@import", "url("].filter { html.contains($0) }
    }

    @Test func validRunShowsItsVerdictSectionsAndTheHistorysCounts() throws {
        let reports = try S.temporaryReports()
        defer { try? FileManager.default.removeItem(atPath: reports) }
        let store = try S.validRun(reports: reports)
        let html = try S.read(try ReportWriter.writeRun(directory: store.directory))
        #expect(S.elementText(id: "verdict", in: html) == "VALID")
        #expect(html.contains("<header class=\"banner valid\">"))
        for id in Self.sections { #expect(html.contains("<section id=\"\(id)\""), "section \(id)") }
        #expect(!html.contains("<section id=\"counterexample\""))

        let ops = try JSONLHistory.read(path: store.historyPath).operations()
        #expect(S.elementText(id: "count-operations", in: html) == String(ops.count))
        #expect(S.elementText(id: "count-ok", in: html) == String(ops.filter { $0.outcome == .ok }.count))
        #expect(S.elementText(id: "count-fail", in: html) == String(ops.filter { $0.outcome == .fail }.count))
        #expect(S.elementText(id: "count-info", in: html) == String(ops.filter { $0.outcome == .info }.count))
        #expect(ops.count == 2_000)

        // Faults and availability as Analysis measures them, as a table and as shading data.
        let events = try JSONLHistory.read(path: store.historyPath).events
        let metrics = RunMetrics.measure(events: events, operations: ops, leaders: try LeaderSample.read(path: store.leadersPath))
        #expect(metrics.faults.count == 2)
        #expect(S.count("<tr class=\"fault", in: html) == metrics.faults.count)
        #expect(html.contains("\"faults\":[[\(metrics.faults[0].fault.start / 1000),"))
        #expect(html.contains("id=\"availability-figures\""))
        #expect(html.contains("Leader changes</th><td>\(metrics.leaderChanges), "))

        #expect(html.contains("faultline run workloads/fixture.yml --seed 42 --time-limit 60s"))
        #expect(html.contains("<a href=\"nodes/n1/etcd.log\">etcd.log</a>"))
        #expect(html.contains("\"leaders\":[[0,\"n1\"]"))
        #expect(html.contains("election-timeout"))
        #expect(html.contains("# A generated run for the report&#39;s tests."))
        #expect(Self.externalReferences(in: html).isEmpty, "\(Self.externalReferences(in: html))")
    }

    @Test func timelineDataHasOneEntryPerOperationInLanesOfWorkers() throws {
        let events = RunFixtures.registerEvents(operations: 500, clients: 4)
        let ops = try History(events: events).operations()
        let data = TimelineData(operations: ops, events: events)
        #expect(data.start.count == 500 && data.duration.count == 500 && data.code.count == 500)
        // Retired processes hand their lane to their successor: lanes stay as many as clients.
        #expect(Set(ops.map(\.process)).count > 4)
        #expect(data.lanes == 4)
        #expect(data.functions.sorted() == ["cas", "read", "write"])
    }

    @Test func invalidRunShowsTheCounterexample() throws {
        let reports = try S.temporaryReports()
        defer { try? FileManager.default.removeItem(atPath: reports) }
        let store = try S.invalidRun(reports: reports)
        let results = try ResultsFile.read(path: store.resultsPath)
        let cx = try #require(results.check.counterexample)
        let steps = try #require(cx.linearization)
        #expect(cx.blocking != nil && cx.statesMet != nil && cx.shrunkFrom != nil)

        let html = try S.read(try ReportWriter.writeRun(directory: store.directory))
        #expect(S.elementText(id: "verdict", in: html) == "INVALID")
        #expect(html.contains("<section id=\"counterexample\""))
        #expect(html.contains("id=\"blocking\""))
        let named = Set(cx.operations.map(\.index))
        let context = Set(steps.map(\.index)).subtracting(named)
        #expect(S.count("<g class=\"op ", in: html) == cx.operations.count + context.count)
        #expect(S.count(" context\"><title>", in: html) == context.count)
        #expect(S.count("<g class=\"op blocking\"", in: html) == 1)
        let table = try #require(html.range(of: "id=\"linearization\"").map { String(html[$0.upperBound...].prefix { _ in true }) })
        let tableRows = table.components(separatedBy: "</table>")[0]
        #expect(S.count("<tr", in: tableRows) == steps.count + 1)
        for sentence in cx.explanation { #expect(html.contains(HTML.escape(sentence))) }
        #expect(html.contains("\"counterexample\":[") && !html.contains("\"counterexample\":[]"))
        #expect(Self.externalReferences(in: html).isEmpty)
    }

    @Test func hostileStringsAreEscaped() throws {
        let reports = try S.temporaryReports()
        defer { try? FileManager.default.removeItem(atPath: reports) }
        var events = RunFixtures.registerEvents(operations: 200, faultEvery: 100)
        let spec = RunFixtures.specText(name: "fixture-hostile").replacingOccurrences(
            of: "# A generated run", with: "# </script><script>alert(3)</script> <!-- A generated run")
        let store = try RunFixtures.store(
            reports: reports, specText: spec, events: events,
            leaders: "{\"time\":0,\"leader\":\"</script><b>n1\"}\n",
            logs: ["n1": "x", "<b>n2&": "y"])
        // The history as a hostile database or nemesis could have written it (after the check,
        // which would refuse an unknown function).
        for i in events.indices where events[i].f == "read" { events[i].f = "</script><script>alert(1)</script>" }
        for i in events.indices where events[i].process == .nemesis { events[i].value = .string("<img onerror=alert(2)> & </script>") }
        try FileManager.default.removeItem(atPath: store.historyPath)
        let writer = try JSONLWriter(path: store.historyPath)
        for e in events { try writer.write(e) }
        try writer.close()
        let html = try S.read(try ReportWriter.writeRun(directory: store.directory))
        #expect(!html.contains("<script>alert"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("<b>n1") && !html.contains("<b>n2"))
        #expect(!html.contains("<!--"))
        #expect(S.count("</script>", in: html) == 2)   // the data element and the script
        #expect(html.contains("&lt;/script&gt;&lt;script&gt;alert(3)"))
        #expect(html.contains("\\u003c/script\\u003e\\u003cscript\\u003ealert(1)"))
        #expect(html.contains("href=\"nodes/%3Cb%3En2%26/etcd.log\""))
        #expect(html.contains("&lt;b&gt;n2&amp;"))
    }

    @Test func oldResultsWithoutTheNewFieldsStillRender() throws {
        // Real results.json files written before the counterexample's steps were stored.
        let oldValid = try ResultsFile.read(path: S.fixtures + "/old-results-valid.json")
        #expect(oldValid.check.verdict == .valid && oldValid.specFile == nil && oldValid.summary.operations == 10076)
        let oldInvalid = try ResultsFile.read(path: S.fixtures + "/old-results-invalid.json")
        #expect(oldInvalid.check.counterexample?.operations.count == 130)
        #expect(oldInvalid.check.counterexample?.linearization == nil)

        // An invalid run whose results.json lost the new fields renders with what it has.
        let reports = try S.temporaryReports()
        defer { try? FileManager.default.removeItem(atPath: reports) }
        let store = try S.invalidRun(reports: reports)
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: store.resultsPath))) as? [String: Any])
        object["specFile"] = nil
        var check = object["check"] as! [String: Any]
        var cx = check["counterexample"] as! [String: Any]
        for field in ["shrunkFrom", "linearization", "blocking", "statesMet"] { cx[field] = nil }
        check["counterexample"] = cx
        object["check"] = check
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: store.resultsPath))

        let html = try S.read(try ReportWriter.writeRun(directory: store.directory))
        #expect(S.elementText(id: "verdict", in: html) == "INVALID")
        #expect(html.contains("<section id=\"counterexample\""))
        #expect(html.contains("was written before linearizations were stored"))
        #expect(html.contains("faultline run \(store.directory)/spec.yml --seed 42"))
        #expect(!html.contains("id=\"blocking\""))
    }

    @Test func runWithoutFaultsOrLeadersRenders() throws {
        let reports = try S.temporaryReports()
        defer { try? FileManager.default.removeItem(atPath: reports) }
        let store = try RunFixtures.store(reports: reports, specText: RunFixtures.specText(name: "fixture-quiet", faults: false),
                                          events: RunFixtures.registerEvents(operations: 300), logs: [:])
        let html = try S.read(try ReportWriter.writeRun(directory: store.directory))
        #expect(html.contains("No faults were injected in this run."))
        #expect(html.contains("\"leaders\":[]"))
        #expect(html.contains("none stored"))
        #expect(html.contains("\"members\":[]"))
        #expect(!html.contains("id=\"membership\""))
    }

    @Test func membershipChangesAreABandBesideTheLeadersAndATable() throws {
        let reports = try S.temporaryReports()
        defer { try? FileManager.default.removeItem(atPath: reports) }
        let store = try S.membershipRun(reports: reports)
        let html = try S.read(try ReportWriter.writeRun(directory: store.directory))
        // The band's data: the nodes the run started on at time 0, then each change the nemesis
        // recorded — the heal's evidence names two (after each node added back); the last counts.
        #expect(html.contains(#""members":[[0,["n1","n2","n3","n4","n5"]],[1800000,["n1","n2","n3"]],[5500000,["n1","n2","n3","n4","n5"]]]"#))
        #expect(html.contains("<table class=\"grid\" id=\"membership\">"))
        #expect(html.contains("<tr><td>1.800 s</td><td>n1, n2, n3</td><td>3</td></tr>"))
        #expect(html.contains("the cluster's members after each membership change"))
    }

    @Test func membersAreReadBackFromEvidenceInTheFormatTheyAreWritten() {
        #expect(MembershipEvidence.members(in: "n4 removed; " + MembershipEvidence.text(["n1", "n2"])) == ["n1", "n2"])
        #expect(MembershipEvidence.members(in: MembershipEvidence.text(["a"]) + "; x; " + MembershipEvidence.text(["a", "b"])) == ["a", "b"])
        #expect(MembershipEvidence.members(in: "n4 failed: refused; " + MembershipEvidence.unknown("timeout")) == nil)
        #expect(MembershipEvidence.members(in: "n1: paused") == nil)
        let events = [Event(index: 0, type: .info, process: .nemesis, f: "pause", value: .string("n1: paused"), time: 5),
                      Event(index: 1, type: .info, process: .nemesis, f: "membership", value: .string(MembershipEvidence.text(["n2", "n3"])), time: 9),
                      Event(index: 2, type: .invoke, process: .nemesis, f: "membership", value: .string(MembershipEvidence.text(["x"])), time: 10)]
        #expect(MembershipTimeline.changes(in: events) == [MembershipChange(time: 9, members: ["n2", "n3"])])
    }
}
