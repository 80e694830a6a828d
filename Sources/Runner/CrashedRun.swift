// The Runner target: a run from spec to stored record: specs, the recorder, the worker pool, the run life cycle.

import Foundation
import History
import Linearizability
import RemoteCore
import RunRecord
import SpecFiles

/// A run directory left by a controller that died before the run finished (SIGKILL, power loss):
/// `spec.yml` and `history.jsonl` but no `results.json`, and no live process holding its
/// `RunLock`. `recover` checks what the history holds with `check --partial` semantics (a line cut
/// short is left out, operations still pending are `info`) and stores it as a crashed run, so
/// reports, the index and `faultline verify` show it.
public enum CrashedRun {
    /// Whether `directory` is a run whose controller died before recording it.
    public static func isCrashed(directory: String) -> Bool {
        let store = RunStore(directory: directory)
        let files = FileManager.default
        return !store.isRecorded && files.fileExists(atPath: store.specPath) && !RunLock.isHeld(directory: directory)
    }

    /// Stores the crashed run in `directory` (`results.json` with `crashed: true`), after deleting
    /// the temporary files a killed atomic write left. Returns false (and writes nothing) when
    /// the directory is not a crashed run. Throws `InputFileError` when its spec cannot be read.
    @discardableResult
    public static func recover(directory: String) async throws -> Bool {
        guard isCrashed(directory: directory) else { return false }
        AtomicFile.removeStaleTemporaries(in: directory)
        let store = RunStore(directory: directory)
        guard let data = FileManager.default.contents(atPath: store.specPath) else {
            throw InputFileError(file: store.specPath, line: nil, message: "cannot read the run's spec")
        }
        let text = String(decoding: data, as: UTF8.self)
        let spec = try TestSpec.parse(text, file: store.specPath, extraFields: ["sweep"])
        let workload = spec.workloadSpec
        let seed = resolved("seed", in: text).flatMap { UInt64($0) } ?? spec.seed ?? 0
        let hosts = resolved("hosts", in: text).map { $0.components(separatedBy: ", ").filter { !$0.isEmpty } } ?? []
        let history: History
        if FileManager.default.fileExists(atPath: store.historyPath) {
            history = try JSONLHistory.read(path: store.historyPath, allowTruncatedTail: true)
        } else {
            history = History(events: [], source: store.historyPath)
        }
        let operations = try history.operations()
        let outcome = try await workload.checking.check(history, timeout: spec.checker.timeout)
        var results = ResultsFile(spec: spec, seed: seed, summary: RunSummary(operations, events: history.events),
                                  check: outcome.check, versions: [:], hosts: hosts, interrupted: true)
        results.transactions = outcome.stored
        results.crashed = true
        results.metrics = store.measure(events: history.events, operations: operations)
        try results.write(to: store)
        return true
    }

    /// Every crashed run under a reports folder (`<reports>/<test>/<time>/`, and a sweep's
    /// `runs/<cell>/<time>/`), sorted.
    public static func find(reports: String) -> [String] {
        let files = FileManager.default
        guard let walker = files.enumerator(atPath: reports) else { return [] }
        var found: [String] = []
        while let relative = walker.nextObject() as? String {
            guard (relative as NSString).lastPathComponent == "spec.yml" else { continue }
            let directory = (reports as NSString).appendingPathComponent((relative as NSString).deletingLastPathComponent)
            if isCrashed(directory: directory) { found.append(directory) }
        }
        return found.sorted()
    }

    /// The value of `# NAME: value` in the lines `TestRun` appends to the stored spec.
    private static func resolved(_ name: String, in text: String) -> String? {
        let prefix = "# \(name): "
        return text.split(separator: "\n").last { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
    }
}
