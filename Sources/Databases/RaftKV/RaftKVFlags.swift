import Cluster

/// The command line of one raftkv server: membership from the cluster, tuning and bug switches
/// from the run's parameters.
///
/// Parameters: `election-timeout`, `heartbeat-interval` and `command-timeout` (integer milliseconds),
/// `max-entries-per-message` (a positive integer: most entries one append carries), `bug` (one
/// bug switch or several, comma-separated: `commit-old-term`, `vote-any-log`, `stale-reads`,
/// `no-fsync`, `stale-txn-reads`, `unsafe-membership`), and any other name becomes `--name value` (e.g. `pre-vote: true`).
public enum RaftKVFlags {
    public static let bugs: Set<String> = ["commit-old-term", "vote-any-log", "stale-reads", "no-fsync", "stale-txn-reads", "unsafe-membership"]

    public static func arguments(for node: ClusterNode, in cluster: ClusterContext, layout: RaftKVNodeLayout,
                                 port: Int) throws -> [String] {
        let peers = cluster.nodes.map { "\($0.name)=\($0.address):\(port)" }.joined(separator: ",")
        return ["--id", node.name, "--listen", "\(node.address):\(port)", "--peers", peers,
                "--data-dir", layout.dataDirectory] + (try tuning(cluster.parameters))
    }

    /// The parameters as flags, after checking them; throws `ClusterError.invalidConfiguration`
    /// naming the parameter that cannot be used.
    public static func tuning(_ parameters: [String: String]) throws -> [String] {
        var args: [String] = []
        for (name, value) in parameters.sorted(by: { $0.key < $1.key }) {
            guard name.range(of: #"^[a-z0-9][a-z0-9-]*$"#, options: .regularExpression) != nil else {
                throw ClusterError.invalidConfiguration("raftkv parameter `\(name)`: expected a flag name such as election-timeout")
            }
            switch name {
            case "election-timeout", "heartbeat-interval", "command-timeout":
                guard let ms = Int(value), ms > 0 else {
                    throw ClusterError.invalidConfiguration("raftkv parameter `\(name)`: expected milliseconds (a positive integer), got `\(value)`")
                }
                args += ["--\(name)", String(ms)]
            case "max-entries-per-message":
                guard let n = Int(value), n > 0 else {
                    throw ClusterError.invalidConfiguration("raftkv parameter `\(name)`: expected a positive whole number, got `\(value)`")
                }
                args += ["--\(name)", String(n)]
            case "bug":
                for bug in value.split(separator: ",").map({ $0.trimmingWhitespace }) where !bug.isEmpty {
                    guard bugs.contains(bug) else {
                        throw ClusterError.invalidConfiguration("raftkv parameter `bug`: expected one of \(bugs.sorted().joined(separator: ", ")), got `\(bug)`")
                    }
                    args += ["--bug", bug]
                }
            default:
                args += ["--\(name)", value]
            }
        }
        return args
    }
}
