// The Audit target: the audit record of a run: SHA-256 of artifacts and binaries, manifest.json, faultline verify.

import Foundation

/// The SHA-256 and size of every regular file under a run directory, by relative path, leaving
/// out the manifest itself and the renderings (`renderings`).
///
/// The renderings (`report.html`, `junit.xml`) are drawn from the hashed files and are written
/// after the manifest; `faultline report` may draw them again at any time. What an auditor checks
/// is the evidence they are drawn from, which `faultline verify` re-hashes, and the verdict, which
/// it re-derives from the history.
public enum ArtifactHashes {
    public static let renderings: Set<String> = ["report.html", "junit.xml"]

    public static func of(directory: String) throws -> [String: RunManifest.Artifact] {
        let root = URL(fileURLWithPath: directory).standardizedFileURL
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: directory])
        }
        var artifacts: [String: RunManifest.Artifact] = [:]
        for case let url as URL in walker {
            guard (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true else { continue }
            let relative = String(url.standardizedFileURL.path.dropFirst(root.path.count + 1))
            guard relative != RunManifest.fileName, !renderings.contains(relative) else { continue }
            let (hex, size) = try SHA256Digest.file(url.path)
            artifacts[relative] = RunManifest.Artifact(sha256: hex, size: size)
        }
        return artifacts
    }
}
