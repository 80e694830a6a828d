// The Report target: renderings of a stored run: report.html, the counterexample view, the reports index, junit.xml.

import Analysis

/// Faults, availability and the leader as static tables: what the canvases show, also on paper.
/// The figures are Analysis's `RunMetrics`.
struct AvailabilitySection {
    var metrics: RunMetrics
    var timeline: TimelineData
    var leaders: [LeaderSample]

    var html: String {
        var s = "<section id=\"availability\"><h2>Faults and availability</h2>"
        s += faultTable + unavailableTable + figuresTable + leaderTable
        return s + "</section>"
    }

    private var faultTable: String {
        guard !metrics.faults.isEmpty else { return "<p>No faults were injected in this run.</p>" }
        var s = "<table class=\"grid\" id=\"faults\"><tr><th>Fault</th><th>From</th><th>In effect at</th><th>Healed at</th>"
        s += "<th>First ok after</th><th>First ok write after</th><th>New leader after</th><th>Evidence</th></tr>"
        for r in metrics.faults {
            let f = r.fault
            s += "<tr class=\"fault\(f.inEffect ? "" : " not-in-effect")\"><td>\(HTML.escape(f.kind))"
            s += (f.cause.map { "<div class=\"cause\">\(HTML.escape($0))</div>" } ?? "") + "</td><td>\(seconds(f.start))</td>"
            s += "<td>\(f.inEffect ? f.effective.map(seconds) ?? "–" : "<strong>not in effect</strong>")</td>"
            s += "<td>\(f.end.map(seconds) ?? (f.inEffect ? "not healed in the history" : "–"))</td>"
            s += "<td>\(Self.span(r.firstOkSeconds))</td><td>\(Self.span(r.firstOkWriteSeconds))</td><td>\(Self.span(r.newLeaderSeconds))</td>"
            s += "<td class=\"evidence\">\(HTML.escape(f.evidence))</td></tr>"
        }
        return s + "</table>"
    }

    private var unavailableTable: String {
        guard !metrics.unavailableWindows.isEmpty else {
            return "<p id=\"unavailable\">No window of half a second or more without a successful operation.</p>"
        }
        var s = "<h3>No operation succeeded</h3><table class=\"grid\" id=\"unavailable\"><tr><th>From</th><th>To</th><th>For</th></tr>"
        for w in metrics.unavailableWindows {
            s += "<tr><td>\(seconds(w.start))</td><td>\(seconds(w.end))</td><td>\(Self.span(w.seconds))</td></tr>"
        }
        return s + "</table>"
    }

    private var figuresTable: String {
        let m = metrics
        func latency(_ q: LatencyQuantiles) -> String {
            q.count == 0 ? "no ok operations" : "p50 \(RunReportPage.number(q.p50)) ms, p99 \(RunReportPage.number(q.p99)) ms, max \(RunReportPage.number(q.max)) ms (\(q.count) ok)"
        }
        var rows: [(String, String)] = [
            ("Unavailable", "\(RunReportPage.number(m.unavailableSeconds)) s in \(m.unavailableWindows.count) windows"),
            ("Median failover (first ok write)", Self.span(m.medianFailoverSeconds)),
            ("Latency, no fault active", latency(m.latencyQuiet)),
            ("Latency, a fault active", latency(m.latencyFaulty)),
            ("ok / fail / info per second", "\(RunReportPage.number(m.okPerSecond)) / \(RunReportPage.number(m.failPerSecond)) / \(RunReportPage.number(m.infoPerSecond))"),
        ]
        if !leaders.isEmpty {
            rows += [("Leader changes", "\(m.leaderChanges), \(m.spuriousElections) outside faults"),
                     ("Without an agreed leader", "\(RunReportPage.number(m.leaderlessSeconds)) s")]
        }
        return "<table class=\"facts\" id=\"availability-figures\">"
            + rows.map { "<tr><th>\(HTML.escape($0.0))</th><td>\(HTML.escape($0.1))</td></tr>" }.joined() + "</table>"
    }

    /// The observed leader over time, as the timeline's band shows it; long lists are cut.
    private var leaderTable: String {
        guard !leaders.isEmpty else { return "<p class=\"muted\">No leader samples were stored for this run.</p>" }
        let shown = leaders.prefix(40)
        var s = "<details class=\"leaders\" open><summary>Leader over time (\(leaders.count) samples)</summary>"
        s += "<table class=\"grid\" id=\"leaders\"><tr><th>From</th><th>Leader</th></tr>"
        for sample in shown {
            s += "<tr><td>\(seconds(sample.time))</td><td>\(sample.leader.map(HTML.escape) ?? "<em>no agreed leader</em>")</td></tr>"
        }
        if leaders.count > shown.count { s += "<tr><td colspan=\"2\" class=\"muted\">… and \(leaders.count - shown.count) more in leaders.jsonl</td></tr>" }
        return s + "</table></details>"
    }

    /// A time on the history's clock as seconds on the page's axis.
    private func seconds(_ t: Int64) -> String {
        String(format: "%.2f s", Double(timeline.micros(t)) / 1e6)
    }

    static func span(_ seconds: Double?) -> String {
        guard let seconds else { return "–" }
        return seconds >= 1 ? String(format: "%.2f s", seconds) : String(format: "%.0f ms", seconds * 1000)
    }
}
