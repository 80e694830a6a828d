import Analysis
import Foundation
import History
import Linearizability
import RunRecord

/// `junit.xml` of a run, for CI systems: one test case per check the run knows (linearizability,
/// faults in effect, cluster healed, run completed); a failed check carries its reason.
public struct JUnitFile {
    public struct Case: Equatable {
        public var name: String
        /// nil: passed.
        public var failure: String?
        public var seconds: Double
    }

    public var suite: String
    public var timestamp: String
    public var cases: [Case]

    public init(run: StoredRun) {
        let r = run.results
        suite = "faultline.\(r.test)"
        timestamp = run.timestamp
        var cases: [Case] = []
        let check = r.check
        let linear = r.failure.map { "not checked: \($0)" } ?? Self.linearizabilityFailure(check)
        cases.append(Case(name: "linearizability (\(check.model))", failure: linear, seconds: check.checkMillis / 1000))
        let faults = FaultInterval.faults(in: run.history.events)
        if !faults.isEmpty {
            let notInEffect = faults.filter { !$0.inEffect }
            cases.append(Case(
                name: "faults in effect (\(faults.count - notInEffect.count) of \(faults.count))",
                failure: notInEffect.isEmpty ? nil : notInEffect.map { "\($0.kind): \($0.evidence)" }.joined(separator: "; "),
                seconds: 0))
            // A heal that could not be verified says so in its info (`error: not healed`).
            let unhealed = run.history.events.filter {
                $0.f.hasPrefix("heal") && $0.nemesisFailure != nil
            }
            cases.append(Case(
                name: "cluster healed",
                failure: unhealed.isEmpty ? nil : unhealed.map { "\($0.f): \($0.nemesisFailureText ?? "")" }.joined(separator: "; "),
                seconds: 0))
        }
        cases.append(Case(
            name: "run completed",
            failure: r.failure ?? (r.interrupted ? "the run was interrupted; the history is what was recorded until then" : nil),
            seconds: r.summary.seconds))
        cases.append(Case(
            name: "clients succeeded", failure: r.summary.ok > 0 ? nil : "no operation succeeded in the whole run",
            seconds: 0))
        self.cases = cases
    }

    /// Why the linearizability case failed; nil when it passed.
    private static func linearizabilityFailure(_ check: ResultsFile.Check) -> String? {
        switch check.verdict {
        case .valid: nil
        case .invalid: (check.counterexample?.explanation ?? ["no linearization"]).joined(separator: " ")
        case .unknown: "unknown: \(check.decidedPartitions) of \(check.partitions) keys decided"
            + (check.undecided?.first.map { "; key \($0.key): \($0.reason)" } ?? "")
        }
    }

    public var xml: String {
        let failures = cases.filter { $0.failure != nil }.count
        var s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        s += "<testsuites tests=\"\(cases.count)\" failures=\"\(failures)\">\n"
        s += "  <testsuite name=\"\(HTML.escape(suite))\" tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"0\" timestamp=\"\(HTML.escape(timestamp))\">\n"
        for c in cases {
            s += "    <testcase classname=\"\(HTML.escape(suite))\" name=\"\(HTML.escape(c.name))\" time=\"\(String(format: "%.3f", c.seconds))\""
            if let f = c.failure {
                s += ">\n      <failure message=\"\(HTML.escape(f))\">\(HTML.escape(f))</failure>\n    </testcase>\n"
            } else {
                s += "/>\n"
            }
        }
        return s + "  </testsuite>\n</testsuites>\n"
    }
}
