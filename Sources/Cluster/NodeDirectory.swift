/// The directory a database keeps its files in on one node: `<base directory>/<name>`.
public enum NodeDirectory {
    /// `<baseDirectory>/<name>`; `baseDirectory` must be an absolute path other than `/` (data
    /// directories under it are removed at tear-down).
    public static func under(_ baseDirectory: String, named name: String) throws -> String {
        var base = baseDirectory
        while base.count > 1 && base.hasSuffix("/") { base.removeLast() }
        guard base.hasPrefix("/"), base != "/" else {
            throw ClusterError.invalidConfiguration("base directory `\(baseDirectory)`: expected an absolute path other than /")
        }
        return base + "/" + name
    }
}
