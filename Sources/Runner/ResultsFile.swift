import Foundation
import Linearizability

/// `results.json` of a run: what was run, what was observed, and the verdict with its reasons.
struct ResultsFile {
    var spec: TestSpec
    var seed: UInt64
    var summary: RunSummary
    var check: CheckResult
    var versions: [String: String]
    var hosts: [String]
    var interrupted: Bool

    var object: [String: Any] {
        var checkObject: [String: Any] = [
            "verdict": check.verdict.rawValue,
            "model": check.model,
            "operations": check.operations,
            "partitions": check.partitions.count,
            "decidedPartitions": check.decidedPartitions,
            "checkMillis": check.elapsed.inMilliseconds,
        ]
        let undecided = check.partitions.filter { $0.verdict == .unknown }
        if !undecided.isEmpty {
            checkObject["undecided"] = undecided.prefix(20).map { ["key": $0.key?.description ?? "-", "reason": $0.reason ?? ""] }
        }
        if let cx = check.counterexample {
            checkObject["counterexample"] = [
                "key": cx.key?.description as Any,
                "operations": cx.operations.map { ["process": $0.process.description, "f": $0.f, "index": $0.invokeIndex] },
                "explanation": cx.explanation,
            ] as [String: Any]
        }
        let summaryData = (try? JSONEncoder().encode(summary)) ?? Data("{}".utf8)
        return [
            "test": spec.name,
            "seed": seed,
            "valid": check.verdict == .valid ? true : check.verdict == .invalid ? false : "unknown",
            "interrupted": interrupted,
            "database": ["kind": spec.database.kind, "parameters": spec.database.parameters, "versions": versions] as [String: Any],
            "workload": spec.workload.kind,
            "hosts": hosts,
            "timeLimitSeconds": spec.timeLimit.inMilliseconds / 1000,
            "summary": (try? JSONSerialization.jsonObject(with: summaryData)) ?? [:],
            "check": checkObject,
        ]
    }

    func write(to store: RunStore) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        try store.write("results.json", String(decoding: data, as: UTF8.self) + "\n")
    }
}
