import Databases
import Cluster
import Control
import Foundation
import History
import LabHarness
import Nemesis
import Testing

/// The nemesis suite's lab: 5 hosts named `fn<run>` in 10.93.<run>.0/24, with a 5-member etcd
/// cluster per test, torn down afterwards (also when the test failed).
enum NemesisLab {
    static let available = LabHarness.available(requiring: ["/usr/bin/etcd", "/usr/bin/curl", "/usr/sbin/iptables"])
    static let config = LabHarness.config("fn", octet: 93, nodes: 5)

    @TaskLocal static var current: Lab?

    static func withCluster(_ body: (EtcdDatabase, ClusterContext, [String]) async throws -> Void) async throws {
        let lab = try #require(current, "the suite needs the .nemesisLab trait")
        let cluster = ClusterContext(inventory: try lab.inventory(),
                                     parameters: ["election-timeout": "500", "heartbeat-interval": "50"])
        let database = EtcdDatabase(options: .init(timings: .init(readyTimeout: .seconds(15))))
        var failure: (any Error)?
        do {
            try await database.setUp(cluster)
            try await body(database, cluster, [lab.config.bridgeAddress])
        } catch { failure = error }
        _ = await Heal.heal(cluster: cluster, database: database)
        do { try await database.tearDown(cluster) } catch { failure = failure ?? error }
        for node in cluster.nodes { await (node.remote as? SSHRemote)?.close() }
        if let failure { throw failure }
    }

    /// The FAULTLINE chain's listing on `node` (empty when there is no chain).
    static func chain(_ node: ClusterNode) async throws -> String {
        try await node.remote.exec("iptables -w -S FAULTLINE 2>/dev/null || true").stdoutText
    }

    /// The INPUT chain's listing on `node`.
    static func input(_ node: ClusterNode) async throws -> String {
        try await node.remote.exec("iptables -w -S INPUT").stdoutText
    }

    /// The state letter of etcd on `node` from /proc, or "gone".
    static func state(_ node: ClusterNode, _ database: EtcdDatabase) async throws -> String {
        let pidFile = try database.layout(for: node).pidFile
        let result = try await node.remote.exec(
            "p=$(cat \(pidFile) 2>/dev/null) && [ -r /proc/$p/stat ] && awk '{print $3}' /proc/$p/stat || echo gone")
        return result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Collects nemesis events for inspection.
final class CollectingLog: NemesisLog, @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [(EventType, String, Value, String?)] = []

    func recordNemesis(_ type: EventType, f: String, value: Value, error: String?, cause: FaultCause?) {
        lock.withLock { stored.append((type, f, value, error)) }
    }

    var events: [(type: EventType, f: String, value: String, error: String?)] {
        lock.withLock { stored.map { ($0.0, $0.1, $0.2.string ?? "\($0.2)", $0.3) } }
    }
}

struct NemesisLabScope: SuiteTrait, TestScoping {
    var isRecursive: Bool { false }

    func provideScope(for test: Test, testCase: Test.Case?,
                      performing function: @Sendable () async throws -> Void) async throws {
        try await LabHarness.withLab(NemesisLab.config) { lab in
            try await NemesisLab.$current.withValue(lab) { try await function() }
        }
    }
}

extension Trait where Self == NemesisLabScope {
    static var nemesisLab: Self { NemesisLabScope() }
}
