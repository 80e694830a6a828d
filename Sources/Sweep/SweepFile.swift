import Analysis
import Audit
import Foundation

/// `sweep.json`: the expanded plan of a sweep and where each of its runs stands.
public struct SweepFile: Codable, Sendable, Equatable {
    public struct Plan: Codable, Sendable, Equatable {
        public var name: String
        /// The sweep spec file it was started from.
        public var specFile: String
        public var repetitions: Int
        public var baseSeed: UInt64
        public var parameterNames: [String]
        public var cells: [SweepCell]
        /// The load phase of every run (the spec's time limit), in seconds.
        public var timeLimitSeconds: Double
    }

    /// How far one run of the plan got.
    public enum State: String, Codable, Sendable {
        /// Not started yet.
        case pending
        /// Started; a sweep that stopped with a run in this state was interrupted during it.
        case running
        /// Ran to its verdict: skipped when the sweep is resumed.
        case finished
        /// Interrupted (Ctrl-C) or could not be carried out (set-up failed): redone on resume.
        case interrupted, failed
    }

    public struct Run: Codable, Sendable, Equatable {
        /// 1-based cell and repetition.
        public var cell: Int
        public var repetition: Int
        public var seed: UInt64
        public var state: State
        /// The run directory, relative to the sweep directory.
        public var runDirectory: String?
        /// `valid`, `invalid` or `unknown` once finished.
        public var verdict: String?
        /// The inventory (cluster) it ran on.
        public var inventory: String?
        /// Wall time of the whole run, set-up to manifest, in seconds.
        public var seconds: Double?
        public var error: String?
        /// The run's metrics (`Analysis.RunMetrics`), once finished.
        public var metrics: RunMetrics?
    }

    public var plan: Plan
    public var runs: [Run]

    public static let fileName = "sweep.json"

    /// Every run of `plan`, cell by cell, repetition r with seed base + r − 1.
    public init(plan: Plan) {
        self.plan = plan
        runs = plan.cells.indices.flatMap { c in
            (1...plan.repetitions).map { r in
                Run(cell: c + 1, repetition: r, seed: plan.baseSeed &+ UInt64(r - 1), state: .pending)
            }
        }
    }

    /// Writes `sweep.json` into `directory` atomically.
    public func write(to directory: String) throws {
        try JSONFile.write(self, to: (directory as NSString).appendingPathComponent(Self.fileName))
    }

    public static func read(from directory: String) throws -> SweepFile {
        try JSONFile.read(SweepFile.self, from: (directory as NSString).appendingPathComponent(fileName))
    }
}
