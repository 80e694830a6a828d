/// A database whose server is one binary file on each host: audit manifests record its hash.
public protocol BinaryLocated: Database {
    /// The path of the server binary on `node`.
    func binaryPath(on node: ClusterNode) -> String
}
