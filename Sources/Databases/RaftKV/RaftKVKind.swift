import Cluster
import Workload

/// raftkv (`database: {kind: raftkv}`): our own Raft server, uploaded to each host, with bug
/// switches; registers and sets (it has no locks).
public struct RaftKVKind: DatabaseKind {
    public init() {}
    public var name: String { "raftkv" }
    public var workloads: Set<WorkloadSpec.Kind> { [.register, .set] }
    public func checkParameters(_ parameters: [String: String]) throws { _ = try RaftKVFlags.tuning(parameters) }
    public func makeDatabase() -> any Database { RaftKVDatabase() }
    public func makeClients(for workload: WorkloadSpec) -> any ClientFactory { RaftKVClientFactory(kind: workload.kind) }
}
