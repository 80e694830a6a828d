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

    /// Uploads the local binary to the node unless the same file (by SHA-256) is already there.
    func install(on node: ClusterNode) async throws {
        let target = try layout(for: node).binary
        let local = try Self.localDigest(options.localBinary)
        let check = "mkdir -p \(ShellQuote.quote((target as NSString).deletingLastPathComponent)) && "
            + "{ sha256sum \(ShellQuote.quote(target)) 2>/dev/null || true; }"
        let present = try await node.remote.exec(check, timeout: options.timings.commandTimeout).stdoutText
        guard !present.hasPrefix(local) else { return }
        try await node.remote.upload(options.localBinary, to: target,
                                     options: TransferOptions(timeout: options.timings.commandTimeout))
    }

    /// The SHA-256 of a local file, hex, from `sha256sum`.
    static func localDigest(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, let digest = String(decoding: data, as: UTF8.self).split(separator: " ").first else {
            throw ClusterError.invalidConfiguration("cannot hash \(path) with sha256sum")
        }
        return String(digest)
    }
}
