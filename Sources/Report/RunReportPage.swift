import Analysis
import Foundation
import History
import Linearizability
import RunRecord

/// The HTML run report of a stored run: one self-contained page (inline CSS, SVG and script,
/// no external reference), readable on screen and printable as an audit record.
public struct RunReportPage {
    public var run: StoredRun
    var timeline: TimelineData
    /// Faults, availability and leader figures, measured by Analysis.
    public var metrics: RunMetrics
    /// The membership after each change the nemesis made; empty for a run that changed none.
    var membership: [MembershipChange]

    public init(run: StoredRun) {
        self.run = run
        timeline = TimelineData(operations: run.operations, events: run.history.events)
        membership = MembershipTimeline.changes(in: run.history.events)
        // As recorded with the run; measured here only for runs stored before results.json held them.
        metrics = run.results.metrics ?? RunMetrics.measure(events: run.history.events, operations: run.operations, leaders: run.leaders)
    }

    /// The whole page.
    public var html: String {
        var page = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        page += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        page += "<title>\(HTML.escape(run.results.test)) \(HTML.escape(run.timestamp)): \(run.results.outcome)</title>"
        page += "<style>\(ReportAssets.css)</style></head><body>"
        page += "<div id=\"script-errors\" hidden></div>"
        page += banner + runSection + operationsSection + timelineSection + chartsSection
        page += AvailabilitySection(metrics: metrics, timeline: timeline, leaders: run.leaders).html
        if let cx = run.results.check.counterexample {
            page += CounterexampleSection(counterexample: cx, run: run).html
        }
        if let txn = run.results.transactions { page += TransactionSection(check: txn).html }
        page += checkSection + specSection
        page += "<footer>Rendered by faultline from the files in this run's directory. Re-render with <code>faultline report \(HTML.escape(run.directory))</code>.</footer>"
        page += "<script type=\"application/json\" id=\"run-data\">\(dataJSON)</script>"
        page += "<script>\(ReportAssets.script)</script></body></html>\n"
        return page
    }

    // MARK: header

    /// The verdict and, in one sentence, why.
    var reason: String {
        let c = run.results.check
        if let failure = run.results.failure {
            return "The run could not be carried out: \(failure). No client ran, so nothing was checked."
        }
        if let txn = run.results.transactions {
            let found = txn.anomalies.first { $0.rulesOut.contains(txn.consistency) }
            switch c.verdict {
            case .valid: return "No anomaly \(txn.consistency) forbids in \(txn.transactions) \(txn.model) transactions."
            case .invalid: return found.map { "\($0.type): \($0.explanation.last ?? "")" } ?? "An anomaly \(txn.consistency) forbids was found."
            case .unknown: return "Not decided: \(txn.incomplete ?? "the checker's budget ran out")."
            }
        }
        switch c.verdict {
        case .valid:
            return "Every one of the \(c.partitions) keys has a linearization of its \(c.operations) operations under the \(c.model) model."
        case .invalid:
            return c.counterexample?.explanation.first ?? "Some key has no linearization under the \(c.model) model."
        case .unknown:
            let why = c.undecided?.first.map { "key \($0.key): \($0.reason)" } ?? "not decided within the checker's budget"
            return "\(c.decidedPartitions) of \(c.partitions) keys decided; \(why)."
        }
    }

    private var banner: String {
        let r = run.results
        let verdict = r.outcome
        var s = "<header class=\"banner \(verdict)\"><div class=\"verdict\" id=\"verdict\">\(verdict.uppercased())</div>"
        s += "<div><h1>\(HTML.escape(r.test)) <span class=\"muted\">\(HTML.escape(run.timestamp))</span></h1>"
        s += "<p class=\"reason\">\(HTML.escape(reason))</p>"
        if r.interrupted { s += "<p class=\"reason\"><strong>Interrupted:</strong> the history is what was recorded until the run was stopped.</p>" }
        return s + "</div></header>"
    }

    /// The command that runs the same test again with the same seed and time limit.
    /// As stored with the run; for runs stored before it was, built from the spec file, seed and
    /// time limit the results name.
    var reproduceCommand: String {
        let r = run.results
        return r.reproduce ?? ReproduceCommand.text(
            spec: r.specFile ?? (run.directory as NSString).appendingPathComponent("spec.yml"), hosts: nil,
            seed: r.seed, timeLimit: .milliseconds(Int64((r.timeLimitSeconds * 1000).rounded())))
    }

