import Cluster
import Foundation

/// Whether hosts share the controller's clock: a host whose kernel boot id
/// (`/proc/sys/kernel/random/boot_id`) equals the controller's runs on the controller's kernel
/// (a local-lab namespace), and setting its clock would set the machine's — which must never
/// happen.
public enum SharedClock {
    static let bootIDPath = "/proc/sys/kernel/random/boot_id"

    /// The controller's boot id, or nil when it cannot be read.
    public static func localBootID() -> String? {
        (try? String(contentsOfFile: bootIDPath, encoding: .utf8)).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    /// The names of the nodes that share the controller's clock, or whose boot id cannot be read
    /// (treated as shared: never risk the machine's clock).
    public static func sharingNodes(_ nodes: [ClusterNode]) async -> [String] {
        let local = localBootID()
        let answers = (try? await NodeTasks.run("read boot id", on: nodes) { node -> String? in
            let result = try? await node.remote.exec("cat \(bootIDPath)", timeout: .seconds(10))
            guard let result, result.status.isSuccess else { return nil }
            return result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
        }) ?? [:]
        return nodes.map(\.name).filter { name in
            guard let id = answers[name] ?? nil, let local else { return true }
            return id == local
        }
    }
}
