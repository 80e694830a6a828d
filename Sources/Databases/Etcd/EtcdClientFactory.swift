import Workload

/// Opens `EtcdClient`s for one workload: one client, and so one HTTP connection, per process.
public struct EtcdClientFactory: ClientFactory {
    public var kind: WorkloadSpec.Kind
    public var layout: KeyLayout
    public var lockLease: Duration
    public var connectTimeout: Duration
    public var readPath: WorkloadSpec.ReadPath

    public init(
        kind: WorkloadSpec.Kind, layout: KeyLayout = KeyLayout(), lockLease: Duration = .seconds(10),
        connectTimeout: Duration = .seconds(5), readPath: WorkloadSpec.ReadPath = .linearizable
    ) {
        self.readPath = readPath
        self.kind = kind
        self.layout = layout
        self.lockLease = lockLease
        self.connectTimeout = connectTimeout
    }

    /// A factory for the workload and lock lease of `spec`.
    public init(spec: WorkloadSpec, layout: KeyLayout = KeyLayout()) {
        self.init(kind: spec.kind, layout: layout, lockLease: spec.lockLease, readPath: spec.readPath)
    }

    /// A client of the node at `url` (`http://host:port`); connects at its first operation.
    public func open(node: String, url: String) async throws -> any Client {
        guard url.hasPrefix("http://") else { throw EtcdURLError(url: url) }
        return EtcdClient(url: url, kind: kind, layout: layout, lockLease: lockLease, connectTimeout: connectTimeout,
                          readPath: readPath)
    }
}

/// A client URL the etcd client cannot use.
public struct EtcdURLError: Error, Sendable, CustomStringConvertible {
    public var url: String
    public var description: String { "etcd client URL \(url): expected http://host:port" }
}
