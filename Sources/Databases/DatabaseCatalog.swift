// The Databases target: one folder per database kind (Etcd/, RaftKV/, Defined/), each registering itself in DatabaseCatalog.

import Cluster
import Workload

/// The database kinds a spec's `database.kind` may name: the one list of them.
public enum DatabaseCatalog {
    /// Every kind, in the order messages list them. A new database adds its descriptor here.
    public static let registered: [any DatabaseKind] = [EtcdKind(), RaftKVKind()]

    /// The kinds' names, as written in specs.
    public static var kinds: [String] { registered.map(\.name) }

    /// The kind named `name` in a spec, or nil.
    public static func kind(named name: String) -> (any DatabaseKind)? {
        registered.first { $0.name == name }
    }

    /// The workloads the kind named `kind` can run (none for an unknown kind).
    public static func workloads(of kind: String) -> Set<WorkloadSpec.Kind> {
        self.kind(named: kind)?.workloads ?? []
    }

    /// The database of `kind` with its default options; `kind` must be one of `kinds` (a spec
    /// that names another is refused when it is read).
    public static func database(_ kind: String) -> any Database {
        guard let k = self.kind(named: kind) else { preconditionFailure("unknown database kind \(kind)") }
        return k.makeDatabase()
    }

    /// The clients of `kind` for `workload`; `kind` must be one of `kinds`.
    public static func clients(_ kind: String, workload: WorkloadSpec) -> any ClientFactory {
        guard let k = self.kind(named: kind) else { preconditionFailure("unknown database kind \(kind)") }
        return k.makeClients(for: workload)
    }
}
