import Cluster
import Foundation
import RemoteCore

/// Membership changes through etcd's v3 JSON gateway (`/v3/cluster/member/list`, `/add`,
/// `/remove`, asked from the member's own host; etcd forwards them to its leader), members
/// matched to nodes by their peer URL.
extension EtcdDatabase: MembershipChanging {
    public func members(via node: ClusterNode, in cluster: ClusterContext) async throws -> [String] {
        let list = try await memberList(via: node)
        return cluster.nodes.filter { node in list.members.contains { $0.peerURLs?.contains(peerURL(node)) == true } }.map(\.name)
    }

    /// `member/remove` of the member with `node`'s peer URL (none: already removed), then the
    /// member stopped and its data (a disk layer over it unmounted first) removed.
    public func shrink(_ node: ClusterNode, via member: ClusterNode, in cluster: ClusterContext) async throws {
        _ = try await NodeTasks.run("etcd shrink", on: [node]) { node in
            if let id = try await memberList(via: member).members.first(where: { $0.peerURLs?.contains(peerURL(node)) == true })?.id {
                _ = try await retried("member remove", curl(member, "/v3/cluster/member/remove", body: #"{"ID":"\#(id.value)"}"#), via: member)
            }
            let data = try layout(for: node).dataDirectory
            try await daemon(for: node).stopAndWipe(on: node, data: data, removing: [data], grace: options.timings.stopGrace)
        }
    }

    /// A member that has started is only started again if it is not running. Otherwise
    /// `member/add` with `node`'s peer URL (unless it was added and never started), then the
    /// member started on an empty data directory with `--initial-cluster-state=existing` and the
    /// configuration etcd answered as `--initial-cluster`; returns once it answers.
    public func grow(_ node: ClusterNode, via member: ClusterNode, in cluster: ClusterContext) async throws {
        var list = try await memberList(via: member)
        let mine = { (m: EtcdMemberList.Member) in m.peerURLs?.contains(peerURL(node)) == true }
        if let known = list.members.first(where: mine), known.name?.isEmpty == false {
            if case .running = try await daemon(for: node).state(on: node.remote) { return }
            return try await start(node, in: cluster)
        }
        if !list.members.contains(where: mine) {
            let output = try await retried("member add", curl(member, "/v3/cluster/member/add", body: #"{"peerURLs":["\#(peerURL(node))"]}"#), via: member)
            list = try EtcdMemberList.decode(output)
        }
        var configuration = cluster
        configuration.nodes = cluster.nodes.filter { n in list.members.contains { $0.peerURLs?.contains(peerURL(n)) == true } }
        // The token of the cluster as it was set up (etcd ignores it when joining; kept the same).
        let token = try self.arguments(for: node, in: cluster, state: .existing).first { $0.hasPrefix("--initial-cluster-token=") }
        let arguments = try arguments(for: node, in: configuration, state: .existing).map {
            $0.hasPrefix("--initial-cluster-token=") ? token ?? $0 : $0
        }
        _ = try await NodeTasks.run("etcd grow", on: [node]) { node in
            let data = try layout(for: node).dataDirectory
            try await daemon(for: node).stopAndWipe(on: node, data: data, removing: [data], grace: options.timings.stopGrace,
                                                    remount: cluster.diskLayer)
            try await daemon(for: node).start(arguments, on: node.remote, freshLog: false)
            _ = try await waitUntilAnswering(node)
        }
    }

    private func retried(_ action: String, _ command: String, via: ClusterNode) async throws -> String {
        try await daemon(for: via).runRetrying(action, command, on: via.remote)
    }

    private func peerURL(_ node: ClusterNode) -> String { options.ports.peerURL(node.address) }

    private func memberList(via node: ClusterNode) async throws -> EtcdMemberList {
        try EtcdMemberList.decode(try await daemon(for: node).run("member list", curl(node, "/v3/cluster/member/list"), on: node.remote))
    }
}
