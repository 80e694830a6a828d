import Foundation
import History
import Transactions

/// The result of checking one transactional history, for the terminal or as JSON.
struct TransactionFileReport {
    var file: String
    var txns: TransactionHistory
    var result: TransactionCheckResult
    /// Anomalies of one class shown in the text; the rest are counted.
    static let shownPerClass = 3

    var milliseconds: Double { result.elapsed.inMilliseconds }

    /// One summary line, then each anomaly (the first few of each class) with its explanation.
    var text: String {
        let r = result
        var out = "\(file): \(r.verdict.rawValue)  \(String(format: "%.1f", milliseconds)) ms  "
            + "\(r.transactions) transactions  \(r.model.rawValue) as \(r.consistency.rawValue)  "
            + (r.anomalies.isEmpty ? "no anomaly" : "anomalies: " + r.counts.map { "\($0.0.rawValue) \($0.1)" }.joined(separator: ", "))
            + "\n"
        if let incomplete = r.incomplete { out += "  incomplete: \(incomplete)\n" }
        if !r.anomalies.isEmpty {
            let allowed = r.counts.filter { !r.consistency.forbids($0.0) }.map { $0.0.rawValue }
            if !allowed.isEmpty { out += "  \(r.consistency.rawValue) allows \(allowed.joined(separator: ", "))\n" }
            let models = r.modelsNotRuledOut.map(\.rawValue)
            out += "  consistent with \(models.isEmpty ? "none of the models checked" : models.joined(separator: ", ")) as far as these anomalies tell\n"
        }
        for (kind, count) in r.counts {
            let shown = r.anomalies.filter { $0.kind == kind }.prefix(Self.shownPerClass)
            for a in shown {
                out += "  \(kind.rawValue)\(a.key.map { " on key \($0)" } ?? ""):\n"
                for sentence in a.explanation { out += "    \(sentence)\n" }
            }
            if count > shown.count { out += "  … and \(count - shown.count) more \(kind.rawValue)\n" }
        }
        return out
    }

    /// The JSON object of this file: `file`, `valid` (true, false or "unknown"), `checkMillis`,
    /// `transactions`, `model`, `consistency`, `anomalyCounts`, `anomalies` (each with `type`,
    /// `rulesOut`, `key`, `transactions` with their lines, `cycle` edges with their reasons,
    /// `explanation`), and `incomplete` when the search stopped early.
    var jsonObject: [String: Any] {
        var o: [String: Any] = [
            "file": file,
            "valid": result.verdict == .valid ? true : result.verdict == .invalid ? false : "unknown",
            "checkMillis": (milliseconds * 1000).rounded() / 1000,
            "transactions": result.transactions,
            "model": result.model.rawValue,
            "consistency": result.consistency.rawValue,
            "anomalyCounts": Dictionary(uniqueKeysWithValues: result.counts.map { ($0.0.rawValue, $0.1) }),
            "anomalies": result.anomalies.map(anomalyObject),
        ]
        if let incomplete = result.incomplete { o["incomplete"] = incomplete }
        return o
    }

    private func anomalyObject(_ a: Anomaly) -> [String: Any] {
        var o: [String: Any] = [
            "type": a.kind.rawValue,
            "rulesOut": ConsistencyModel.allCases.filter { $0.forbids(a.kind) }.map(\.rawValue),
            "transactions": a.transactions.map { id -> [String: Any] in
                let t = txns.transactions[id]
                var d: [String: Any] = ["line": t.invokeLine, "process": t.process.description, "outcome": t.outcome.rawValue, "ops": t.opsText]
                if let c = t.completeLine { d["completeLine"] = c }
                return d
            },
            "explanation": a.explanation,
        ]
        if let key = a.key { o["key"] = key.description }
        if !a.steps.isEmpty {
            o["cycle"] = a.steps.map { s -> [String: Any] in
                ["from": txns.transactions[s.from].invokeLine, "to": txns.transactions[s.to].invokeLine, "type": s.kind.name, "reason": s.reason]
            }
        }
        return o
    }

    /// The JSON array of `reports`, then one object per file with nothing to check.
    static func jsonArray(_ reports: [TransactionFileReport], nothingToCheck: [String] = []) -> String {
        let empty: [[String: Any]] = nothingToCheck.map {
            ["file": $0, "valid": "unknown", "transactions": 0, "reason": "nothing to check: no transaction completed"]
        }
        let data = try! JSONSerialization.data(withJSONObject: reports.map(\.jsonObject) + empty, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}
