// The Sweep target: sweeps over tunings: matrices of cells, the sweep runner, sweep.json and compare.html.

import Analysis
import Foundation
import RemoteCore
import RunRecord

/// `compare.html` of a sweep: per cell, the distribution over repetitions of each metric
/// (min / median / max, every repetition a dot on an axis shared by all cells), the verdicts,
/// the differences of the medians between cells, and the recommended cell. Self-contained: inline
/// CSS and SVG, no scripts, no external addresses.
/// Escaping is `Runner.HTMLText`, which the run report shares.
public struct CompareReport {
    /// One compared figure of a run.
    struct Metric: Sendable {
        var name: String
        var unit: String
        var value: @Sendable (RunMetrics) -> Double?
    }

    static let metrics: [Metric] = [
        Metric(name: "failover (median per run)", unit: "s") { $0.medianFailoverSeconds },
        Metric(name: "unavailable time", unit: "s") { $0.unavailableSeconds },
        Metric(name: "leader changes", unit: "") { Double($0.leaderChanges) },
        Metric(name: "spurious elections", unit: "") { Double($0.spuriousElections) },
        Metric(name: "latency quiet p50", unit: "ms") { $0.latencyQuiet.count > 0 ? $0.latencyQuiet.p50 : nil },
        Metric(name: "latency quiet p99", unit: "ms") { $0.latencyQuiet.count > 0 ? $0.latencyQuiet.p99 : nil },
        Metric(name: "latency faulty p50", unit: "ms") { $0.latencyFaulty.count > 0 ? $0.latencyFaulty.p50 : nil },
        Metric(name: "latency faulty p99", unit: "ms") { $0.latencyFaulty.count > 0 ? $0.latencyFaulty.p99 : nil },
        Metric(name: "ok rate", unit: "/s") { $0.okPerSecond },
        Metric(name: "fail rate", unit: "/s") { $0.failPerSecond },
        Metric(name: "info rate", unit: "/s") { $0.infoPerSecond },
    ]

    public let file: SweepFile

    public init(file: SweepFile) {
        self.file = file
    }

    /// The runs of cell `c` (1-based) that finished.
    func finished(_ c: Int) -> [SweepFile.Run] {
        file.runs.filter { $0.cell == c && $0.state == .finished }
    }

    /// The 1-based cell with the least median unavailable time among the cells whose every run
    /// finished valid without spurious elections; nil when no cell qualifies.
    public var recommendedCell: Int? {
        let candidates = file.plan.cells.indices.map { $0 + 1 }.filter { c in
            let all = file.runs.filter { $0.cell == c }
            return !all.isEmpty && all.allSatisfy {
                $0.state == .finished && $0.verdict == "valid" && $0.metrics?.spuriousElections == 0
            }
        }
        return candidates.min { median(1, $0) ?? .infinity < median(1, $1) ?? .infinity }
    }

    /// The median of metric `m` (index into `metrics`) over cell `c`'s finished runs.
    func median(_ m: Int, _ c: Int) -> Double? {
        let values = finished(c).compactMap { $0.metrics.flatMap(Self.metrics[m].value) }.sorted()
        return values.isEmpty ? nil : values[values.count / 2]
    }

    public var html: String {
        let plan = file.plan
        var out = """
            <!doctype html><html lang="en"><head><meta charset="utf-8">
            <title>\(h(plan.name)): sweep comparison</title>
            <style>
            body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
            table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
            th:first-child,td:first-child{text-align:left}.best{background:#e6f4e6}.bad{color:#b00}
            svg circle{fill:#357}svg line{stroke:#999}
            @media print{body{margin:0}section{page-break-inside:avoid}}
            </style></head><body>
            <h1>\(h(plan.name)): \(plan.cells.count) cells × \(plan.repetitions) repetitions</h1>
            <p>Spec <code>\(h(plan.specFile))</code>; repetition r uses seed \(plan.baseSeed) + r − 1 in every cell, so the cells differ only in \(h(plan.parameterNames.joined(separator: ", "))). Load phase \(fmt(plan.timeLimitSeconds)) s per run.</p>

            """
        if let best = recommendedCell {
            out += "<p><strong>Recommended: cell \(best) (\(h(plan.cells[best - 1].label(plan.parameterNames))))</strong>: the least median unavailable time among the cells whose every run was valid with no spurious election.</p>\n"
        } else {
            out += "<p><strong>No cell recommended</strong>: none had every run finished valid with no spurious election.</p>\n"
        }
        out += differences()
        for c in plan.cells.indices.map({ $0 + 1 }) { out += cellTable(c) }
        return out + "</body></html>\n"
    }

