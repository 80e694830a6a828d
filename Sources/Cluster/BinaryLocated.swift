/// A database whose server is one binary file on each host: audit manifests record its hash.
public protocol BinaryLocated: Database {
    /// The path of the server binary on `node`.
    func binaryPath(on node: ClusterNode) -> String
}

extension EtcdDatabase: BinaryLocated {
    public func binaryPath(on node: ClusterNode) -> String { options.binary }
}

extension RaftKVDatabase: BinaryLocated {
    /// The binary installed in the node's own directory (empty when the node's base directory is
    /// unusable: the manifest then records the failed hash).
    public func binaryPath(on node: ClusterNode) -> String { (try? layout(for: node).binary) ?? "" }
}
