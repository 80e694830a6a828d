import Analysis
import Foundation
import RemoteCore

/// `manifest.json` of a run: what an auditor needs to check the run's record without trusting
/// the machine that made it. Written last, after every other file of the run directory.
public struct RunManifest: Codable, Sendable, Equatable {
    /// A file of the run directory: its SHA-256 (hex) and size in bytes.
    public struct Artifact: Codable, Sendable, Equatable {
        public var sha256: String
        public var size: Int
        public init(sha256: String, size: Int) {
            self.sha256 = sha256
            self.size = size
        }
    }

    public struct Build: Codable, Sendable, Equatable {
        public var version: String
        public var commit: String
        /// Tracked files differed from `commit` when it was built.
        public var dirty: Bool

        /// This Faultline binary's build.
        public static let current = Build(version: FaultlineBuild.version, commit: FaultlineBuild.commit, dirty: FaultlineBuild.dirty)
    }

    public struct Host: Codable, Sendable, Equatable {
        public var name: String
        public var address: String
        public init(name: String, address: String) {
            self.name = name
            self.address = address
        }
    }

    /// The database binary on one host, as read there over the host's `Remote`.
    public struct DatabaseBinary: Codable, Sendable, Equatable {
        public var host: String
        public var path: String
        /// What the binary says its version is; nil when it could not be asked.
        public var version: String?
        /// `sha256sum` of the binary on the host; nil when it could not be read (see `error`).
        public var sha256: String?
        public var error: String?
        public init(host: String, path: String, version: String?, sha256: String?, error: String?) {
            self.host = host
            self.path = path
            self.version = version
            self.sha256 = sha256
            self.error = error
        }
    }

    /// How the history was checked, so `faultline verify` can check it again the same way.
    public struct Check: Codable, Sendable, Equatable {
        /// A `BuiltInModel` name.
        public var model: String
        /// The initial value, as a `Value` literal.
        public var initial: String
        public var timeoutSeconds: Double
        /// `valid`, `invalid` or `unknown`.
        public var verdict: String
        public init(model: String, initial: String, timeoutSeconds: Double, verdict: String) {
            self.model = model
            self.initial = initial
            self.timeoutSeconds = timeoutSeconds
            self.verdict = verdict
        }
    }

    /// The form of this file; bumped when a field changes meaning.
    public var format = 1
    public var faultline: Build
    public var test: String
    /// The spec file the run was started from (its resolved text is the artifact `spec.yml`).
    public var specFile: String
    public var seed: UInt64
    /// UTC, ISO 8601.
    public var startedAt: String
    public var endedAt: String
    public var interrupted: Bool
    public var hosts: [Host]
    public var database: String
    public var parameters: [String: String]
    public var binaries: [DatabaseBinary]
    /// Every fault, from the history's nemesis invoke/info pairs, with its evidence.
    public var faults: [FaultInterval]
    public var check: Check
    /// Why the run could not be carried out (its set-up failed); nil for a run that ran. The
    /// verdict of a failed run is `unknown`: there is nothing to check.
    public var failure: String?

    /// How the run ended in one word: its verdict, or `failed` when it could not be carried out.
    public var outcome: String { Self.outcome(verdict: check.verdict, failure: failure) }

    /// `outcome` of a run with this stored verdict and failure (shared with `results.json`).
    public static func outcome(verdict: String, failure: String?) -> String { failure == nil ? verdict : "failed" }
    /// SHA-256 of `transcript.jsonl` (also among the artifacts).
    public var transcriptSHA256: String?
    /// Every file of the run directory but this one, by path relative to the directory.
    public var artifacts: [String: Artifact]

    public init(faultline: Build = .current,
                test: String, specFile: String, seed: UInt64, startedAt: Date, endedAt: Date, interrupted: Bool,
                hosts: [Host], database: String, parameters: [String: String], binaries: [DatabaseBinary],
                faults: [FaultInterval], check: Check, failure: String? = nil, transcriptSHA256: String?,
                artifacts: [String: Artifact]) {
        self.faultline = faultline
        self.test = test
        self.specFile = specFile
        self.seed = seed
        self.startedAt = Transcript.timestamp(startedAt)
        self.endedAt = Transcript.timestamp(endedAt)
        self.interrupted = interrupted
        self.hosts = hosts
        self.database = database
        self.parameters = parameters
        self.binaries = binaries
        self.faults = faults
        self.check = check
        self.failure = failure
        self.transcriptSHA256 = transcriptSHA256
        self.artifacts = artifacts
    }

    /// The manifest's file name in a run directory.
    public static let fileName = "manifest.json"

    /// Writes the manifest into `directory` (atomically, pretty-printed, keys sorted).
    public func write(to directory: String) throws {
        try JSONFile.write(self, to: (directory as NSString).appendingPathComponent(Self.fileName))
    }

    /// Reads `manifest.json` from `directory`.
    public static func read(from directory: String) throws -> RunManifest {
        try JSONFile.read(RunManifest.self, from: (directory as NSString).appendingPathComponent(fileName))
    }
}
