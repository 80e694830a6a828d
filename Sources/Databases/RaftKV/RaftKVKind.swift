import Cluster
import Workload

/// raftkv (`database: {kind: raftkv}`): our own Raft server, uploaded to each host, with bug
/// switches; registers, sets and transactions (list-append, rw-register: one `txn` command, one
/// log entry); it has no locks.
public struct RaftKVKind: DatabaseKind {
    public init() {}
    public var name: String { "raftkv" }
    public var workloads: Set<WorkloadSpec.Kind> { [.register, .set, .listAppend, .rwRegister] }
    public func checkParameters(_ parameters: [String: String]) throws { _ = try RaftKVFlags.tuning(parameters) }
    public func makeDatabase() -> any Database { RaftKVDatabase() }
    public func makeClients(for workload: WorkloadSpec) -> any ClientFactory { RaftKVClientFactory(kind: workload.kind) }
}
