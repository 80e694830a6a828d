import Cluster
import Foundation
import RemoteCore

// Status requests (`POST /v3/maintenance/status`, `/v3/cluster/member/list`) run as `curl` on each
// member's own host, through that host's `Remote`, not from the controller (URLSession):
// - the `Remote` stays the one way this target reaches a host, so the same code works over SSH,
//   locally and against fakes, and on real hosts whose client port the controller cannot reach;
// - the same command says, when etcd does not answer, whether its process still lives, so
//   set-up fails at once, with the member's log, when a member exits instead of waiting out its
//   timeout;
// - this target needs no HTTP stack (FoundationNetworking on Linux, or NIO).
// It costs one command per member per round over the host's kept SSH session (a few ms).

/// What asking one node's etcd member for its status found.
public typealias EtcdProbe = DaemonProbe<EtcdMemberStatus>

extension EtcdDatabase: LeaderAware, ProbedMembers {
    /// The node every member that answers names as leader, when those are a majority of the
    /// cluster (`EtcdLeaderAgreement`); nil otherwise. Members that do
    /// not answer (killed, paused, unreachable) are left out.
    public func leader(_ cluster: ClusterContext) async throws -> String? {
        let probes = await probes(cluster)
        let statuses = cluster.nodes.compactMap { probes[$0.name]?.status }
        guard let id = EtcdLeaderAgreement.leader(of: statuses, clusterSize: cluster.nodes.count) else { return nil }
        if let name = Self.memberNames(probes)[id] { return name }
        // The leader did not answer itself (paused, cut off): a member that did knows its name.
        for node in cluster.nodes where probes[node.name]?.status != nil {
            if let name = try? await memberNames(via: node)[id] { return name }
        }
        return nil
    }

    /// Asks `node`'s member for its status; when it does not answer, says whether its process runs.
    public func probe(_ node: ClusterNode) async -> EtcdProbe {
        guard let daemon = try? daemon(for: node) else { return .unreachable(reason: "unusable base directory") }
        return await daemon.probe(curl(node, "/v3/maintenance/status"), on: node.remote, decode: { try EtcdMemberStatus.decode($0) })
    }

    /// The node every answering member names as leader, when they are a majority.
    public func agreedLeader(_ probes: [String: EtcdProbe], in cluster: ClusterContext) -> String? {
        let statuses = cluster.nodes.compactMap { probes[$0.name]?.status }
        guard let id = EtcdLeaderAgreement.leader(of: statuses, clusterSize: cluster.nodes.count) else { return nil }
        return Self.memberNames(probes)[id]
    }

    /// Member ids and names as `node`'s member lists them.
    func memberNames(via node: ClusterNode) async throws -> [UInt64: String] {
        let output = try await daemon(for: node).run("member list", curl(node, "/v3/cluster/member/list"), on: node.remote)
        return try EtcdMemberList.decode(output).names
    }

    /// Member id → node name, from the members that answered.
    static func memberNames(_ probes: [String: EtcdProbe]) -> [UInt64: String] {
        Dictionary(probes.compactMap { name, probe in probe.status.map { ($0.memberID, name) } },
                   uniquingKeysWith: { first, _ in first })
    }

    /// A curl command line that POSTs `body` to `path` on `node`'s client URL, failing on HTTP
    /// errors and after `timeout` (default `options.timings.statusTimeout`).
    func curl(_ node: ClusterNode, _ path: String, body: String = "{}", timeout: Duration? = nil) -> String {
        let seconds = (timeout ?? options.timings.statusTimeout) / .seconds(1)
        return ShellQuote.join(["curl", "-sS", "-f", "--max-time", String(format: "%.3f", seconds),
                                "-X", "POST", "-H", "Content-Type: application/json", "-d", body,
                                clientURL(for: node) + path])
    }
}

