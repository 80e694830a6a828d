import RemoteCore

/// One host of a cluster under test, as the database sees it.
public struct ClusterNode: Sendable {
    /// The host's name (`n1`…), used in histories, logs and reports.
    public var name: String
    /// The address clients and peers use to reach the node (an IP address or host name).
    public var address: String
    /// How to run commands on the host.
    public var remote: any Remote
    /// A directory of the host's own for data, logs and pid files. Hosts of the local lab share
    /// one filesystem, so every node's paths must lie under its own base directory.
    public var baseDirectory: String

    public init(name: String, address: String, remote: any Remote, baseDirectory: String) {
        self.name = name
        self.address = address
        self.remote = remote
        self.baseDirectory = baseDirectory
    }
}

/// The whole cluster a database is set up on, with the run's tuning.
public struct ClusterContext: Sendable {
    public var nodes: [ClusterNode]
    /// Database parameters from the spec (e.g. `election-timeout: 1000`, `heartbeat-interval:
    /// 100`, or any extra flag), already resolved to strings.
    public var parameters: [String: String]
    /// The disk layer to mount over each node's data directory before the database starts
    /// (`DataDirectories` databases; disk faults and the spec's `disk-layer`); nil: none.
    public var diskLayer: LazyFS?

    public init(nodes: [ClusterNode], parameters: [String: String] = [:], diskLayer: LazyFS? = nil) {
        self.nodes = nodes
        self.parameters = parameters
        self.diskLayer = diskLayer
    }
}

/// A database under test (Jepsen's `DB`).
///
/// Contract:
/// - `setUp` installs (or checks), configures and starts the database on every node of the
///   cluster and returns once the cluster is ready to serve clients (for a Raft cluster: it has a
///   leader). It may be called again after `tearDown`.
/// - `tearDown` stops the database on every node and removes its data, and succeeds when
///   there was nothing to remove. It must work after a failed or partial `setUp`, and must not
///   touch anything the database did not create.
/// Both act on all nodes in parallel and throw naming the node that failed.
///
/// Implementations throw `ClusterError`: `.invalidConfiguration` (before any host is touched) when
/// the cluster or its parameters cannot be used, `.nodesFailed` listing every node where the action
/// failed and why. The optional abilities below, acting on one node, throw the same way.
public protocol Database: Sendable {
    /// A short name for reports, e.g. `etcd`.
    var name: String { get }
    func setUp(_ cluster: ClusterContext) async throws
    func tearDown(_ cluster: ClusterContext) async throws
}

/// How clients reach each node.
public protocol ClientEndpoints: Database {
    /// The base URL a client of `node` connects to, e.g. `http://10.77.0.2:2379`.
    func clientURL(for node: ClusterNode) -> String
}

/// Versions of what runs on the hosts, for reports and audit manifests.
public protocol Versioned: Database {
    /// The database's version on each node, by node name, as the binary reports it.
    func versions(_ cluster: ClusterContext) async throws -> [String: String]
}

/// A database whose process can be killed and started again on the same data.
public protocol Killable: Database {
    /// Kills the database process on `node` with SIGKILL; returns once it is gone.
    func kill(_ node: ClusterNode, in cluster: ClusterContext) async throws
    /// Starts it again on its existing data.
    func start(_ node: ClusterNode, in cluster: ClusterContext) async throws
}

/// A database whose process can be paused and resumed.
public protocol Pausable: Database {
    /// Sends SIGSTOP to the database process on `node`; returns once it is stopped (state `T`).
    func pause(_ node: ClusterNode, in cluster: ClusterContext) async throws
    /// Sends SIGCONT.
    func resume(_ node: ClusterNode, in cluster: ClusterContext) async throws
}

/// A database that can say which node leads.
public protocol LeaderAware: Database {
    /// The name of the node a majority of the cluster names as leader, or nil when there is none
    /// (an election under way, no majority reachable). An isolated old leader that still claims
    /// leadership is outvoted by the majority following its successor.
    func leader(_ cluster: ClusterContext) async throws -> String?
}

/// A database that writes log files worth keeping with a run.
public protocol LogFiles: Database {
    /// Paths on `node` of the files to download into the run directory.
    func logFiles(_ node: ClusterNode) -> [String]
}

/// A database whose processes run on a faked clock (libfaketime) that Faultline can move: clock
/// faults then need neither root nor the host's real clock, and work on hosts that share the
/// controller's clock (the local lab).
public protocol ClockFaking: Database {
    /// Sets the offset of `node`'s faked clock from the real one (zero: no fault) and returns the
    /// offset then measured from the database itself (its wall clock minus the controller's).
    /// Throws when the process does not answer or does not run on a faked clock.
    func setClockOffset(_ offset: Duration, on node: ClusterNode, in cluster: ClusterContext) async throws -> Duration
    /// Whether this database's processes do run on the faked clock (default true). A database
    /// whose configuration decides it (a definition's `clock: {faketime: …}`) answers here;
    /// when false, clock faults treat it as a database without a faked clock.
    var fakesClock: Bool { get }
}

extension ClockFaking {
    public var fakesClock: Bool { true }
}

extension Database {
    /// This database as one whose faked clock Faultline can move, or nil.
    public var fakedClock: (any ClockFaking)? {
        guard let faking = self as? any ClockFaking, faking.fakesClock else { return nil }
        return faking
    }
}

/// A database whose data on each node lies in one directory, which disk faults act on (the disk
/// layer is mounted over it, `corrupt-file` damages files in it).
public protocol DataDirectories: Database {
    /// The directory on `node` holding the database's data.
    func dataDirectory(for node: ClusterNode) throws -> String
}
