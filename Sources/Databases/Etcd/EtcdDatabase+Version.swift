import Cluster
import RemoteCore

/// The etcd binary on each host: present, and which version.
extension EtcdDatabase: Versioned {
    /// The output of `etcd --version` on every node (`3.4.23`), by node name. Throws naming the
    /// nodes where the binary is missing or says no version.
    public func versions(_ cluster: ClusterContext) async throws -> [String: String] {
        try await NodeTasks.run("etcd version check", on: cluster.nodes) { node in
            try await version(of: node, requireCurl: false)
        }
    }

    /// The version `etcd --version` reports on `node`, after checking the binary (and curl).
    func version(of node: ClusterNode, requireCurl: Bool) async throws -> String {
        let binary = ShellQuote.quote(options.binary)
        var script = "[ -x \(binary) ] || { echo \(binary)' is missing or not executable (Debian package etcd-server)' >&2; exit 1; }\n"
        if requireCurl {
            script += "command -v curl >/dev/null 2>&1 || { echo 'curl is missing: Faultline asks etcd for its status with it' >&2; exit 1; }\n"
        }
        script += "\(binary) --version"
        let output = try await daemon(for: node).run("version check", script, on: node.remote)
        let prefix = "etcd Version:"
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) else {
            throw NodeFailure(node: node.name, reason: "\(options.binary) --version names no version: \(output.prefix(200))")
        }
        return line.dropFirst(prefix.count).trimmingWhitespace
    }
}
