import Audit
import Cluster
import Control
import Foundation
import History
import Linearizability
import RemoteCore
import RunRecord
import Testing
import Workload
@testable import Runner

/// A database that runs one harmless command per node at set-up and tear-down, so the run's
/// transcript has something of each phase.
struct EchoDatabase: Database, BinaryLocated {
    let name = "echo"
    func setUp(_ cluster: ClusterContext) async throws {
        for node in cluster.nodes { _ = try await node.remote.exec("echo set-up \(node.name)") }
    }
    func tearDown(_ cluster: ClusterContext) async throws {
        for node in cluster.nodes { _ = try await node.remote.exec("echo tear-down \(node.name)") }
    }
    func binaryPath(on node: ClusterNode) -> String { "/bin/sh" }
}

/// Runs through the whole `TestRun` against the in-memory store, then audits the run directory.
@Suite struct RunManifestTests {
    static func run(operations: Int = 500, reports: String? = nil, parameters: String = "{}") async throws -> (RunResult, String) {
        let spec = try TestSpec.parse("""
            name: audited
            database: {kind: etcd, parameters: \(parameters)}
            workload: {kind: register, concurrency: 4, quiet-period: 100ms, operation-limit: \(operations)}
            time-limit: 60s
            """, file: "audited.yml")
        let reports = reports ?? FileManager.default.temporaryDirectory.appendingPathComponent("audit-\(UUID().uuidString)").path
        let store = try RunStore.create(reports: reports, test: spec.name)
        let workload = try spec.workload.workloadSpec(timeLimit: spec.timeLimit)
        let nodes = (1...3).map { ClusterNode(name: "n\($0)", address: "10.0.0.\($0)", remote: LocalRemote(), baseDirectory: "/tmp") }
        let env = RunEnvironment(cluster: ClusterContext(nodes: nodes, parameters: spec.database.parameters), database: EchoDatabase(),
                                 clients: InMemoryClientFactory(kind: workload.kind, faults: InMemoryFaults()))
        let result = try await TestRun(spec: spec, environment: env, plan: try RunPlan(workload, seed: 11), seed: 11,
                                       store: store).run()
        return (result, store.directory)
    }

    @Test func manifestHashesEveryArtifactAndNamesTheRun() async throws {
        let (result, dir) = try await Self.run()
        let manifest = try RunManifest.read(from: dir)
        #expect(Set(manifest.artifacts.keys) == ["spec.yml", "history.jsonl", "results.json", "transcript.jsonl"])
        let history = try SHA256Digest.file(dir + "/history.jsonl")
        #expect(manifest.artifacts["history.jsonl"] == .init(sha256: history.hex, size: history.size))
        #expect(manifest.transcriptSHA256 == manifest.artifacts["transcript.jsonl"]?.sha256)
        #expect(manifest.seed == 11 && manifest.test == "audited")
        #expect(manifest.hosts.map(\.name) == ["n1", "n2", "n3"])
        #expect(manifest.check.verdict == result.check.verdict.rawValue)
        #expect(manifest.check.model == "cas-register" || manifest.check.model == "register")
        #expect(manifest.startedAt <= manifest.endedAt)
        #expect(manifest.faultline.version == FaultlineBuild.version)
        #expect(manifest.faultline.commit.count == 40, "commit: \(manifest.faultline.commit)")
        // The binary is hashed on each host, over its (transcribed) remote.
        let sh = try SHA256Digest.file("/bin/sh").hex
        #expect(manifest.binaries.map(\.sha256) == [sh, sh, sh])
        let commands = try Transcript.read(path: dir + "/transcript.jsonl").map(\.command)
        #expect(commands.filter { $0.hasPrefix("echo set-up") }.count == 3)
        #expect(commands.filter { $0.hasPrefix("echo tear-down") }.count == 3)
        #expect(commands.filter { $0.hasPrefix("sha256sum") }.count == 3)
    }

    @Test func untouchedRunVerifiesAndOneChangedByteOfTheHistoryFails() async throws {
        let (_, dir) = try await Self.run()
        let clean = try await RunVerification.verify(directory: dir)
        #expect(clean.artifactsMatch)
        #expect(clean.verdictStands)
        #expect(clean.recheckedVerdict == .valid)

        let path = dir + "/history.jsonl"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        // One byte: a digit of the last event's time, so the file still parses.
        let at = try #require(bytes.lastIndex(where: { (0x30...0x38).contains($0) }))
        bytes[at] += 1
        try bytes.write(to: URL(fileURLWithPath: path))
        let tampered = try await RunVerification.verify(directory: dir)
        #expect(tampered.changed == ["history.jsonl"])
        #expect(tampered.missing.isEmpty && tampered.extra.isEmpty)
        #expect(!tampered.verdictStands)
    }

    @Test func missingAndExtraFilesAreNamed() async throws {
        let (_, dir) = try await Self.run(operations: 100)
        try FileManager.default.removeItem(atPath: dir + "/results.json")
        try "x".write(toFile: dir + "/added.txt", atomically: true, encoding: .utf8)
        let v = try await RunVerification.verify(directory: dir)
        #expect(v.missing == ["results.json"])
        #expect(v.extra == ["added.txt"])
        #expect(!v.verdictStands)
    }

    @Test func aDirectoryWithoutManifestIsBadInput() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("no-manifest-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        await #expect(throws: RunVerification.BadRunDirectory.self) { _ = try await RunVerification.verify(directory: dir) }
        await #expect(throws: RunVerification.BadRunDirectory.self) { _ = try await RunVerification.verify(directory: dir + "/nope") }
    }
}
