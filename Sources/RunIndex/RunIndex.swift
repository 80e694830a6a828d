// The RunIndex target: the nightly index of stored runs (SQLite) and the trends page.

import Analysis
import Audit
import Foundation
import GRDB
import RemoteCore
import RunRecord

/// One run as the index keeps it: what ran, when, its verdict and tuning, and its main metrics.
public struct IndexedRun: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "run"

    /// The run directory (absolute): the key.
    public var directory: String
    public var test: String
    /// UTC, ISO 8601 (from the manifest).
    public var startedAt: String
    public var verdict: String
    public var seed: String
    public var database: String
    /// The database parameters, `name=value` joined by `, `, sorted.
    public var parameters: String
    public var failoverSeconds: Double?
    public var unavailableSeconds: Double?
    public var leaderChanges: Int?
    public var spuriousElections: Int?
    public var okPerSecond: Double?
    public var latencyQuietP99: Double?
    public var latencyFaultyP99: Double?
}

/// `reports/faultline.sqlite`: every run stored under a reports folder, for trends across nights.
///
/// Contract: `add` reads a finished run directory (its `manifest.json`, history and leader
/// samples) and inserts or replaces its row, so indexing a run twice keeps one row.
public struct RunIndex: Sendable {
    public static let fileName = "faultline.sqlite"
    private let queue: DatabaseQueue

    /// Opens (creating and migrating) the index at `path`.
    public init(path: String) throws {
        queue = try DatabaseQueue(path: path)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("runs") { db in
            try db.create(table: IndexedRun.databaseTableName) { t in
                t.primaryKey("directory", .text)
                t.column("test", .text).notNull().indexed()
                t.column("startedAt", .text).notNull()
                t.column("verdict", .text).notNull()
                t.column("seed", .text).notNull()
                t.column("database", .text).notNull()
                t.column("parameters", .text).notNull()
                t.column("failoverSeconds", .double)
                t.column("unavailableSeconds", .double)
                t.column("leaderChanges", .integer)
                t.column("spuriousElections", .integer)
                t.column("okPerSecond", .double)
                t.column("latencyQuietP99", .double)
                t.column("latencyFaultyP99", .double)
            }
        }
        try migrator.migrate(queue)
    }

    /// Indexes the finished run in `directory`.
    @discardableResult
    public func add(runDirectory directory: String) throws -> IndexedRun {
        let store = RunStore(directory: directory)
        if let results = try? ResultsFile.read(path: store.resultsPath), results.crashed == true {
            return try addCrashed(directory, results)
        }
        let manifest = try RunManifest.read(from: directory)
        return try upsert(directory, test: manifest.test, startedAt: manifest.startedAt, verdict: manifest.outcome,
                          seed: manifest.seed, database: manifest.database, parameters: manifest.parameters)
    }

    /// A crashed run has no manifest: its row comes from `results.json`, started when its
    /// directory says (`RunStore`'s UTC name).
    private func addCrashed(_ directory: String, _ results: ResultsFile) throws -> IndexedRun {
        let name = (directory as NSString).lastPathComponent
        let parser = DateFormatter()
        parser.locale = Locale(identifier: "en_US_POSIX")
        parser.timeZone = TimeZone(identifier: "UTC")
        parser.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let started = parser.date(from: String(name.prefix(16))).map(Transcript.timestamp) ?? name
        return try upsert(directory, test: results.test, startedAt: started, verdict: results.outcome,
                          seed: results.seed, database: results.database.kind, parameters: results.database.parameters)
    }

    /// Writes the row of the run in `directory`, with the metrics its store holds.
    private func upsert(_ directory: String, test: String, startedAt: String, verdict: String, seed: UInt64,
                        database: String, parameters: [String: String]) throws -> IndexedRun {
        let metrics = RunStore(directory: directory).metrics()
        let run = IndexedRun(
            directory: URL(fileURLWithPath: directory).standardizedFileURL.path, test: test,
            startedAt: startedAt, verdict: verdict, seed: String(seed), database: database,
            parameters: parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "),
            failoverSeconds: metrics?.medianFailoverSeconds, unavailableSeconds: metrics?.unavailableSeconds,
            leaderChanges: metrics?.leaderChanges, spuriousElections: metrics?.spuriousElections,
            okPerSecond: metrics?.okPerSecond, latencyQuietP99: metrics?.latencyQuiet.p99,
            latencyFaultyP99: metrics?.latencyFaulty.p99)
        try queue.write { db in try run.upsert(db) }
        return run
    }

    /// Every indexed run, oldest first.
    public func runs() throws -> [IndexedRun] {
        try queue.read { db in try IndexedRun.order(Column("startedAt"), Column("directory")).fetchAll(db) }
    }
}
