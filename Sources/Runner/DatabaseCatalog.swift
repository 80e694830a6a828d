import Cluster
import Workload

/// The databases a spec's `database.kind` may name, with the clients that drive them.
public enum DatabaseCatalog {
    /// The kinds, as written in specs.
    public static let kinds = ["etcd", "raftkv"]

    /// The workloads each kind can run.
    public static func workloads(of kind: String) -> Set<WorkloadSpec.Kind> {
        kind == "raftkv" ? [.register, .set] : Set(WorkloadSpec.Kind.allCases)
    }

    /// The database of `kind` with its default options (`kind` must be one of `kinds`).
    public static func database(_ kind: String) -> any Database {
        kind == "raftkv" ? RaftKVDatabase() : EtcdDatabase()
    }

    /// The clients of `kind` for `workload`.
    public static func clients(_ kind: String, workload: WorkloadSpec) -> any ClientFactory {
        kind == "raftkv" ? RaftKVClientFactory(kind: workload.kind) : EtcdClientFactory(spec: workload)
    }
}