    /// Medians per cell and metric, with the difference from the recommended (else the first) cell.
    private func differences() -> String {
        let cells = file.plan.cells.indices.map { $0 + 1 }
        let base = recommendedCell ?? 1
        var out = "<section><h2>Medians and differences from cell \(base)</h2><table><tr><th>metric</th>"
        out += cells.map { "<th\($0 == recommendedCell ? " class=\"best\"" : "")>cell \($0)<br>\(h(file.plan.cells[$0 - 1].label(file.plan.parameterNames)))</th>" }.joined()
        out += "</tr>\n"
        for (m, metric) in Self.metrics.enumerated() {
            out += "<tr><td>\(h(metric.name))\(metric.unit.isEmpty ? "" : " (\(h(metric.unit)))")</td>"
            for c in cells {
                guard let v = median(m, c) else { out += "<td>–</td>"; continue }
                let spread = range(m, c).map { " [\(fmt($0.0))–\(fmt($0.1))]" } ?? ""
                let delta = c == base ? "" : median(m, base).map { " (\(sign(v - $0)))" } ?? ""
                out += "<td>\(fmt(v))\(delta)<br><small>\(spread)</small></td>"
            }
            out += "</tr>\n"
        }
        return out + "</table></section>\n"
    }

    private func range(_ m: Int, _ c: Int) -> (Double, Double)? {
        let values = finished(c).compactMap { $0.metrics.flatMap(Self.metrics[m].value) }
        guard let lo = values.min(), let hi = values.max() else { return nil }
        return (lo, hi)
    }

    /// One cell: every metric's min / median / max and its repetitions as dots, then the verdicts.
    private func cellTable(_ c: Int) -> String {
        let plan = file.plan
        let runs = file.runs.filter { $0.cell == c }
        var out = "<section><h2\(c == recommendedCell ? " class=\"best\"" : "")>Cell \(c): \(h(plan.cells[c - 1].label(plan.parameterNames)))</h2>"
        out += "<table><tr><th>metric</th><th>min</th><th>median</th><th>max</th><th>repetitions</th></tr>\n"
        for (m, metric) in Self.metrics.enumerated() {
            let values = finished(c).compactMap { $0.metrics.flatMap(metric.value) }
            let sorted = values.sorted()
            let cells = sorted.isEmpty ? "<td>–</td><td>–</td><td>–</td>"
                : "<td>\(fmt(sorted[0]))</td><td>\(fmt(sorted[sorted.count / 2]))</td><td>\(fmt(sorted[sorted.count - 1]))</td>"
            out += "<tr><td>\(h(metric.name))\(metric.unit.isEmpty ? "" : " (\(h(metric.unit)))")</td>\(cells)<td>\(dots(values, axis: axis(m)))</td></tr>\n"
        }
        let verdicts = runs.map { r in
            let v = r.state == .finished ? (r.verdict ?? "?") : r.state.rawValue
            return "<span\(v == "valid" ? "" : " class=\"bad\"")>rep \(r.repetition): \(h(v))</span>"
        }
        out += "<tr><td>verdicts</td><td colspan=\"4\">\(verdicts.joined(separator: ", "))</td></tr></table></section>\n"
        return out
    }

    /// The largest value of metric `m` over every run: the shared axis of its dots.
    private func axis(_ m: Int) -> Double {
        max(file.runs.compactMap { $0.metrics.flatMap(Self.metrics[m].value) }.max() ?? 0, 1e-9)
    }

    private func dots(_ values: [Double], axis: Double) -> String {
        let width = 200.0
        var svg = "<svg width=\"\(Int(width) + 10)\" height=\"14\" role=\"img\"><line x1=\"5\" y1=\"7\" x2=\"\(Int(width) + 5)\" y2=\"7\"/>"
        for v in values { svg += "<circle cx=\"\(fmt(5 + width * v / axis))\" cy=\"7\" r=\"3.5\"><title>\(fmt(v))</title></circle>" }
        return svg + "</svg>"
    }

    private func fmt(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e9 { return String(Int(v)) }
        return String(format: abs(v) < 10 ? "%.2f" : "%.1f", v)
    }

    private func sign(_ d: Double) -> String { d >= 0 ? "+" + fmt(d) : "−" + fmt(-d) }

    private func h(_ s: String) -> String { HTMLText.escape(s) }

    /// Writes `compare.html` into `directory` (atomically).
    public func write(to directory: String) throws {
        try AtomicFile.write(Data(html.utf8), to: (directory as NSString).appendingPathComponent("compare.html"))
    }
}
