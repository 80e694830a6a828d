import Audit
import Cluster
import Foundation
import LabHarness
import Nemesis
import RemoteCore
import RunRecord
import Testing
import Workload
@testable import Runner

/// A short real run of etcd under a leader partition on a lab of this suite's own: the manifest
/// and the transcript record what ran, on which binary.
@Suite("audit records of a run against etcd on the lab", .serialized,
       .enabled(if: LabHarness.available(requiring: ["/usr/bin/etcd", "/usr/bin/curl"]), "needs root, namespaces, sshd, etcd, curl"),
       .timeLimit(.minutes(3)))
struct AuditLabTests {
    static let config = LabHarness.config("fa", octet: 97, nodes: 3)

    @Test("the manifest names etcd's hash on every host; the transcript has set-up, fault and tear-down commands")
    func manifestAndTranscript() async throws {
        try await LabHarness.withLab(Self.config) { lab in
            let spec = try TestSpec.parse("""
                name: audit-lab
                database: {kind: etcd, nodes: 3, parameters: {election-timeout: 300, heartbeat-interval: 30}}
                workload: {kind: register, concurrency: 3, quiet-period: 500ms}
                nemesis: {faults: [partition-leader], interval: 500ms, jitter: 0, duration: 1s}
                time-limit: 3s
                """, file: "audit-lab.yml")
            let workload = try spec.workload.workloadSpec(timeLimit: spec.timeLimit)
            let live = LiveRun(spec: spec, workload: workload, inventory: try lab.inventory(), seed: 5)
            let reports = FileManager.default.temporaryDirectory.appendingPathComponent("audit-lab-\(UUID().uuidString)").path
            let result = try await TestRun(spec: spec, environment: live.environment, plan: try RunPlan(workload, seed: 5),
                                           seed: 5, store: try RunStore.create(reports: reports, test: spec.name)).run()
            await live.close()
            let dir = result.store.directory

            let manifest = try RunManifest.read(from: dir)
            let etcd = try SHA256Digest.file("/usr/bin/etcd").hex
            #expect(manifest.binaries.map(\.host) == ["n1", "n2", "n3"])
            #expect(manifest.binaries.allSatisfy { $0.path == "/usr/bin/etcd" && $0.sha256 == etcd && $0.version?.hasPrefix("3.") == true })
            #expect(manifest.faults.contains { $0.kind == "partition-leader" && $0.inEffect && $0.end != nil })
            #expect(manifest.artifacts.keys.contains("nodes/n1/etcd.log"))

            let entries = try Transcript.read(path: dir + "/transcript.jsonl")
            let start = entries.firstIndex { $0.command.contains("--initial-cluster") }
            let fault = entries.firstIndex { $0.command.contains("iptables") && $0.command.contains("DROP") }
            let stop = entries.lastIndex { $0.command.contains("kill -TERM") }
            #expect(start != nil && fault != nil && stop != nil, "\(entries.map(\.command).prefix(5))")
            if let start, let fault, let stop { #expect(start < fault && fault < stop) }
            #expect(entries.contains { $0.action == "download" && $0.command.contains("etcd.log") })
            #expect(Set(entries.map(\.host)) == ["n1", "n2", "n3"])
            #expect(try await RunVerification.verify(directory: dir).verdictStands)
        }
    }
}
