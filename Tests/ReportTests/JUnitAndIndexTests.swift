import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import History
@testable import Report
import RunFixtures
import RunRecord
import Testing

@Suite struct JUnitAndIndexTests {
    typealias S = ReportTestSupport

    @Test func junitHasACasePerCheckAndFailuresCarryTheReason() throws {
        let reports = try S.temporaryReports()
        defer { try? FileManager.default.removeItem(atPath: reports) }
        let invalid = try S.invalidRun(reports: reports)
        try ReportWriter.writeRun(directory: invalid.directory)
        let xml = try S.read(invalid.path("junit.xml"))
        #expect(xml.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"))
        #expect(xml.contains("<testsuite name=\"faultline.fixture-invalid\" tests=\"5\" failures=\"1\""))
        #expect(xml.contains("name=\"linearizability (cas-register)\""))
        #expect(xml.contains("name=\"faults in effect (2 of 2)\" time=\"0.000\"/>"))
        #expect(xml.contains("name=\"cluster healed\" time=\"0.000\"/>"))
        let explanation = try #require(try ResultsFile.read(path: invalid.resultsPath).check.counterexample?.explanation.first)
        #expect(xml.contains("<failure message=\"\(HTML.escape(explanation))"))
        // Well-formed XML.
        _ = try XMLDocument(xmlString: xml)

        let valid = try S.validRun(reports: reports)
        try ReportWriter.writeRun(directory: valid.directory)
        let validXML = try S.read(valid.path("junit.xml"))
        #expect(validXML.contains("failures=\"0\""))
        #expect(!validXML.contains("<failure"))
    }

    @Test func faultNotInEffectAndUnhealedFaultFail() throws {
        let reports = try S.temporaryReports()
        defer { try? FileManager.default.removeItem(atPath: reports) }
        var events = RunFixtures.registerEvents(operations: 400, faultEvery: 100)
        let applied = try #require(events.firstIndex { $0.process == .nemesis && $0.type == .info && !$0.f.hasPrefix("heal") })
        events[applied].value = "not in effect: n1 still answers"
        let heal = try #require(events.firstIndex { $0.process == .nemesis && $0.type == .info && $0.f.hasPrefix("heal") })
        events[heal].value = "not healed: n1: chain FAULTLINE still drops 10.77.0.2"
        let store = try RunFixtures.store(reports: reports, specText: RunFixtures.specText(name: "fixture-faults"), events: events)
        let junit = JUnitFile(run: try StoredRun.load(directory: store.directory))
        #expect(junit.cases.first { $0.name.hasPrefix("faults in effect") }?.failure?.contains("n1 still answers") == true)
        #expect(junit.cases.first { $0.name == "cluster healed" }?.failure?.contains("still drops 10.77.0.2") == true)
    }

    /// As the nemesis records them now: the outcome in the info's `error`, the reason in its value.
    @Test func faultNotInEffectAndUnhealedFaultFailWithTheOutcomeAsAField() throws {
        let reports = try S.temporaryReports()
        defer { try? FileManager.default.removeItem(atPath: reports) }
        var events = RunFixtures.registerEvents(operations: 400, faultEvery: 100)
        let applied = try #require(events.firstIndex { $0.process == .nemesis && $0.type == .info && !$0.f.hasPrefix("heal") })
        events[applied].value = "n1 still answers"
        events[applied].error = "not in effect"
        let heal = try #require(events.firstIndex { $0.process == .nemesis && $0.type == .info && $0.f.hasPrefix("heal") })
        events[heal].value = "n1: chain FAULTLINE still drops 10.77.0.2"
        events[heal].error = "not healed"
        let store = try RunFixtures.store(reports: reports, specText: RunFixtures.specText(name: "fixture-typed"), events: events)
        let run = try StoredRun.load(directory: store.directory)
        let junit = JUnitFile(run: run)
        #expect(junit.cases.first { $0.name.hasPrefix("faults in effect") }?.failure?.contains("n1 still answers") == true)
        #expect(junit.cases.first { $0.name == "cluster healed" }?.failure == "\(events[heal].f): not healed: n1: chain FAULTLINE still drops 10.77.0.2")
        // The field decides; histories from before it existed are read by the value's prefix.
        #expect(Event(index: 0, type: .info, process: .nemesis, f: "pause", value: "n1: state T").nemesisFailure == nil)
        #expect(Event(index: 0, type: .info, process: .nemesis, f: "pause", value: "n1 still up", error: "not in effect").nemesisFailure == "not in effect")
        #expect(Event(index: 0, type: .info, process: .nemesis, f: "pause", value: "not in effect: n1 still up").nemesisFailure == "not in effect")
        #expect(Event(index: 0, type: .info, process: .client(1), f: "read", error: "timeout").nemesisFailure == nil)
    }

    @Test func aRunWhoseSetUpFailedShowsAsFailedInJUnitTheIndexAndItsReport() throws {
        let reports = try S.temporaryReports()
        defer { try? FileManager.default.removeItem(atPath: reports) }
        let failure = S.setUpFailure
        let store = try S.failedRun(reports: reports)
        try ReportWriter.writeRun(directory: store.directory)
        let xml = try S.read(store.path("junit.xml"))
        _ = try XMLDocument(xmlString: xml)
        #expect(xml.contains("<failure message=\"not checked: \(HTML.escape(failure))\""))
        #expect(xml.contains("<testcase classname=\"faultline.fixture-failed\" name=\"run completed\" time=\"0.000\">\n      <failure message=\"\(HTML.escape(failure))\""))
        let page = try S.read(store.path("report.html"))
        #expect(page.contains("<header class=\"banner failed\"><div class=\"verdict\" id=\"verdict\">FAILED</div>"))
        #expect(page.contains("The run could not be carried out: \(HTML.escape(failure))"))
        let index = try S.read(try ReportWriter.writeIndex(root: reports))
        #expect(index.contains("<span class=\"pill failed\">failed</span>"))
    }

    @Test func indexListsEveryRunNewestFirstWithItsVerdict() throws {
        let reports = try S.temporaryReports()
        defer { try? FileManager.default.removeItem(atPath: reports) }
        let first = try S.validRun(reports: reports)
        let second = try S.invalidRun(reports: reports)
        try ReportWriter.writeRun(directory: first.directory)
        try ReportWriter.writeRun(directory: second.directory)
        // A run still going (no results.json) is left out.
        try FileManager.default.createDirectory(atPath: reports + "/fixture-running/20990101T000000Z", withIntermediateDirectories: true)
        let html = try S.read(try ReportWriter.writeIndex(root: reports))
        #expect(S.count("<tr class=\"run\">", in: html) == 2)
        #expect(html.contains("<span class=\"pill invalid\">invalid</span>"))
        #expect(html.contains("<span class=\"pill valid\">valid</span>"))
        #expect(html.contains("partition-leader, pause"))
        let firstStamp = (first.directory as NSString).lastPathComponent, secondStamp = (second.directory as NSString).lastPathComponent
        let a = try #require(html.range(of: "fixture-valid/\(firstStamp)/report.html")).lowerBound
        let b = try #require(html.range(of: "fixture-invalid/\(secondStamp)/report.html")).lowerBound
        // Newest first (same second: the later name sorts first).
        #expect((secondStamp, "fixture-invalid") > (firstStamp, "fixture-valid") ? b < a : a < b)
        #expect(RunReportPageTests.externalReferences(in: html).isEmpty)
    }
}
