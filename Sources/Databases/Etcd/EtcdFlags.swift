import Cluster
import Foundation

/// Whether a member starts a new cluster or rejoins the one its data directory belongs to.
public enum EtcdClusterState: String, Sendable {
    /// First start: the members bootstrap the cluster together from `--initial-cluster`.
    case new
    /// A restart on existing data (after a kill).
    case existing
}

/// The command line of one etcd member, built from the cluster and the run's parameters.
///
/// Faultline sets the membership flags itself (`managed`); every parameter is passed as
/// `--<name>=<value>`: `election-timeout` and `heartbeat-interval` in milliseconds (checked to be
/// positive integers with the election timeout at least five heartbeats, as etcd demands), and
/// any other etcd flag as given. A parameter that names a managed flag is a configuration error.
public enum EtcdFlags {
    /// Flags that Faultline derives from the cluster; parameters may not set them.
    public static let managed: Set<String> = [
        "name", "data-dir", "listen-client-urls", "advertise-client-urls", "listen-peer-urls",
        "initial-advertise-peer-urls", "initial-cluster", "initial-cluster-token", "initial-cluster-state",
        "log-outputs",
    ]

    /// Flags Faultline adds unless a parameter of the same name replaces them.
    public static let defaults: [(String, String)] = [("logger", "zap")]

    /// etcd's own defaults, used to check the ratio when only one of the two is given.
    static let defaultElectionTimeout = 1000
    static let defaultHeartbeatInterval = 100

    /// The full argument list (without the binary) for `node`. Throws
    /// `ClusterError.invalidConfiguration` for an unusable cluster or parameter.
    public static func arguments(for node: ClusterNode, in cluster: ClusterContext, layout: EtcdNodeLayout,
                                 ports: EtcdPorts, token: String?, state: EtcdClusterState) throws -> [String] {
        try validate(cluster)
        let tuning = try self.tuning(cluster.parameters)
        let initialCluster = cluster.nodes.map { "\($0.name)=\(ports.peerURL($0.address))" }.joined(separator: ",")
        var flags = [
            "--name=\(node.name)",
            "--data-dir=\(layout.dataDirectory)",
            "--listen-client-urls=\(ports.clientURL(node.address))",
            "--advertise-client-urls=\(ports.clientURL(node.address))",
            "--listen-peer-urls=\(ports.peerURL(node.address))",
            "--initial-advertise-peer-urls=\(ports.peerURL(node.address))",
            "--initial-cluster=\(initialCluster)",
            "--initial-cluster-token=\(token ?? defaultToken(initialCluster))",
            "--initial-cluster-state=\(state.rawValue)",
            "--log-outputs=stderr",
        ]
        flags += defaults.filter { cluster.parameters[$0.0] == nil }.map { "--\($0.0)=\($0.1)" }
        flags += tuning
        return flags
    }

    /// The parameters as flags, sorted by name, after checking them.
    public static func tuning(_ parameters: [String: String]) throws -> [String] {
        for name in parameters.keys.sorted() {
            guard name.range(of: #"^[a-z0-9][a-z0-9-]*$"#, options: .regularExpression) != nil else {
                throw ClusterError.invalidConfiguration("etcd parameter `\(name)`: expected a flag name such as election-timeout")
            }
            guard !managed.contains(name) else {
                throw ClusterError.invalidConfiguration("etcd parameter `\(name)`: Faultline sets --\(name) itself")
            }
        }
        let election = try milliseconds(parameters, "election-timeout") ?? defaultElectionTimeout
        let heartbeat = try milliseconds(parameters, "heartbeat-interval") ?? defaultHeartbeatInterval
        guard election >= 5 * heartbeat else {
            throw ClusterError.invalidConfiguration(
                "etcd election-timeout \(election) ms must be at least 5 × heartbeat-interval \(heartbeat) ms")
        }
        return parameters.keys.sorted().map { "--\($0)=\(parameters[$0]!)" }
    }

    private static func milliseconds(_ parameters: [String: String], _ name: String) throws -> Int? {
        guard let text = parameters[name] else { return nil }
        guard let value = Int(text), value > 0 else {
            throw ClusterError.invalidConfiguration("etcd parameter `\(name)`: `\(text)` is not a positive number of milliseconds")
        }
        return value
    }

    /// Checks what the flags are built from: at least one node, names usable in
    /// `--initial-cluster` and distinct, addresses present and distinct.
    static func validate(_ cluster: ClusterContext) throws {
        guard !cluster.nodes.isEmpty else { throw ClusterError.invalidConfiguration("the cluster has no nodes") }
        for node in cluster.nodes {
            guard node.name.range(of: #"^[A-Za-z0-9._-]+$"#, options: .regularExpression) != nil else {
                throw ClusterError.invalidConfiguration("node name `\(node.name)`: use letters, digits, `.`, `_` or `-`")
            }
            guard !node.address.isEmpty, node.address.rangeOfCharacter(from: .whitespacesAndNewlines) == nil,
                  !node.address.contains("/") else {
                throw ClusterError.invalidConfiguration("node \(node.name): address `\(node.address)` is not a host name or IP address")
            }
        }
        for (label, values) in [("name", cluster.nodes.map(\.name)), ("address", cluster.nodes.map(\.address))] {
            let repeated = Dictionary(grouping: values, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
            guard repeated.isEmpty else {
                throw ClusterError.invalidConfiguration("node \(label)s must differ: \(repeated.joined(separator: ", ")) repeated")
            }
        }
    }

    /// A token derived from the membership (FNV-1a of `--initial-cluster`): stable for one
    /// cluster, different for clusters of other members.
    static func defaultToken(_ initialCluster: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in initialCluster.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return "faultline-" + String(hash, radix: 16)
    }
}

/// The ports etcd listens on, on each node's own address, and the URLs made from them.
public struct EtcdPorts: Sendable, Equatable {
    public var client: Int
    public var peer: Int

    public init(client: Int = 2379, peer: Int = 2380) {
        self.client = client
        self.peer = peer
    }

    /// `http://<address>:<client port>` (IPv6 addresses in brackets).
    public func clientURL(_ address: String) -> String { "http://\(host(address)):\(client)" }
    /// `http://<address>:<peer port>` (IPv6 addresses in brackets).
    public func peerURL(_ address: String) -> String { "http://\(host(address)):\(peer)" }

    private func host(_ address: String) -> String {
        address.contains(":") && !address.hasPrefix("[") ? "[\(address)]" : address
    }
}
