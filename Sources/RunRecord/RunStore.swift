import Foundation
import RemoteCore

/// Where a run's files go: `reports/<test>/<UTC timestamp>/` with `spec.yml`, `history.jsonl`,
/// `results.json` and `nodes/<host>/…`.
public struct RunStore: Sendable {
    public var directory: String

    /// The store of an existing run directory (to read it, or to add files to it).
    public init(directory: String) {
        self.directory = directory
    }

    /// Makes a new run directory under `reports` for `test`; never reuses an existing one.
    public static func create(reports: String, test: String, at date: Date = Date()) throws -> RunStore {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let base = (reports as NSString).appendingPathComponent(test)
        var dir = (base as NSString).appendingPathComponent(formatter.string(from: date))
        var n = 1
        while FileManager.default.fileExists(atPath: dir) {
            n += 1
            dir = (base as NSString).appendingPathComponent(formatter.string(from: date) + "-\(n)")
        }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return RunStore(directory: dir)
    }

    public var historyPath: String { path("history.jsonl") }
    public var specPath: String { path("spec.yml") }
    public var resultsPath: String { path("results.json") }
    /// The run was recorded (`results.json` written): finished, or failed and stored as such.
    public var isRecorded: Bool { FileManager.default.fileExists(atPath: resultsPath) }
    /// The observed leader over time (`LeaderSample` lines), for databases that can name it.
    public var leadersPath: String { path("leaders.jsonl") }

    /// The folder for `host`'s downloaded files, made on first use.
    public func nodeDirectory(_ host: String) throws -> String {
        let dir = path("nodes/\(host)")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    public func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }

    /// Writes `text` to `name` in the run directory.
    public func write(_ name: String, _ text: String) throws {
        try AtomicFile.write(Data(text.utf8), to: path(name))
    }
}
