import RemoteCore

/// Reads a database binary's SHA-256 on its host, over the host's `Remote` (so the command is in
/// the run's transcript like every other).
public enum BinaryFingerprint {
    public static func read(_ path: String, on remote: any Remote, version: String?) async -> RunManifest.DatabaseBinary {
        var binary = RunManifest.DatabaseBinary(host: remote.name, path: path, version: version, sha256: nil, error: nil)
        do {
            let result = try await remote.exec(ExecRequest(argv: ["sha256sum", path], timeout: .seconds(60)))
            let hex = result.stdoutText.split(separator: " ").first.map(String.init) ?? ""
            if result.status.isSuccess, hex.count == 64 {
                binary.sha256 = hex
            } else {
                binary.error = "sha256sum \(result.status): \(result.stderrText.prefix(200))"
            }
        } catch {
            binary.error = "\(error)"
        }
        return binary
    }
}
