import RunRecord

/// The transaction checker's findings in a run report: the verdict about the consistency model,
/// the anomaly counts, and each anomaly kept in `results.json` with its explanation and, for a
/// cycle, the cycle drawn as its transactions in order with each edge and why it exists.
struct TransactionSection {
    var check: StoredTransactionCheck

    var html: String {
        let c = check
        var s = "<section id=\"transactions\"><h2>Transactions</h2><p>"
        s += "\(c.transactions) \(HTML.escape(c.model)) transactions held to <strong>\(HTML.escape(c.consistency))</strong>: "
        s += "<strong>\(HTML.escape(c.verdict))</strong>. "
        if c.anomalyCounts.isEmpty {
            s += "No anomaly found."
        } else {
            s += "Anomalies: " + c.anomalyCounts.sorted { $0.key < $1.key }.map { "\(HTML.escape($0.key)) \($0.value)" }.joined(separator: ", ") + ". "
            s += "Consistent with " + (c.consistentWith.isEmpty ? "none of the models checked" : c.consistentWith.map(HTML.escape).joined(separator: ", ")) + " as far as these anomalies tell."
        }
        s += "</p>"
        if let incomplete = c.incomplete { s += "<p class=\"hint\">Incomplete: \(HTML.escape(incomplete))</p>" }
        s += "<p class=\"hint\">Dependency edges: " + c.edgeCounts.sorted { $0.key < $1.key }.map { "\(HTML.escape($0.key)) \($0.value)" }.joined(separator: ", ")
        s += "; \(c.cyclicComponents) cyclic components.</p>"
        for a in c.anomalies { s += anomaly(a) }
        return s + "</section>"
    }

    private func anomaly(_ a: StoredTransactionCheck.Anomaly) -> String {
        var s = "<div class=\"anomaly\"><h3>\(HTML.escape(a.type))\(a.key.map { " on key " + HTML.escape($0) } ?? "")</h3>"
        s += "<p class=\"hint\">Rules out \(a.rulesOut.map(HTML.escape).joined(separator: ", ")).</p>"
        if !a.cycle.isEmpty {
            s += "<ol class=\"cycle\">"
            for (i, edge) in a.cycle.enumerated() {
                let t = a.transactions[edge.from]
                s += "<li><code>T\(edge.from + 1)</code> process \(HTML.escape(t.process)), line \(t.line), \(HTML.escape(t.outcome)): <code>\(HTML.escape(t.ops))</code>"
                s += "<br>&darr; <strong>\(HTML.escape(edge.type))</strong> to T\(edge.to + 1)\(i == a.cycle.count - 1 ? " (back to the start)" : ""): \(HTML.escape(edge.reason))</li>"
            }
            s += "</ol>"
        } else {
            s += "<ul>" + a.transactions.enumerated().map { i, t in
                "<li><code>T\(i + 1)</code> process \(HTML.escape(t.process)), line \(t.line), \(HTML.escape(t.outcome)): <code>\(HTML.escape(t.ops))</code></li>"
            }.joined() + "</ul>"
        }
        s += "<div class=\"explanation\">" + a.explanation.map { "<p>\(HTML.escape($0))</p>" }.joined() + "</div>"
        return s + "</div>"
    }
}
