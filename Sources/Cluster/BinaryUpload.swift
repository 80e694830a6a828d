import Foundation
import RemoteCore

/// A local executable copied to a path on each host (raftkv, a defined database's uploaded
/// binary): uploaded only when the host's copy differs, by SHA-256.
public struct BinaryUpload: Sendable, Equatable {
    /// The file on the controller.
    public var localPath: String
    /// Where it goes on the host.
    public var remotePath: String

    public init(localPath: String, remotePath: String) {
        self.localPath = localPath
        self.remotePath = remotePath
    }

    /// Uploads the file to `remote` unless the same file (by SHA-256) is there already; creates
    /// the remote folder. Throws `ClusterError.invalidConfiguration` when the local file cannot be
    /// hashed, a transport error otherwise.
    public func install(on remote: any Remote, timeout: Duration) async throws {
        let local = try Self.localDigest(localPath)
        let check = "mkdir -p \(ShellQuote.quote((remotePath as NSString).deletingLastPathComponent)) && "
            + "{ sha256sum \(ShellQuote.quote(remotePath)) 2>/dev/null || true; }"
        let present = try await remote.exec(check, timeout: timeout).stdoutText
        guard !present.hasPrefix(local) else { return }
        try await remote.upload(localPath, to: remotePath, options: TransferOptions(timeout: timeout))
    }

    /// The SHA-256 of a local file, hex, from `sha256sum`.
    public static func localDigest(_ path: String) throws -> String {
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
