import Cluster

/// Where etcd keeps its files on one node: everything under `<base directory>/etcd`.
public struct EtcdNodeLayout: Sendable, Equatable {
    /// `<base directory>/etcd`.
    public var directory: String

    /// The layout under `baseDirectory`, which must be an absolute path other than `/` (a data
    /// directory derived from it is removed at tear-down).
    public init(baseDirectory: String) throws {
        directory = try NodeDirectory.under(baseDirectory, named: "etcd")
    }

    /// The member's data (`--data-dir`); removed at tear-down.
    public var dataDirectory: String { directory + "/data" }
    /// etcd's output (stdout and stderr); kept at tear-down so it can be collected afterwards,
    /// emptied by the next set-up, appended to by a restart.
    public var logFile: String { directory + "/etcd.log" }
    /// The pid of the running member.
    public var pidFile: String { directory + "/etcd.pid" }
}
