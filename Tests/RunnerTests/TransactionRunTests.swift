import Audit
import Cluster
import Control
import Foundation
import History
import RunRecord
import Testing
import Workload
@testable import Runner

/// A list-append store whose read-only transactions see a snapshot taken every `lag` writes:
/// reads that miss appends completed before them (a stale read path, as raftkv's
/// `stale-txn-reads` bug).
actor LaggingListStore {
    private var lists: [Value: [Value]] = [:]
    private var snapshot: [Value: [Value]] = [:]
    private var writes = 0
    let lag: Int

    init(lag: Int) { self.lag = lag }

    func perform(_ txn: TransactionSteps) -> Value {
        if txn.readOnly {
            var copy = snapshot
            return txn.applyAppends(to: &copy)
        }
        writes += 1
        if writes % lag == 0 { snapshot = lists }
        return txn.applyAppends(to: &lists)
    }
}

struct LaggingListClient: Client, ClientFactory {
    let store: LaggingListStore
    func invoke(_ request: OperationRequest, timeout: Duration) async -> Completion {
        guard let txn = TransactionSteps(request.value) else { return .fail(error: "not a txn") }
        return .ok(await store.perform(txn))
    }
    func close() async {}
    func open(node: String, url: String) async throws -> any Client { self }
}

/// Runs of the transactional workloads against fakes: generated transactions recorded in the
/// checker's format, checked with the spec's consistency model, anomalies stored in
/// results.json with their explanations.
@Suite struct TransactionRunTests {
    static func run(_ kind: String, extra: String = "", clients: (any ClientFactory)? = nil,
                    faults: InMemoryFaults = InMemoryFaults()) async throws -> (RunResult, RunStore) {
        let spec = try TestSpec.parse("""
            name: fake-\(kind)
            database: {kind: etcd}
            workload:
              kind: \(kind)
              concurrency: 6
              keys: 4
              ops-per-key: 60
              operation-limit: 1500
              \(extra)
            time-limit: 60s
            """, file: "fake.yml")
        let reports = FileManager.default.temporaryDirectory.appendingPathComponent("runs-\(UUID().uuidString)").path
        let store = try RunStore.create(reports: reports, test: spec.name)
        let workload = try spec.workload.workloadSpec(timeLimit: spec.timeLimit)
        let nodes = (1...3).map { ClusterNode(name: "n\($0)", address: "n\($0)", remote: LocalRemote(), baseDirectory: "/tmp") }
        let env = RunEnvironment(cluster: ClusterContext(nodes: nodes), database: FakeDatabase(),
                                 clients: clients ?? InMemoryClientFactory(kind: workload.kind, faults: faults))
        let result = try await TestRun(spec: spec, environment: env, plan: try RunPlan(workload, seed: 9), seed: 9, store: store).run()
        return (result, store)
    }

    @Test(arguments: ["list-append", "rw-register"])
    func aSerialStoreIsValidAndTheHistoryIsInTheCheckersFormat(kind: String) async throws {
        let (result, store) = try await Self.run(kind, faults: InMemoryFaults(infoRate: 0.03, failRate: 0.03))
        #expect(result.check.verdict == .valid, "\(result.transactions?.anomalies.map(\.explanation) ?? [])")
        let txn = try #require(result.transactions)
        #expect(txn.transactions == 1500 && txn.model.rawValue == kind && txn.consistency == .strictSerializable)
        #expect(txn.anomalies.isEmpty)
        // Keys were shared (dependencies inferred) and the pool moved on (more keys than in flight).
        #expect((txn.edgeCounts[.wr] ?? 0) > 100 && (txn.edgeCounts[.ww] ?? 0) > 100, "\(txn.edgeCounts)")
        let ops = try JSONLHistory.read(path: store.historyPath).operations()
        let keys = Set(ops.flatMap { op -> [Value] in
            guard case .array(let steps) = op.input else { return [] }
            return steps.compactMap { $0.array?[1] }
        })
        #expect(keys.count > 8, "keys touched: \(keys.count)")
        #expect(ops.allSatisfy { $0.f == "txn" })
        let results = try ResultsFile.read(path: store.resultsPath)
        #expect(results.transactions?.model == kind && results.transactions?.verdict == "valid")
        #expect(results.check.model == kind)
        let manifest = try RunManifest.read(from: store.directory)
        #expect(manifest.check.model == kind && manifest.check.initial == "strict-serializable")
        // `faultline verify`'s check again gives the same verdict.
        let verification = try await RunVerification.verify(directory: store.directory)
        #expect(verification.recheckedVerdict == .valid && verification.verdictStands)
    }

