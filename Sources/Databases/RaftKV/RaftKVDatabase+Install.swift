import Cluster
import Foundation
import RemoteCore

extension RaftKVDatabase: Versioned {
    /// What `raftkv --version` prints on every node (e.g. `0.1.0`), by node name.
    public func versions(_ cluster: ClusterContext) async throws -> [String: String] {
        try await NodeTasks.run("raftkv version check", on: cluster.nodes) { node in
            let binary = ShellQuote.quote(try layout(for: node).binary)
            let output = try await daemon(for: node).run("version check", "\(binary) --version", on: node.remote)
            let words = output.trimmingWhitespace.split(separator: " ")
            guard words.count >= 2, words[0] == "raftkv" else {
                throw NodeFailure(node: node.name, reason: "raftkv --version names no version: \(output.prefix(200))")
            }
            return String(words[1])
        }
    }

    /// Uploads the local binary to the node unless the same file is already there.
    func install(on node: ClusterNode) async throws {
        try await BinaryUpload(localPath: options.localBinary, remotePath: try layout(for: node).binary)
            .install(on: node.remote, timeout: options.timings.commandTimeout)
    }
}
