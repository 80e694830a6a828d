import Foundation

/// The SHA-256 and size of every regular file under a run directory, by relative path, leaving
/// out the manifest itself.
public enum ArtifactHashes {
    public static func of(directory: String) throws -> [String: RunManifest.Artifact] {
        let root = URL(fileURLWithPath: directory).standardizedFileURL
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: directory])
        }
        var artifacts: [String: RunManifest.Artifact] = [:]
        for case let url as URL in walker {
            guard (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true else { continue }
            let relative = String(url.standardizedFileURL.path.dropFirst(root.path.count + 1))
            guard relative != RunManifest.fileName else { continue }
            let (hex, size) = try SHA256Digest.file(url.path)
            artifacts[relative] = RunManifest.Artifact(sha256: hex, size: size)
        }
        return artifacts
    }
}
