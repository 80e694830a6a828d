import Foundation
import LabHarness
import Report
import RunRecord
import Testing
import Workload
@testable import Runner

/// List-append runs against real clusters on a 5-host lab of this suite's own: etcd stays strict
/// serializable under partitions, kills and pauses; raftkv with `--bug stale-txn-reads` is caught
/// as a real-time or G-single anomaly, explained in results.json and in the report.
@Suite("list-append runs on the lab", .serialized,
       .enabled(if: LabHarness.available(requiring: ["/usr/bin/etcd", "/usr/bin/curl"]), "needs root, namespaces, sshd, etcd, curl"),
       .timeLimit(.minutes(5)))
struct TransactionLabTests {
    static let config = LabHarness.config("tx", octet: 105, nodes: 5)

    @Test("etcd-list-append-chaos is strict serializable; faults took effect")
    func etcdListAppendUnderFaultsIsValid() async throws {
        try await LabHarness.withLab(Self.config) { lab in
            let result = try await RaftKVChaosTests.run("etcd-list-append-chaos", seconds: 30, seed: 4, on: lab)
            let txn = try #require(result.transactions)
            #expect(result.check.verdict == .valid, "\(txn.anomalies.prefix(2).map(\.explanation))")
            #expect(txn.consistency == .strictSerializable)
            #expect(result.summary.ok > 300 && result.summary.fail > 0, "\(result.summary.line)")
            #expect((txn.edgeCounts[.wr] ?? 0) > 100, "\(txn.edgeCounts)")
            let inEffect = try RaftKVChaosTests.faultsInEffect(result)
            #expect(inEffect.count >= 3, "faults in effect: \(inEffect)")
        }
    }

    @Test("raftkv with --bug stale-txn-reads is caught as a real-time or G-single anomaly, explained in the report")
    func raftkvStaleTransactionReadsAreCaught() async throws {
        try await LabHarness.withLab(Self.config) { lab in
            let result = try await RaftKVChaosTests.run("raftkv-bug-stale-txn-reads", seconds: 20, seed: 2, on: lab)
            let txn = try #require(result.transactions)
            #expect(result.check.verdict == .invalid, "\(result.summary.line)")
            let caught = txn.forbidden.filter { $0.kind.rawValue.hasSuffix("-realtime") || $0.kind == .gSingle }
            #expect(!caught.isEmpty, "\(txn.counts)")
            let stored = try #require(try ResultsFile.read(path: result.store.resultsPath).transactions)
            let shown = try #require(stored.anomalies.first { $0.type.hasSuffix("-realtime") || $0.type == "G-single" })
            #expect(!shown.cycle.isEmpty && !shown.explanation.isEmpty)
            let html = RunReportPage(run: try StoredRun.load(directory: result.store.directory)).html
            #expect(html.contains("id=\"transactions\"") && html.contains(HTMLText.escape(shown.explanation[0])))
        }
    }
}