    private var runSection: String {
        let r = run.results
        var s = "<section id=\"run\"><h2>The run</h2><div class=\"cols\"><table class=\"facts\">"
        s += row("Test", r.test) + row("Started (UTC)", run.timestamp) + row("Database", r.database.kind)
        s += row("Workload", r.workload) + row("Seed", String(r.seed))
        s += row("Time limit", "\(Self.number(r.timeLimitSeconds)) s") + row("Recorded", "\(Self.number(r.summary.seconds)) s")
        for (k, v) in r.database.parameters.sorted(by: { $0.key < $1.key }) { s += row(k, v) }
        s += "</table><div><h3>Reproduce</h3><pre class=\"command\" id=\"reproduce\">\(HTML.escape(reproduceCommand))</pre>"
        s += hostsTable + "</div></div></section>"
        return s
    }

    private var hostsTable: String {
        let r = run.results
        var s = "<h3>Hosts</h3><table class=\"grid\" id=\"hosts\"><tr><th>Host</th><th>Version</th><th>Logs</th></tr>"
        let logHosts = run.nodeLogs.compactMap { $0.split(separator: "/").dropFirst().first.map(String.init) }
        for host in r.hosts + Set(logHosts).subtracting(r.hosts).sorted() {
            let logs = run.nodeLogs.filter { $0.hasPrefix("nodes/\(host)/") }
            let links = logs.map { path in
                "<a href=\"\(HTML.linkPath(path.split(separator: "/").map(String.init)))\">\(HTML.escape((path as NSString).lastPathComponent))</a>"
            }
            s += "<tr><td>\(HTML.escape(host))</td><td>\(HTML.escape(r.database.versions[host] ?? "–"))</td>"
            s += "<td>\(links.isEmpty ? "<span class=\"muted\">none stored</span>" : links.joined(separator: " "))</td></tr>"
        }
        return s + "</table>"
    }

    private var operationsSection: String {
        let ops = run.operations
        let ok = ops.filter { $0.outcome == .ok }.count
        let fail = ops.filter { $0.outcome == .fail }.count
        let info = ops.count - ok - fail
        let s = run.results.summary
        var out = "<section id=\"operations\"><h2>What clients saw</h2><div class=\"tiles\">"
        out += tile("operations", ops.count, id: "count-operations") + tile("ok", ok, id: "count-ok", cls: "ok")
        out += tile("fail", fail, id: "count-fail", cls: "fail") + tile("info (unknown)", info, id: "count-info", cls: "info")
        out += "<div class=\"tile\"><b>\(Self.number(s.throughput))</b>ops/s</div>"
        out += "<div class=\"tile\"><b>\(Self.number(s.latencyP50))</b>ms p50 (ok)</div>"
        out += "<div class=\"tile\"><b>\(Self.number(s.latencyP99))</b>ms p99 (ok)</div>"
        out += "<div class=\"tile\"><b>\(Self.number(s.latencyMax))</b>ms max (ok)</div>"
        return out + "</div></section>"
    }

    private var timelineSection: String {
        """
        <section id="timeline-section"><h2>Timeline</h2>
        <p class="hint">Time since the run started. One lane per client worker; each operation a bar from invocation to completion. Wheel or buttons to zoom, drag to pan. Shaded: faults in effect. Top band: the observed leader\(membership.isEmpty ? "" : "; under it, the cluster's members after each membership change (amber: fewer than the run started with)").</p>
        <div class="controls"><button data-zoom="in">Zoom in</button><button data-zoom="out">Zoom out</button><button data-zoom="reset">Whole run</button>\(run.results.check.counterexample == nil ? "" : "<button data-zoom=\"counterexample\">Counterexample</button>")
        <span class="legend"><i class="ok"></i>ok <i class="fail"></i>fail <i class="info"></i>info <i class="cx"></i>in the counterexample <i class="fault"></i>fault</span><span id="view-range" class="muted"></span></div>
        <div class="canvas-wrap"><canvas id="timeline" height="360"></canvas><div id="tooltip" hidden></div></div>
        <div id="leader-legend" class="legend"></div>
        <noscript><p>The timeline, latency and throughput charts need JavaScript; the tables below hold the same faults and figures.</p></noscript>
        \(membershipTable)</section>
        """
    }

    /// The membership changes as a table (the band's figures in text, for print and without script).
    private var membershipTable: String {
        guard !membership.isEmpty else { return "" }
        var s = "<table class=\"grid\" id=\"membership\"><tr><th>At</th><th>Members</th><th>Count</th></tr>"
        s += "<tr><td>start</td><td>\(HTML.escape(run.results.hosts.joined(separator: ", ")))</td><td>\(run.results.hosts.count)</td></tr>"
        for change in membership {
            s += "<tr><td>\(String(format: "%.3f s", Double(change.time) / 1e9))</td><td>\(HTML.escape(change.members.joined(separator: ", ")))</td><td>\(change.members.count)</td></tr>"
        }
        return s + "</table>"
    }

    private var chartsSection: String {
        """
        <section id="latency-section"><h2>Latency</h2><p class="hint">Every operation as a point at its invocation, by outcome (log scale); lines: p50 and p99 of ok operations per interval.</p>
        <div class="canvas-wrap"><canvas id="latency" height="260"></canvas></div></section>
        <section id="throughput-section"><h2>Throughput</h2><p class="hint">Operations completed per second, by outcome.</p>
        <div class="canvas-wrap"><canvas id="throughput" height="200"></canvas></div></section>
        """
    }

    private var checkSection: String {
        let c = run.results.check
        var s = "<section id=\"check\"><h2>Check</h2><table class=\"facts\">"
        s += row("Verdict", c.verdict.rawValue) + row("Model", c.model) + row("Operations checked", String(c.operations))
        s += row("Keys decided", "\(c.decidedPartitions) of \(c.partitions)") + row("Check time", "\(Self.number(c.checkMillis)) ms")
        s += "</table>"
        if let undecided = c.undecided, !undecided.isEmpty {
            s += "<table class=\"grid\"><tr><th>Undecided key</th><th>Why</th></tr>"
            for u in undecided { s += "<tr><td>\(HTML.escape(u.key))</td><td>\(HTML.escape(u.reason))</td></tr>" }
            s += "</table>"
        }
        return s + "</section>"
    }

    private var specSection: String {
        "<section id=\"spec\"><h2>Spec</h2><p class=\"hint\">spec.yml as stored with the run.</p><pre class=\"spec\">\(HTML.escape(run.specText))</pre></section>"
    }

    // MARK: data for the script

    private var dataJSON: String {
        let cx = run.results.check.counterexample
        let position = Dictionary(run.operations.enumerated().map { ($1.invokeIndex, $0) }, uniquingKeysWith: { a, _ in a })
        let named = (cx?.operations.compactMap { position[$0.index] } ?? []).map(String.init).joined(separator: ",")
        let blocking = cx?.blocking.flatMap { position[$0.index] }.map(String.init) ?? "null"
        let faultItems = metrics.faults.map(\.fault).map { f in
            "[\(timeline.micros(f.start)),\(f.end.map { timeline.micros($0) } ?? timeline.end),\(HTML.jsonString(f.kind)),\(f.inEffect)]"
        }.joined(separator: ",")
        let leaderItems = run.leaders.map { "[\(timeline.micros($0.time)),\($0.leader.map(HTML.jsonString) ?? "null")]" }.joined(separator: ",")
        // The band starts with the nodes the run started on, then each recorded change.
        let memberItems = (membership.isEmpty ? [] : [MembershipChange(time: 0, members: run.results.hosts)] + membership).map {
            "[\(timeline.micros($0.time)),[\($0.members.map(HTML.jsonString).joined(separator: ","))]]"
        }.joined(separator: ",")
        return "{\(timeline.jsonMembers),\"counterexample\":[\(named)],\"blocking\":\(blocking),"
            + "\"faults\":[\(faultItems)],\"leaders\":[\(leaderItems)],\"members\":[\(memberItems)]}"
    }

    // MARK: small pieces

    private func row(_ name: String, _ value: String) -> String {
        "<tr><th>\(HTML.escape(name))</th><td>\(HTML.escape(value))</td></tr>"
    }

    private func tile(_ label: String, _ n: Int, id: String, cls: String = "") -> String {
        "<div class=\"tile \(cls)\"><b id=\"\(id)\">\(n)</b>\(HTML.escape(label))</div>"
    }

    static func number(_ x: Double) -> String {
        x >= 100 ? String(format: "%.0f", x) : x >= 10 ? String(format: "%.1f", x) : String(format: "%.2f", x)
    }
}
