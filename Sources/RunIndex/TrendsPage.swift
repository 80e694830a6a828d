import Foundation
import RemoteCore
import RunRecord

/// `reports/trends.html`: per test, its runs across time (verdict, tuning, metrics) as a table,
/// with unavailable time and failover as dots over the runs. Self-contained: inline CSS and SVG.
public struct TrendsPage {
    public var runs: [IndexedRun]

    public init(runs: [IndexedRun]) {
        self.runs = runs
    }

    public var html: String {
        let tests = Dictionary(grouping: runs, by: \.test).sorted { $0.key < $1.key }
        var out = """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Faultline trends</title>
            <style>body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
            table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
            td:nth-child(-n+3),th:nth-child(-n+3){text-align:left}.invalid,.unknown,.failed{color:#b00;font-weight:bold}
            svg circle.u{fill:#b50}svg circle.f{fill:#357}svg line{stroke:#999}</style></head><body>
            <h1>Faultline trends: \(runs.count) runs of \(tests.count) tests</h1>

            """
        for (test, runs) in tests {
            out += "<section><h2>\(e(test))</h2>\(plot(runs))<table><tr><th>started (UTC)</th><th>verdict</th><th>parameters</th>"
                + "<th>failover s</th><th>unavailable s</th><th>leader changes</th><th>spurious</th><th>ok/s</th>"
                + "<th>quiet p99 ms</th><th>faulty p99 ms</th></tr>\n"
            for r in runs.reversed() {
                out += "<tr><td>\(e(r.startedAt))</td><td class=\"\(e(r.verdict))\">\(e(r.verdict))</td><td>\(e(r.parameters))</td>"
                    + [r.failoverSeconds, r.unavailableSeconds, r.leaderChanges.map(Double.init), r.spuriousElections.map(Double.init),
                       r.okPerSecond, r.latencyQuietP99, r.latencyFaultyP99].map { "<td>\($0.map(Self.fmt) ?? "–")</td>" }.joined()
                    + "</tr>\n"
            }
            out += "</table></section>\n"
        }
        return out + "</body></html>\n"
    }

    /// Unavailable time (orange) and failover (blue) per run, oldest left, on one axis in seconds.
    private func plot(_ runs: [IndexedRun]) -> String {
        let top = max(runs.flatMap { [$0.unavailableSeconds ?? 0, $0.failoverSeconds ?? 0] }.max() ?? 0, 1)
        let step = 600.0 / Double(max(runs.count, 1))
        var svg = "<svg width=\"620\" height=\"90\" role=\"img\"><title>unavailable time and failover per run, up to \(Self.fmt(top)) s</title>"
            + "<line x1=\"10\" y1=\"80\" x2=\"610\" y2=\"80\"/>"
        for (i, r) in runs.enumerated() {
            let x = 10 + step * (Double(i) + 0.5)
            for (value, cls) in [(r.unavailableSeconds, "u"), (r.failoverSeconds, "f")] {
                guard let v = value else { continue }
                svg += "<circle class=\"\(cls)\" cx=\"\(Self.fmt(x))\" cy=\"\(Self.fmt(80 - 70 * v / top))\" r=\"3\"><title>\(e(r.startedAt)): \(Self.fmt(v)) s</title></circle>"
            }
        }
        return svg + "</svg>"
    }

    private func e(_ s: String) -> String { HTMLText.escape(s) }

    static func fmt(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e9 ? String(Int(v)) : String(format: "%.2f", v) }
}

extension RunIndex {
    /// Indexes `runDirectories` into `<reports>/faultline.sqlite` and rewrites
    /// `<reports>/trends.html` from every run indexed there.
    public static func update(reports: String, adding runDirectories: [String]) throws {
        try FileManager.default.createDirectory(atPath: reports, withIntermediateDirectories: true)
        let index = try RunIndex(path: (reports as NSString).appendingPathComponent(fileName))
        for dir in runDirectories { try index.add(runDirectory: dir) }
        let html = TrendsPage(runs: try index.runs()).html
        try AtomicFile.write(Data(html.utf8), to: (reports as NSString).appendingPathComponent("trends.html"))
    }
}
