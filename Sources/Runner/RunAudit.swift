import Analysis
import Audit
import Cluster
import Foundation
import History
import Linearizability
import RunRecord

/// The audit record of a run: the transcript of its commands and its `manifest.json`.
struct RunAudit {
    static let transcriptFile = "transcript.jsonl"

    /// The database binary on every node, hashed there with `sha256sum` over the node's remote.
    static func binaries(_ db: any Database, _ cluster: ClusterContext, versions: [String: String]) async
        -> [RunManifest.DatabaseBinary]
    {
        guard let located = db as? any BinaryLocated else { return [] }
        return await withTaskGroup(of: RunManifest.DatabaseBinary.self) { group in
            for node in cluster.nodes {
                group.addTask {
                    await BinaryFingerprint.read(located.binaryPath(on: node), on: node.remote, version: versions[node.name])
                }
            }
            return await group.reduce(into: []) { $0.append($1) }.sorted { $0.host < $1.host }
        }
    }

    var spec: TestSpec
    var seed: UInt64
    var startedAt: Date
    var interrupted: Bool
    var cluster: ClusterContext
    var database: String
    var binaries: [RunManifest.DatabaseBinary]
    var events: [Event]
    var plan: RunPlan
    /// The run's results: the verdict as stored (`unknown` for a failed run) and the failure.
    var results: ResultsFile

    /// Writes `manifest.json` into `store`: call it last, once every other file of the run is
    /// written and the transcript is closed.
    func writeManifest(to store: RunStore) throws {
        let artifacts = try ArtifactHashes.of(directory: store.directory)
        let manifest = RunManifest(
            test: spec.name, specFile: spec.file, seed: seed, startedAt: startedAt, endedAt: Date(),
            interrupted: interrupted,
            hosts: cluster.nodes.map { .init(name: $0.name, address: $0.address) },
            database: database, parameters: spec.database.parameters, binaries: binaries,
            faults: FaultInterval.faults(in: events),
            check: .init(model: plan.checking.modelName, initial: plan.checking.detail,
                         timeoutSeconds: spec.checker.timeout.inMilliseconds / 1000,
                         verdict: results.check.verdict.rawValue),
            failure: results.failure, transcriptSHA256: artifacts[Self.transcriptFile]?.sha256, artifacts: artifacts)
        try manifest.write(to: store.directory)
    }
}
