// The Cluster target: the Database protocol and its optional abilities, daemons on hosts, the disk layer's control (no database kind lives here).

/// A database whose server is one binary file on each host: audit manifests record its hash.
public protocol BinaryLocated: Database {
    /// The path of the server binary on `node`.
    func binaryPath(on node: ClusterNode) -> String
}