    @Test func staleReadOnlyTransactionsAreCaughtAndExplainedInResults() async throws {
        let (result, store) = try await Self.run("list-append", extra: "mix: {append: 1, r: 2}",
                                                 clients: LaggingListClient(store: LaggingListStore(lag: 20)))
        #expect(result.check.verdict == .invalid)
        let txn = try #require(result.transactions)
        let kinds = Set(txn.forbidden.map(\.kind.rawValue))
        // Which cycle a lagging store closes depends on timing: a real-time one, or one through a
        // process's own order (the same client reading behind its own append); any G-single is one.
        #expect(kinds.contains { $0.hasSuffix("-realtime") || $0.hasSuffix("-process") || $0.hasPrefix("G-single") }, "\(kinds)")
        let stored = try #require(try ResultsFile.read(path: store.resultsPath).transactions)
        #expect(stored.verdict == "invalid")
        let cycle = try #require(stored.anomalies.first { !$0.cycle.isEmpty })
        #expect(cycle.transactions.count >= 2 && cycle.cycle.count == cycle.transactions.count)
        #expect(cycle.cycle.allSatisfy { !$0.reason.isEmpty } && !cycle.explanation.isEmpty)
        #expect(cycle.rulesOut.contains("strict-serializable"))
        // Held to a model the stale reads do not break, the same kind of run is valid.
        let (weaker, _) = try await Self.run("list-append", extra: "mix: {append: 1, r: 2}\n  consistency: read-committed",
                                             clients: LaggingListClient(store: LaggingListStore(lag: 20)))
        #expect(weaker.transactions?.consistency == .readCommitted)
        #expect(weaker.check.verdict == .valid, "\(weaker.transactions?.forbidden.map(\.explanation) ?? [])")
    }

    /// A transactional run whose controller died is checked later by the transaction checker too.
    @Test func aCrashedTransactionalRunIsRecoveredWithTheTransactionChecker() async throws {
        let (_, store) = try await Self.run("list-append", extra: "mix: {append: 1, r: 2}",
                                            clients: LaggingListClient(store: LaggingListStore(lag: 20)))
        for name in ["results.json", "manifest.json"] { try FileManager.default.removeItem(atPath: store.path(name)) }
        #expect(CrashedRun.isCrashed(directory: store.directory))
        #expect(try await CrashedRun.recover(directory: store.directory))
        let results = try ResultsFile.read(path: store.resultsPath)
        #expect(results.crashed == true && results.check.model == "list-append" && results.check.verdict == .invalid)
        #expect(results.transactions?.verdict == "invalid" && results.transactions?.anomalies.isEmpty == false)
    }

    @Test func specFieldsOfTransactionsAreCheckedWithTheirLine() throws {
        func error(_ workload: String) -> String {
            do {
                let spec = try TestSpec.parse("name: t\ndatabase: {kind: etcd}\nworkload:\n\(workload)\ntime-limit: 5s\n", file: "t.yml")
                _ = try spec.workload.workloadSpec(timeLimit: spec.timeLimit)
                return ""
            } catch {
                return "\(error)"
            }
        }
        #expect(error("  kind: list-append\n  consistency: linearizable").contains("t.yml:5"))
        #expect(error("  kind: list-append\n  consistency: linearizable").contains("strict-serializable"))
        #expect(error("  kind: register\n  consistency: serializable").contains("transactional"))
        #expect(error("  kind: list-append\n  max-txn-length: 0").contains("t.yml:5"))
        #expect(error("  kind: list-append\n  mix: {w: 1}").contains("append"))
        #expect(error("  kind: rw-register\n  consistency: snapshot-isolation\n  max-txn-length: 2") == "")
    }
}
