import Foundation
import RemoteCore
import RunRecord

/// `reports/index.html`: every stored run under a reports folder, newest first, verdict
/// coloured, with test name, duration, operations, fault kinds and a link to its report.
public struct IndexPage {
    struct Entry {
        var test: String
        var timestamp: String
        var results: ResultsFile
        /// The faults the run recorded in effect; nil for runs stored before results.json said.
        var faultKinds: [String]?
        var hasReport: Bool
    }

    public var root: String
    var entries: [Entry]

    /// Reads every `<root>/<test>/<time>/results.json`; runs whose results cannot be read
    /// (still running, crashed before the check) are left out.
    public init(root: String) {
        self.root = root
        let fm = FileManager.default
        var entries: [Entry] = []
        for test in (try? fm.contentsOfDirectory(atPath: root)) ?? [] {
            let testDir = (root as NSString).appendingPathComponent(test)
            for stamp in (try? fm.contentsOfDirectory(atPath: testDir)) ?? [] {
                let dir = (testDir as NSString).appendingPathComponent(stamp)
                let store = RunStore(directory: dir)
                guard let results = try? ResultsFile.read(path: store.resultsPath) else { continue }
                entries.append(Entry(
                    test: test, timestamp: stamp, results: results,
                    faultKinds: results.summary.faultsInEffect,
                    hasReport: fm.fileExists(atPath: store.path("report.html"))))
            }
        }
        self.entries = entries.sorted { ($0.timestamp, $0.test) > ($1.timestamp, $1.test) }
    }

    public var html: String {
        var s = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Faultline runs</title>"
        s += "<style>\(ReportAssets.css)\(Self.css)</style></head><body>"
        s += "<header class=\"banner index\"><div><h1>Faultline runs</h1><p class=\"reason\">\(entries.count) stored runs, newest first.</p></div></header>"
        s += "<section><table class=\"grid\" id=\"runs\"><tr><th>Started (UTC)</th><th>Test</th><th>Verdict</th><th>Duration</th><th>Operations</th><th>ok / fail / info</th><th>Faults</th><th>Report</th></tr>"
        for e in entries {
            let r = e.results, verdict = r.outcome
            let link = HTML.linkPath([e.test, e.timestamp, "report.html"])
            s += "<tr class=\"run\"><td>\(HTML.escape(e.timestamp))</td><td>\(HTML.escape(e.test))</td>"
            s += "<td><span class=\"pill \(verdict)\">\(verdict)\(r.interrupted ? " (interrupted)" : "")</span></td>"
            s += "<td>\(RunReportPage.number(r.summary.seconds)) s</td><td>\(r.summary.operations)</td>"
            s += "<td>\(r.summary.ok) / \(r.summary.fail) / \(r.summary.info)</td>"
            let faults = e.faultKinds.map { $0.isEmpty ? "<span class=\"muted\">none</span>" : HTML.escape($0.joined(separator: ", ")) }
                ?? "<span class=\"muted\">not recorded</span>"
            s += "<td>\(faults)</td>"
            s += "<td>\(e.hasReport ? "<a href=\"\(link)\">report</a>" : "<span class=\"muted\">not rendered</span>")</td></tr>"
        }
        return s + "</table></section></body></html>\n"
    }

    static let css = """
    header.banner.index{background:linear-gradient(90deg,#1d2430,#3a4556)}
    .pill{display:inline-block;padding:1px 10px;border-radius:10px;color:#fff;font-weight:600;font-size:12px}
    .pill.valid{background:#2f9e5b}.pill.invalid{background:#d7263d}.pill.unknown{background:#d39b2a}.pill.failed{background:#6b7280}
    """

    /// Writes `index.html` into the root folder.
    public func write() throws {
        try AtomicFile.write(Data(html.utf8), to: (root as NSString).appendingPathComponent("index.html"))
    }
}
