import Cluster
import Workload

/// A database kind a spec can name (`database: {kind: etcd}`): everything Faultline needs to
/// drive it. Each kind lives in its own folder of this target with its descriptor, and is
/// listed once in `DatabaseCatalog.registered`; no code outside the folder names the kind.
public protocol DatabaseKind: Sendable {
    /// The name specs use, e.g. `etcd`.
    var name: String { get }
    /// The workloads its clients can run.
    var workloads: Set<WorkloadSpec.Kind> { get }
    /// The read paths its clients offer (`read-path`); every built-in kind has `linearizable`.
    var readPaths: Set<WorkloadSpec.ReadPath> { get }
    /// The read path of a spec that names none (one of `readPaths`). Default: `linearizable`.
    var defaultReadPath: WorkloadSpec.ReadPath { get }
    /// The operations its clients perform in `workload` (a spec's `mix` may weigh only these).
    func operations(of workload: WorkloadSpec.Kind) -> Set<String>
    /// Files a run stores beside its `spec.yml` so the stored run can be read back without the
    /// files the spec named (a definition): name → text. Default: none.
    var storedFiles: [String: String] { get }
    /// Checks a spec's `database.parameters` when the spec is read, before any host is
    /// touched. Throws `ClusterError.invalidConfiguration` naming the parameter that set-up
    /// would refuse.
    func checkParameters(_ parameters: [String: String]) throws
    /// The database with its default options.
    func makeDatabase() -> any Database
    /// The clients that run `workload` (one of `workloads`) against it.
    func makeClients(for workload: WorkloadSpec) -> any ClientFactory
}

extension DatabaseKind {
    public var readPaths: Set<WorkloadSpec.ReadPath> { [.linearizable] }
    public var defaultReadPath: WorkloadSpec.ReadPath { .linearizable }
    public func operations(of workload: WorkloadSpec.Kind) -> Set<String> { WorkloadSpec(kind: workload).loadFunctions }
    public var storedFiles: [String: String] { [:] }
}
