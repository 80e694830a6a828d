/// A fault as the report shades and tabulates it.
struct FaultBand {
    var start: Int64
    /// When it was healed; nil: still in effect when the history ends.
    var end: Int64?
    var label: String
    var inEffect: Bool
    /// What the nemesis recorded as evidence (rules present, process stopped, …).
    var evidence: String
    /// Nanoseconds from the fault's start to the first ok operation / ok write after it.
    var toFirstOk: Int64?
    var toFirstOkWrite: Int64?
}

/// The availability figures of a run, for the table that also prints.
struct AvailabilityFigures {
    struct Window { var start: Int64; var end: Int64 }
    /// Windows in which no operation succeeded.
    var unavailable: [Window]
    var leaderChanges: Int?
    var rows: [(String, String)]
}

/// Faults and availability as static tables: what the canvases show, also on paper.
struct AvailabilitySection {
    var figures: AvailabilityFigures?
    var faults: [FaultBand]
    var timeline: TimelineData
    var leaders: [LeaderSample]

    var html: String {
        var s = "<section id=\"availability\"><h2>Faults and availability</h2>"
        s += leaderTable
        if faults.isEmpty {
            s += "<p>No faults were injected in this run.</p>"
        } else {
            s += "<table class=\"grid\" id=\"faults\"><tr><th>Fault</th><th>From</th><th>To</th><th>In effect</th><th>First ok after</th><th>First ok write after</th><th>Evidence</th></tr>"
            for f in faults {
                s += "<tr class=\"\(f.inEffect ? "" : "not-in-effect")\"><td>\(HTML.escape(f.label))</td><td>\(seconds(f.start))</td>"
                s += "<td>\(f.end.map(seconds) ?? "end")</td><td>\(f.inEffect ? "yes" : "<strong>no</strong>")</td>"
                s += "<td>\(f.toFirstOk.map(Self.span) ?? "–")</td><td>\(f.toFirstOkWrite.map(Self.span) ?? "–")</td>"
                s += "<td class=\"evidence\">\(HTML.escape(f.evidence))</td></tr>"
            }
            s += "</table>"
        }
        guard let figures else {
            return s + "</section>"
        }
        if figures.unavailable.isEmpty {
            s += "<p id=\"unavailable\">No window without a successful operation.</p>"
        } else {
            s += "<table class=\"grid\" id=\"unavailable\"><tr><th>No operation succeeded from</th><th>To</th><th>For</th></tr>"
            for w in figures.unavailable {
                s += "<tr><td>\(seconds(w.start))</td><td>\(seconds(w.end))</td><td>\(Self.span(w.end - w.start))</td></tr>"
            }
            s += "</table>"
        }
        if !figures.rows.isEmpty {
            s += "<table class=\"facts\" id=\"availability-figures\">"
            s += figures.rows.map { "<tr><th>\(HTML.escape($0.0))</th><td>\(HTML.escape($0.1))</td></tr>" }.joined()
            s += "</table>"
        }
        return s + "</section>"
    }

    /// The observed leader over time, as the timeline's band shows it; long lists are cut.
    private var leaderTable: String {
        guard !leaders.isEmpty else { return "<p class=\"muted\">No leader samples were stored for this run.</p>" }
        let shown = leaders.prefix(40)
        var s = "<details class=\"leaders\" open><summary>Leader over time (\(leaders.count) changes)</summary>"
        s += "<table class=\"grid\" id=\"leaders\"><tr><th>From</th><th>Leader</th></tr>"
        for sample in shown {
            s += "<tr><td>\(seconds(sample.time))</td><td>\(sample.leader.map(HTML.escape) ?? "<em>no agreed leader</em>")</td></tr>"
        }
        if leaders.count > shown.count { s += "<tr><td colspan=\"2\" class=\"muted\">… and \(leaders.count - shown.count) more in leaders.jsonl</td></tr>" }
        return s + "</table></details>"
    }

    /// A time on the history's clock as seconds since the first event.
    private func seconds(_ t: Int64) -> String {
        String(format: "%.2f s", Double(timeline.micros(t)) / 1e6)
    }

    static func span(_ ns: Int64) -> String {
        ns >= 1_000_000_000 ? String(format: "%.2f s", Double(ns) / 1e9) : String(format: "%.0f ms", Double(ns) / 1e6)
    }
}
