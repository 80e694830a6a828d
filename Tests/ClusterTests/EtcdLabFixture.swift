import Databases
import Cluster
import Control
import Foundation
import LabHarness
import RemoteCore
import Testing

/// The etcd suites' lab: 3 hosts named `fc<run>` in 10.90.<run>.0/24, brought up around the
/// suite and taken down afterwards, also when a test failed (`LabHarness.withLab`).
enum EtcdLab {
    static let available = LabHarness.available(requiring: ["/usr/bin/etcd", "/usr/bin/curl"])
    static let config = LabHarness.config("fc", octet: 90, nodes: 3)

    @TaskLocal static var current: Lab?

    /// A cluster of the lab's hosts, each with a fresh SSH remote, handed to `body`; afterwards
    /// etcd is torn down on it (also when `body` threw) and the remotes are closed.
    static func withCluster(_ parameters: [String: String] = ["election-timeout": "500", "heartbeat-interval": "50"],
                            _ body: (EtcdDatabase, ClusterContext) async throws -> Void) async throws {
        let lab = try #require(current, "the suite needs the .etcdLab trait")
        let cluster = ClusterContext(inventory: try lab.inventory(), parameters: parameters)
        let database = EtcdDatabase(options: .init(timings: .init(readyTimeout: .seconds(15))))
        var failure: (any Error)?
        do { try await body(database, cluster) } catch { failure = error }
        do { try await database.tearDown(cluster) } catch { failure = failure ?? error }
        for node in cluster.nodes { await (node.remote as? SSHRemote)?.close() }
        if let failure { throw failure }
    }
}

/// Runs a suite inside the etcd lab.
struct EtcdLabScope: SuiteTrait, TestScoping {
    var isRecursive: Bool { false }

    func provideScope(for test: Test, testCase: Test.Case?,
                      performing function: @Sendable () async throws -> Void) async throws {
        try await LabHarness.withLab(EtcdLab.config) { lab in
            try await EtcdLab.$current.withValue(lab) { try await function() }
        }
    }
}

extension Trait where Self == EtcdLabScope {
    static var etcdLab: Self { EtcdLabScope() }
}

/// Talks to etcd's JSON gateway with curl on the node's own host, as a client would.
enum EtcdKV {
    static func put(_ key: String, _ value: String, on node: ClusterNode, database: EtcdDatabase) async throws {
        let body = #"{"key":"\#(base64(key))","value":"\#(base64(value))"}"#
        _ = try await post("/v3/kv/put", body, on: node, database: database)
    }

    /// The value of `key` read through `node` (a linearizable read: it needs the cluster's leader).
    static func get(_ key: String, on node: ClusterNode, database: EtcdDatabase) async throws -> String? {
        let answer = try await post("/v3/kv/range", #"{"key":"\#(base64(key))"}"#, on: node, database: database)
        struct Range: Decodable { struct KV: Decodable { var value: String? }; var kvs: [KV]? }
        let range = try JSONDecoder().decode(Range.self, from: Data(answer.utf8))
        return range.kvs?.first?.value.flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) }
    }

    private static func post(_ path: String, _ body: String, on node: ClusterNode, database: EtcdDatabase) async throws -> String {
        let result = try await node.remote.exec(ExecRequest(argv: [
            "curl", "-sS", "-f", "--max-time", "5", "-X", "POST", "-d", body, database.clientURL(for: node) + path,
        ], timeout: .seconds(10)))
        try #require(result.status.isSuccess, "\(path) on \(node.name): \(result.stderrText)")
        return result.stdoutText
    }

    private static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }
}
