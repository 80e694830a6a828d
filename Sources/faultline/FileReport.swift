import Foundation
import History
import Linearizability
import Report

/// The result of checking one file, rendered for the terminal or as JSON.
struct FileReport {
    var file: String
    var history: History
    var result: CheckResult
    /// The model and initial value, and the spec.yml they were read from, when a run's spec
    /// chose them; nil when the command line (or the default) did.
    var checkedWith: String? = nil

    /// The check's time without shrinking (`checkMillis`).
    var milliseconds: Double { result.checkElapsed.inMilliseconds }
    /// The time spent shrinking the counterexample (`shrinkMillis`).
    var shrinkMilliseconds: Double { result.shrinkElapsed.inMilliseconds }

    /// `12.3 ms`, or `12.3 ms check + 40.1 ms shrink` when a counterexample was shrunk.
    var timeText: String {
        let check = String(format: "%.1f ms", milliseconds)
        guard result.shrinkElapsed > .zero else { return check }
        return check + String(format: " check + %.1f ms shrink", shrinkMilliseconds)
    }

    /// One summary line, then the counterexample or the undecided partitions when there are any.
    var text: String {
        let r = result
        var out = "\(file): \(r.verdict.rawValue)  \(timeText)  "
            + "\(r.operations) operations  \(r.decidedPartitions)/\(r.partitions.count) partitions decided\n"
        if let checkedWith { out += "  checked as \(checkedWith)\n" }
        if r.verdict == .unknown {
            let undecided = r.partitions.filter { $0.verdict == .unknown }
            for p in undecided.prefix(5) {
                out += "  undecided: key \(p.key.map(\.description) ?? "-") (\(p.operations) operations): \(p.reason ?? "")\n"
            }
            if undecided.count > 5 { out += "  … and \(undecided.count - 5) more\n" }
        }
        if let cx = r.counterexample { out += counterexampleText(cx) }
        return out
    }

    private func counterexampleText(_ cx: Counterexample) -> String {
        var out = "  counterexample\(cx.key.map { " for key \($0)" } ?? ""): \(cx.operations.count) of \(cx.shrunkFrom) operations\n"
        let shown = around(cx)
        if shown.count < cx.operations.count {
            out += "   (the \(shown.count) around the operation that cannot be placed, ✗)\n"
        }
        for op in shown {
            let mark = op.id == cx.blocking?.id ? "✗" : " "
            out += "   \(mark) \(lineRange(op))  process \(op.process)  \(operationText(op))\n"
        }
        if !cx.linearization.isEmpty {
            let shown = cx.linearization.suffix(12)
            out += "  longest linearization found\(shown.count < cx.linearization.count ? " (last \(shown.count) of \(cx.linearization.count) steps)" : ""):\n"
            for step in shown {
                out += "    \(step.description)\(step.optional ? " [context]" : "")  ⇒ \(step.stateAfter)\n"
            }
        }
        for sentence in cx.explanation { out += "  \(sentence)\n" }
        return out
    }

    /// A long counterexample is shown around its blocking operation: the operations that overlap
    /// it, and the last few that completed before it began.
    private func around(_ cx: Counterexample, limit: Int = 24) -> [HistoryOperation] {
        guard cx.operations.count > limit, let b = cx.blocking else { return cx.operations }
        let end = b.completeIndex ?? Int.max
        let overlapping = cx.operations.filter { $0.invokeIndex <= end && ($0.completeIndex ?? Int.max) >= b.invokeIndex }
        let before = cx.operations.filter { ($0.completeIndex ?? Int.max) < b.invokeIndex }.suffix(8)
        return Array(before + overlapping.prefix(limit - before.count)).sorted { $0.invokeIndex < $1.invokeIndex }
    }

    private func lineRange(_ op: HistoryOperation) -> String {
        let start = history.lines[op.invokeIndex]
        guard let end = op.completeIndex.map({ history.lines[$0] }) else { return "line \(start)–" }
        return "lines \(start)–\(end)"
    }

    private func operationText(_ op: HistoryOperation) -> String { OperationText.describe(op) }

    /// The JSON object of this file: `file`, `valid` (true, false or "unknown"), `checkMillis`
    /// (the check without shrinking), `shrinkMillis` (shrinking the counterexample),
    /// `operations`, `partitions`, `decidedPartitions`, `model`, and `counterexample` when invalid.
    var jsonObject: [String: Any] {
        var o: [String: Any] = [
            "file": file,
            "valid": result.verdict == .valid ? true : result.verdict == .invalid ? false : "unknown",
            "checkMillis": (milliseconds * 1000).rounded() / 1000,
            "shrinkMillis": (shrinkMilliseconds * 1000).rounded() / 1000,
            "operations": result.operations,
            "partitions": result.partitions.count,
            "decidedPartitions": result.decidedPartitions,
            "model": result.model,
        ]
        if let checkedWith { o["checkedWith"] = checkedWith }
        if let cx = result.counterexample {
            o["counterexample"] = [
                "key": cx.key.map(\.description) as Any,
                "operations": cx.operations.map { ["process": $0.process.description, "line": history.lines[$0.invokeIndex], "f": $0.f, "description": operationText($0)] },
                "blocking": cx.blockingDescription as Any,
                "statesMet": cx.statesMet,
                "explanation": cx.explanation,
            ] as [String: Any]
        }
        return o
    }

    /// The JSON array of `reports`, then one object per file with nothing to check (`valid`
    /// "unknown", 0 operations, `reason`).
    static func jsonArray(_ reports: [FileReport], nothingToCheck: [String] = []) -> String {
        let empty: [[String: Any]] = nothingToCheck.map {
            ["file": $0, "valid": "unknown", "operations": 0, "partitions": 0, "decidedPartitions": 0,
             "reason": "nothing to check: no operation completed"]
        }
        let data = try! JSONSerialization.data(withJSONObject: reports.map(\.jsonObject) + empty, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}
