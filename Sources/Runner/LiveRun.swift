import Cluster
import Control
import Foundation
import Databases
import Nemesis
import RunRecord
import Workload

/// A real run's environment, as `faultline run` and `faultline sweep` make it: the spec's
/// database (`DatabaseCatalog`) on the first `spec.database.nodes` hosts of an inventory, each reached over SSH, its clients, and the
/// spec's nemesis (sparing the controller's own addresses).
public struct LiveRun: Sendable {
    public let environment: RunEnvironment
    public let hosts: [InventoryHost]

    /// `logDirectory`: where clients keep logs of their own (an adapter's stderr); nil: nowhere.
    public init(spec: TestSpec, workload: WorkloadSpec, inventory: Inventory, seed: UInt64, logDirectory: String? = nil) {
        hosts = Array(inventory.hosts.prefix(spec.database.nodes ?? inventory.hosts.count))
        let nodes = hosts.map { ClusterNode(host: $0, remote: $0.remote()) }
        let cluster = ClusterContext(nodes: nodes, parameters: spec.database.parameters, diskLayer: spec.diskLayer)
        let database = spec.database.descriptor.makeDatabase()
        var clients = spec.database.descriptor.makeClients(for: workload)
        if let logDirectory, let logging = clients as? any KeepsClientLogs { clients = logging.keepingLogs(in: logDirectory) }
        var faults: (@Sendable (Recorder, ClusterContext) -> any FaultSchedule)?
        if let nemesis = spec.nemesis {
            let controller = localIPv4Addresses()
            faults = { recorder, cluster in
                Nemesis(spec: nemesis, cluster: cluster, database: database, log: recorder, seed: seed,
                        controllerAddresses: controller)
            }
        }
        environment = RunEnvironment(cluster: cluster, database: database,
                                     clients: clients, faults: faults,
                                     leftovers: { cluster in await Heal.beforeSetUp(cluster: cluster, database: database) })
    }

    /// A live run ready to start, and the environment to close after it: the one place a run on
    /// real hosts is composed, for `faultline run` and for every run of a sweep.
    public static func compose(spec: TestSpec, workload: WorkloadSpec, inventory: Inventory, seed: UInt64,
                               store: RunStore, reproduce: String? = nil,
                               progress: (@Sendable (String) -> Void)? = nil) throws -> (live: LiveRun, run: TestRun) {
        let live = LiveRun(spec: spec, workload: workload, inventory: inventory, seed: seed,
                           logDirectory: (store.directory as NSString).appendingPathComponent("adapters"))
        let run = TestRun(spec: spec, environment: live.environment, plan: try RunPlan(workload, seed: seed),
                          seed: seed, store: store, reproduce: reproduce, progress: progress)
        return (live, run)
    }

    /// Closes the hosts' SSH sessions.
    public func close() async {
        for node in environment.cluster.nodes { await (node.remote as? SSHRemote)?.close() }
    }
}
