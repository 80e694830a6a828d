import Cluster

/// etcd (Debian `etcd-server` 3.4.x, `/usr/bin/etcd`) as the database under test, one member per
/// node, driven through each node's `Remote`.
///
/// Per node, under `<base directory>/etcd` (see `EtcdNodeLayout`): the data directory, the log
/// (etcd's stdout and stderr) and the pid file. Clients use `http://<address>:2379`, peers
/// `http://<address>:2380`, on the node's own address. The command line is `EtcdFlags`'s:
/// membership from the cluster, tuning from `ClusterContext.parameters`.
///
/// The process runs detached with a pid file it writes itself and is only ever signalled by that
/// pid after `/proc/PID/cmdline` shows it is this node's etcd (`RemoteDaemon`): the hosts of the
/// local lab share one process table.
///
/// Every host needs `curl` besides etcd: leader discovery and readiness ask each member's status
/// endpoint from the member's own host (see `EtcdDatabase+Status.swift` for why).
public struct EtcdDatabase: Database, ClientEndpoints, LogFiles, DataDirectories {
    /// Settings that are not part of a run's spec.
    public struct Options: Sendable, Equatable {
        /// The etcd server binary on the hosts.
        public var binary: String
        public var ports: EtcdPorts
        /// `--initial-cluster-token`; nil derives one from the membership.
        public var clusterToken: String?
        public var timings: DaemonTimings

        public init(binary: String = "/usr/bin/etcd", ports: EtcdPorts = EtcdPorts(), clusterToken: String? = nil,
                    timings: DaemonTimings = DaemonTimings()) {
            self.binary = binary
            self.ports = ports
            self.clusterToken = clusterToken
            self.timings = timings
        }
    }

    public let options: Options

    public init(options: Options = Options()) {
        self.options = options
    }

    public var name: String { "etcd" }
    public var readyTimeout: Duration { options.timings.readyTimeout }
    public var pollInterval: Duration { options.timings.pollInterval }

    /// Checks the binary (and curl) on every node, stops and wipes whatever an earlier set-up of
    /// ours left there (a disk layer over the data directory included), mounts the cluster's disk
    /// layer over the data directory when it has one, starts every member on an empty data directory with an emptied log, and
    /// returns once every member answers and all agree on one leader (within
    /// `options.timings.readyTimeout`). The parameters are checked before any host is touched. On failure
    /// the members that started are left running, with their logs, for `tearDown`.
    public func setUp(_ cluster: ClusterContext) async throws {
        let commandLines = try Dictionary(uniqueKeysWithValues: cluster.nodes.map {
            ($0.name, try arguments(for: $0, in: cluster, state: .new))
        })
        // Every leftover member is stopped before any new one starts: a new member that meets
        // an old one still running is told it "has already been bootstrapped" and exits.
        _ = try await NodeTasks.run("etcd set-up", on: cluster.nodes) { node in
            _ = try await version(of: node, requireCurl: true)
            let data = try layout(for: node).dataDirectory
            try await daemon(for: node).stopAndWipe(on: node, data: data, removing: [data], grace: options.timings.stopGrace,
                                                    remount: cluster.diskLayer)
        }
        _ = try await NodeTasks.run("etcd set-up", on: cluster.nodes) { node in
            try await daemon(for: node).start(commandLines[node.name]!, on: node.remote, freshLog: true)
        }
        _ = try await waitForLeader(cluster)
    }

    /// Stops etcd on every node (SIGCONT, SIGTERM, SIGKILL after `options.timings.stopGrace`),
    /// unmounts a disk layer over its data directory and removes the directory and the pid file;
    /// keeps the log for collection. Succeeds where nothing runs.
    public func tearDown(_ cluster: ClusterContext) async throws {
        _ = try await NodeTasks.run("etcd tear-down", on: cluster.nodes) { node in
            let data = try layout(for: node).dataDirectory
            try await daemon(for: node).stopAndWipe(on: node, data: data, removing: [data], grace: options.timings.stopGrace)
        }
    }

    public func dataDirectory(for node: ClusterNode) throws -> String { try layout(for: node).dataDirectory }

    public func clientURL(for node: ClusterNode) -> String {
        options.ports.clientURL(node.address)
    }

    /// The node's etcd log; none for a node whose base directory is unusable.
    public func logFiles(_ node: ClusterNode) -> [String] {
        (try? layout(for: node)).map { [$0.logFile] } ?? []
    }

    /// Where etcd keeps its files on `node`.
    public func layout(for node: ClusterNode) throws -> EtcdNodeLayout {
        try EtcdNodeLayout(baseDirectory: node.baseDirectory)
    }

    /// The etcd member process of `node`, recognised by its `--data-dir` argument.
    public func daemon(for node: ClusterNode) throws -> RemoteDaemon {
        let layout = try layout(for: node)
        return RemoteDaemon(binary: options.binary, marker: "--data-dir=\(layout.dataDirectory)",
                            pidFile: layout.pidFile, logFile: layout.logFile,
                            directories: [layout.directory], commandTimeout: options.timings.commandTimeout)
    }

    /// The command line (without the binary) of `node`'s member.
    public func arguments(for node: ClusterNode, in cluster: ClusterContext, state: EtcdClusterState) throws -> [String] {
        try EtcdFlags.arguments(for: node, in: cluster, layout: layout(for: node), ports: options.ports,
                                token: options.clusterToken, state: state)
    }
}

extension EtcdDatabase: BinaryLocated {
    public func binaryPath(on node: ClusterNode) -> String { options.binary }
}
