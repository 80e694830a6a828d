import Foundation
import History
import Linearizability
import Transactions

/// What `faultline verify` finds in a run directory: the artifacts against the manifest's
/// hashes, and the history checked again with the manifest's model.
public struct RunVerification: Sendable {
    /// Files the manifest lists that are not there, files there that it does not list, and files
    /// whose hash or size differs; relative paths, sorted.
    public var missing: [String]
    public var extra: [String]
    public var changed: [String]
    /// The verdict the manifest stores.
    public var storedVerdict: String
    /// The verdict of checking `history.jsonl` again; nil when it could not be read (see
    /// `recheckError`).
    public var recheckedVerdict: Verdict?
    public var recheckError: String?
    /// The manifest's record that the run could not be carried out. Such a run has no verdict
    /// (`unknown`), and its history is not checked again: there is nothing it could decide.
    public var failure: String?

    /// Every artifact is there, unchanged, and nothing was added.
    public var artifactsMatch: Bool { missing.isEmpty && extra.isEmpty && changed.isEmpty }
    /// The artifacts match and the history, checked again, gives the stored verdict.
    public var verdictStands: Bool { artifactsMatch && recheckedVerdict?.rawValue == storedVerdict }

    /// A run directory (or its manifest) that cannot be verified at all.
    public struct BadRunDirectory: Error, CustomStringConvertible {
        public var description: String
    }

    /// Verifies the run directory `directory`. Throws `BadRunDirectory` when it is not a
    /// directory, has no readable `manifest.json`, or the manifest names a model Faultline does
    /// not have; everything else is a finding.
    public static func verify(directory: String) async throws(BadRunDirectory) -> RunVerification {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw BadRunDirectory(description: "\(directory): not a directory")
        }
        let manifest: RunManifest
        do {
            manifest = try RunManifest.read(from: directory)
        } catch {
            let path = "\(directory)/\(RunManifest.fileName)"
            guard FileManager.default.fileExists(atPath: path) else {
                throw BadRunDirectory(description: "\(path): no such file (expected a run directory whose run finished)")
            }
            throw BadRunDirectory(description: "\(path): cannot be read as a run manifest (expected its JSON object)")
        }
        // A transactional run stores its consistency model where the others store the initial value.
        let transactional = TransactionModel(rawValue: manifest.check.model)
            .map { ($0, ConsistencyModel(rawValue: manifest.check.initial) ?? .strictSerializable) }
        let model = BuiltInModel(rawValue: manifest.check.model)
        guard model != nil || transactional != nil else {
            throw BadRunDirectory(description: "\(directory)/\(RunManifest.fileName): unknown model `\(manifest.check.model)`")
        }
        let found: [String: RunManifest.Artifact]
        do {
            found = try ArtifactHashes.of(directory: directory)
        } catch {
            throw BadRunDirectory(description: "\(directory): cannot read its files: \(error)")
        }
        let listed = manifest.artifacts
        var result = RunVerification(
            missing: listed.keys.filter { found[$0] == nil }.sorted(),
            extra: found.keys.filter { listed[$0] == nil }.sorted(),
            changed: listed.keys.filter { found[$0] != nil && found[$0] != listed[$0] }.sorted(),
            storedVerdict: manifest.check.verdict)
        result.failure = manifest.failure
        if manifest.failure != nil {
            result.recheckedVerdict = .unknown
            return result
        }
        do {
            let history = try JSONLHistory.read(path: (directory as NSString).appendingPathComponent("history.jsonl"))
            let timeout = Duration.milliseconds(Int64(manifest.check.timeoutSeconds * 1000))
            if case let (txnModel, consistency)? = transactional {
                let options = TransactionCheckOptions(consistency: consistency, timeout: timeout)
                let verdict = try await offPool { try txnModel.check(history, options: options) }.verdict
                result.recheckedVerdict = Verdict(rawValue: verdict.rawValue) ?? .unknown
            } else if let model {
                var options = CheckOptions()
                options.timeout = timeout
                result.recheckedVerdict = try await model.check(try history.operations(), initial: Value(literal: manifest.check.initial), options: options).verdict
            }
        } catch {
            result.recheckError = "\(error)"
        }
        return result
    }

    private init(missing: [String], extra: [String], changed: [String], storedVerdict: String) {
        self.missing = missing
        self.extra = extra
        self.changed = changed
        self.storedVerdict = storedVerdict
    }
}
