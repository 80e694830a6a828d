import Analysis
import Foundation
import History
import RunRecord
import SpecFiles

/// Everything a report shows, read from a run directory: `results.json`, `spec.yml`,
/// `history.jsonl`, `leaders.jsonl` (when present) and the node logs under `nodes/`.
public struct StoredRun: Sendable {
    public var directory: String
    public var results: ResultsFile
    /// `spec.yml` as stored, verbatim.
    public var specText: String
    public var history: History
    public var operations: [HistoryOperation]
    public var leaders: [LeaderSample]
    /// Node log files, relative to the run directory (`nodes/n1/etcd.log`), sorted.
    public var nodeLogs: [String]

    /// Reads the run stored in `directory`. Throws `InputFileError`, `HistoryError` or
    /// `LeaderFileError` (each names the file, and the line where there is one) when a file is
    /// missing or malformed.
    public static func load(directory: String) throws -> StoredRun {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw InputFileError(file: directory, line: nil, message: "expected a run directory (reports/<test>/<time>/)")
        }
        let store = RunStore(directory: directory)
        let results = try ResultsFile.read(path: store.resultsPath)
        guard let spec = FileManager.default.contents(atPath: store.specPath) else {
            throw InputFileError(file: store.specPath, line: nil, message: "cannot read the run's spec")
        }
        let history = try JSONLHistory.read(path: store.historyPath, allowTruncatedTail: true)
        return StoredRun(
            directory: directory, results: results, specText: String(decoding: spec, as: UTF8.self),
            history: history, operations: try history.operations(),
            leaders: try LeaderSample.read(path: store.leadersPath),
            nodeLogs: logFiles(in: store))
    }

    /// The directory's name: the run's UTC start time as `RunStore` wrote it.
    public var timestamp: String { (directory as NSString).lastPathComponent }

    private static func logFiles(in store: RunStore) -> [String] {
        let nodes = store.path("nodes")
        guard let hosts = try? FileManager.default.contentsOfDirectory(atPath: nodes) else { return [] }
        return hosts.sorted().flatMap { host in
            let files = (try? FileManager.default.contentsOfDirectory(atPath: (nodes as NSString).appendingPathComponent(host))) ?? []
            return files.sorted().map { "nodes/\(host)/\($0)" }
        }
    }
}
