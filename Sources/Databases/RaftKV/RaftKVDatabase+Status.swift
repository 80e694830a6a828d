import Cluster
import Foundation
import RemoteCore

extension RaftKVDatabase: LeaderAware {
    /// The node every answering server names as leader, when they are a majority of the cluster
    /// and all name the same one; nil otherwise.
    public func leader(_ cluster: ClusterContext) async throws -> String? {
        agreedLeader(await probes(cluster), in: cluster)
    }

    public func agreedLeader(_ probes: [String: RaftKVProbe], in cluster: ClusterContext) -> String? {
        let claims = cluster.nodes.compactMap { probes[$0.name]?.status }.map(\.leader)
        return LeaderAgreement.agreed(claims, clusterSize: cluster.nodes.count)
    }

    /// Asks `node`'s server for its status from the node's own host.
    public func probe(_ node: ClusterNode) async -> RaftKVProbe {
        guard let daemon = try? daemon(for: node) else { return .unreachable(reason: "unusable base directory") }
        let curl = ShellQuote.join(["curl", "-sS", "-f", "--max-time", String(format: "%.3f", options.timings.statusTimeout / .seconds(1)),
                                    clientURL(for: node) + "/status"])
        return await daemon.probe(curl, on: node.remote, decode: { try RaftKVStatus.decode($0) })
    }
}

extension RaftKVDatabase: Killable, Pausable {
    /// SIGKILL to the node's server; returns once it is gone. Succeeds when it is not running.
    public func kill(_ node: ClusterNode, in cluster: ClusterContext) async throws {
        _ = try await NodeTasks.run("raftkv kill", on: [node]) { node in try await daemon(for: node).kill(on: node.remote) }
    }

    /// Starts the node's server again on its data (log appended) and returns once it answers.
    public func start(_ node: ClusterNode, in cluster: ClusterContext) async throws {
        let arguments = try arguments(for: node, in: cluster)
        _ = try await NodeTasks.run("raftkv start", on: [node]) { node in
            try await startServer(node, arguments: arguments, freshLog: false)
            _ = try await waitUntilAnswering(node)
        }
    }

    public func pause(_ node: ClusterNode, in cluster: ClusterContext) async throws {
        _ = try await NodeTasks.run("raftkv pause", on: [node]) { node in try await daemon(for: node).pause(on: node.remote) }
    }

    public func resume(_ node: ClusterNode, in cluster: ClusterContext) async throws {
        _ = try await NodeTasks.run("raftkv resume", on: [node]) { node in try await daemon(for: node).resume(on: node.remote) }
    }
}
