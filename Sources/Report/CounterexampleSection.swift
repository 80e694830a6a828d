import History
import RunRecord

/// The counterexample of an invalid run, in the spirit of Porcupine's view: the shrunk failing
/// operations on their own timeline (SVG), the longest linearization found step by step with the
/// state after each, and the operation that could not be placed with the states it met.
struct CounterexampleSection {
    var counterexample: ResultsFile.StoredCounterexample
    var run: StoredRun

    var html: String {
        let cx = counterexample
        let byIndex = Dictionary(run.operations.map { ($0.invokeIndex, $0) }, uniquingKeysWith: { a, _ in a })
        let ops = cx.operations.compactMap { byIndex[$0.index] }
        // Context operations the linearization places (they may or may not have taken effect)
        // are drawn too, lighter, so every numbered step has its bar.
        let named = Set(cx.operations.map(\.index))
        let context = (cx.linearization ?? []).filter { !named.contains($0.index) }.compactMap { byIndex[$0.index] }
        var s = "<section id=\"counterexample\"><h2>Counterexample\(cx.key.map { " for key " + HTML.escape($0) } ?? "")</h2>"
        s += "<div class=\"explanation\">" + cx.explanation.map { "<p>\(HTML.escape($0))</p>" }.joined() + "</div>"
        s += "<p class=\"hint\">\(ops.count) operations\(cx.shrunkFrom.map { " (shrunk from \($0))" } ?? "")\(context.isEmpty ? "" : ", and \(context.count) context operations the linearization lets take effect (lighter)"). "
        s += "Bars span invocation to completion in event order; the numbers are the order of the longest linearization found; red: the operation that could not be placed.</p>"
        s += svg((ops + context).sorted { $0.invokeIndex < $1.invokeIndex }, context: Set(context.map(\.invokeIndex)),
                 steps: cx.linearization ?? [], blocking: cx.blocking?.index)
        s += blockingPart(byIndex)
        s += stepsTable(cx.linearization, byIndex)
        return s + "</section>"
    }

    /// The operations on a timeline whose x axis is the order of their events, so that which
    /// operation overlaps which is plain however short they were.
    private func svg(_ ops: [HistoryOperation], context: Set<Int>, steps: [ResultsFile.Step], blocking: Int?) -> String {
        let processes = Array(Set(ops.map(\.process.description))).sorted { (Int($0) ?? 0, $0) < (Int($1) ?? 0, $1) }
        let lane = Dictionary(uniqueKeysWithValues: processes.enumerated().map { ($1, $0) })
        let events = Array(Set(ops.flatMap { [$0.invokeIndex] + ($0.completeIndex.map { [$0] } ?? []) })).sorted()
        let slot = Dictionary(uniqueKeysWithValues: events.enumerated().map { ($1, $0) })
        let stepOf = Dictionary(steps.enumerated().map { ($1.index, $0 + 1) }, uniquingKeysWith: { a, _ in a })
        let unit = 16.0, left = 70.0, laneHeight = 26.0
        let width = left + Double(events.count + 1) * unit + 10
        let height = Double(processes.count) * laneHeight + 24
        var s = "<div class=\"svg-scroll\"><svg id=\"counterexample-svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\">"
        for (i, p) in processes.enumerated() {
            let y = Double(i) * laneHeight + 20
            s += "<text x=\"4\" y=\"\(y + 15)\" class=\"lane-label\">process \(HTML.escape(p))</text>"
            s += "<line x1=\"\(left)\" x2=\"\(width)\" y1=\"\(y + laneHeight - 2)\" y2=\"\(y + laneHeight - 2)\" class=\"lane-line\"/>"
        }
        for op in ops {
            let x0 = left + Double(slot[op.invokeIndex] ?? 0) * unit
            let x1 = left + Double(op.completeIndex.flatMap { slot[$0] } ?? events.count) * unit + unit * 0.8
            let y = Double(lane[op.process.description] ?? 0) * laneHeight + 22
            let cls = op.invokeIndex == blocking ? "blocking" : op.outcome.rawValue + (context.contains(op.invokeIndex) ? " context" : "")
            s += "<g class=\"op \(cls)\"><title>\(HTML.escape(OperationText.describe(op)))  (process \(op.process), event \(op.invokeIndex))</title>"
            s += "<rect x=\"\(x0)\" y=\"\(y)\" width=\"\(max(x1 - x0, 4))\" height=\"\(laneHeight - 8)\" rx=\"3\"/>"
            if let n = stepOf[op.invokeIndex] {
                s += "<text x=\"\(x0 + 3)\" y=\"\(y + 13)\" class=\"step-no\">\(n)</text>"
            } else if op.invokeIndex == blocking {
                s += "<text x=\"\(x0 + 3)\" y=\"\(y + 13)\" class=\"step-no\">✗</text>"
            }
            s += "</g>"
        }
        return s + "</svg></div>"
    }

    private func blockingPart(_ byIndex: [Int: HistoryOperation]) -> String {
        guard let b = counterexample.blocking else { return "" }
        let op = byIndex[b.index]
        var s = "<div class=\"blocking-box\" id=\"blocking\"><h3>Could not be placed</h3><p>"
        s += HTML.escape(op.map { "Process \($0.process): \(OperationText.describe($0))" } ?? "Event \(b.index)")
        if let d = b.description { s += " — in the model's words: <code>\(HTML.escape(d))</code>" }
        s += "</p>"
        if let states = counterexample.statesMet, !states.isEmpty {
            s += "<p>States it met, in none of which it is legal:</p><ul class=\"states\">"
            s += states.map { "<li><code>\(HTML.escape($0))</code></li>" }.joined() + "</ul>"
        }
        return s + "</div>"
    }

    private func stepsTable(_ steps: [ResultsFile.Step]?, _ byIndex: [Int: HistoryOperation]) -> String {
        guard let steps else {
            return "<p class=\"muted\">This run's results.json was written before linearizations were stored; "
                + "<code>faultline check --model \(HTML.escape(run.results.check.model)) history.jsonl</code> shows it.</p>"
        }
        var s = "<h3>Longest linearization found (\(steps.count) steps)</h3><div class=\"steps-scroll\"><table class=\"grid steps\" id=\"linearization\">"
        s += "<tr><th>#</th><th>Process</th><th>Operation</th><th>State after</th><th>What happens</th></tr>"
        for (i, step) in steps.enumerated() {
            let process = byIndex[step.index].map { "\($0.process)" } ?? "?"
            let sentence = step.optional
                ? "\(step.description) did not complete with ok, so it may or may not have taken effect; the search lets it take effect here, leaving \(step.stateAfter)."
                : "\(step.description) takes effect, leaving \(step.stateAfter)."
            s += "<tr\(step.optional ? " class=\"optional\"" : "")><td>\(i + 1)</td><td>\(HTML.escape(process))</td>"
            s += "<td><code>\(HTML.escape(step.description))</code></td><td><code>\(HTML.escape(step.stateAfter))</code></td><td>\(HTML.escape(sentence))</td></tr>"
        }
        return s + "</table></div>"
    }
}
