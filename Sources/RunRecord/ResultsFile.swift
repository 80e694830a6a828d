import Analysis
import Audit
import Foundation
import Linearizability
import SpecFiles

/// `results.json` of a run: what was run, what was observed, and the verdict with its reasons.
///
/// Written at the end of every run and read back by the report, so a report can be rendered again
/// from the stored files without checking the history again. Fields added after the first runs
/// (`specFile`, and in the counterexample `shrunkFrom`, `linearization`, `blocking`, `statesMet`)
/// are optional: older files still read, with what they have.
public struct ResultsFile: Codable, Sendable, Equatable {
    public struct DatabaseInfo: Codable, Sendable, Equatable {
        public var kind: String
        public var parameters: [String: String]
        /// Database version per host.
        public var versions: [String: String]

        public init(kind: String, parameters: [String: String], versions: [String: String]) {
            self.kind = kind
            self.parameters = parameters
            self.versions = versions
        }
    }

    public struct Undecided: Codable, Sendable, Equatable {
        public var key: String
        public var reason: String
    }

    /// An operation of the history, named by the index of its invocation event.
    public struct OperationRef: Codable, Sendable, Equatable {
        public var process: String
        public var f: String
        /// Index of the invocation event in `history.jsonl`.
        public var index: Int
    }

    /// One step of the longest linearization found.
    public struct Step: Codable, Sendable, Equatable {
        /// Index of the operation's invocation event in `history.jsonl`.
        public var index: Int
        public var description: String
        public var stateAfter: String
        /// A context operation that may or may not have taken effect.
        public var optional: Bool
    }

    public struct Blocking: Codable, Sendable, Equatable {
        public var index: Int
        public var description: String?
    }

    public struct StoredCounterexample: Codable, Sendable, Equatable {
        public var key: String?
        /// The shrunk failing operations, in history order.
        public var operations: [OperationRef]
        public var explanation: [String]
        public var shrunkFrom: Int?
        public var linearization: [Step]?
        public var blocking: Blocking?
        public var statesMet: [String]?
    }

    public struct Check: Codable, Sendable, Equatable {
        public var verdict: Verdict
        public var model: String
        public var operations: Int
        public var partitions: Int
        public var decidedPartitions: Int
        public var checkMillis: Double
        public var undecided: [Undecided]?
        public var counterexample: StoredCounterexample?
    }

    /// `true`, `false` or `"unknown"`, as `faultline check --json` writes it.
    public enum Validity: Codable, Sendable, Equatable {
        case valid, invalid, unknown

        init(_ verdict: Verdict) {
            switch verdict {
            case .valid: self = .valid
            case .invalid: self = .invalid
            case .unknown: self = .unknown
            }
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let b = try? c.decode(Bool.self) { self = b ? .valid : .invalid } else { self = .unknown }
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .valid: try c.encode(true)
            case .invalid: try c.encode(false)
            case .unknown: try c.encode("unknown")
            }
        }
    }

    public var test: String
    public var seed: UInt64
    public var valid: Validity
    public var interrupted: Bool
    public var database: DatabaseInfo
    public var workload: String
    public var hosts: [String]
    public var timeLimitSeconds: Double
    /// The spec file the run was started with (for the command that reproduces it).
    public var specFile: String?
    /// The command that runs the test again (`ReproduceCommand`); nil in older files and for
    /// runs that were not started by `faultline run` (sweep cells).
    public var reproduce: String?
    public var summary: RunSummary
    /// Faults, availability and leader figures (`Analysis.RunMetrics`), measured once when the
    /// run was recorded; the report, the index and sweeps read them from here. nil in older files
    /// and when the leader samples could not be read.
    public var metrics: RunMetrics?
    public var check: Check
    /// For a transactional workload (list-append, rw-register): what the transaction checker
    /// found, anomalies explained. nil for the other workloads and in older files.
    public var transactions: StoredTransactionCheck?
    /// Why the run could not be carried out (its set-up failed: a host out of reach, a database
    /// that did not start); nil for a run that ran. A failed run has no verdict: it is stored as
    /// `unknown`, so nightly indexes, junit.xml and reports show the night that did not happen.
    public var failure: String?
    /// The controller died before the run finished (found later by `CrashedRun`): the check is of
    /// what the history holds, with operations still pending counted as `info`. nil in older files.
    public var crashed: Bool?

    /// How the run ended in one word: its verdict, `failed` when it could not be carried out, or
    /// `crashed` when its controller died before it finished.
    public var outcome: String {
        crashed == true ? "crashed" : RunManifest.outcome(verdict: check.verdict.rawValue, failure: failure)
    }

    /// A run's results from what it ran (`test` … `specFile`, as its spec says) and what it
    /// observed. `failure`: see the property; when given, the verdict is `unknown` whatever
    /// `check` says.
    public init(test: String, database: DatabaseInfo, workload: String, timeLimitSeconds: Double, specFile: String?,
                seed: UInt64, summary: RunSummary, check: CheckResult, hosts: [String], interrupted: Bool,
                failure: String? = nil, reproduce: String? = nil) {
        self.reproduce = reproduce
        self.test = test
        self.seed = seed
        let verdict: Verdict = failure == nil ? check.verdict : .unknown
        valid = Validity(verdict)
        self.interrupted = interrupted
        self.failure = failure
        self.database = database
        self.workload = workload
        self.hosts = hosts
        self.timeLimitSeconds = timeLimitSeconds
        self.specFile = specFile
        self.summary = summary
        let undecided = check.partitions.filter { $0.verdict == .unknown }
        self.check = Check(
            verdict: verdict, model: check.model, operations: check.operations,
            partitions: check.partitions.count, decidedPartitions: check.decidedPartitions,
            checkMillis: check.elapsed.inMilliseconds,
            undecided: undecided.isEmpty ? nil : undecided.prefix(20).map { Undecided(key: $0.key?.description ?? "-", reason: $0.reason ?? "") },
            counterexample: check.counterexample.map(StoredCounterexample.init))
    }

    /// Writes `results.json` into the run directory.
    public func write(to store: RunStore) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try store.write("results.json", String(decoding: try encoder.encode(self), as: UTF8.self) + "\n")
    }

    /// Reads a stored `results.json`; a file that cannot be read or decoded is an
    /// `InputFileError` naming it and what was expected.
    public static func read(path: String) throws -> ResultsFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputFileError(file: path, line: nil, message: "cannot read the run's results (expected a run directory with results.json)")
        }
        do {
            return try JSONDecoder().decode(ResultsFile.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw InputFileError(file: path, line: nil, message: "expected field `\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))`")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw InputFileError(file: path, line: nil, message: "unexpected value at `\(context.codingPath.map(\.stringValue).joined(separator: "."))`: \(context.debugDescription)")
        } catch {
            throw InputFileError(file: path, line: nil, message: "expected the JSON object of a run's results")
        }
    }
}

extension ResultsFile.StoredCounterexample {
    init(_ cx: Counterexample) {
        key = cx.key?.description
        operations = cx.operations.map { .init(process: $0.process.description, f: $0.f, index: $0.invokeIndex) }
        explanation = cx.explanation
        shrunkFrom = cx.shrunkFrom
        linearization = cx.linearization.map {
            .init(index: $0.operation.invokeIndex, description: $0.description, stateAfter: $0.stateAfter, optional: $0.optional)
        }
        blocking = cx.blocking.map { .init(index: $0.invokeIndex, description: cx.blockingDescription) }
        statesMet = cx.statesMet
    }
}
