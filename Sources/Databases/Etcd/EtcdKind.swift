import Cluster
import Workload

/// etcd (`database: {kind: etcd}`): members started from the host's `/usr/bin/etcd`, driven
/// through its v3 JSON gateway; every workload (register, set, lock).
public struct EtcdKind: DatabaseKind {
    public init() {}
    public var name: String { "etcd" }
    public var workloads: Set<WorkloadSpec.Kind> { Set(WorkloadSpec.Kind.allCases) }
    /// `serializable`: ranges with `serializable: true`, answered by the member alone.
    public var readPaths: Set<WorkloadSpec.ReadPath> { [.linearizable, .serializable] }
    public func checkParameters(_ parameters: [String: String]) throws { _ = try EtcdFlags.tuning(parameters) }
    public func makeDatabase() -> any Database { EtcdDatabase() }
    public func makeClients(for workload: WorkloadSpec) -> any ClientFactory { EtcdClientFactory(spec: workload) }
}
