import Cluster

extension EtcdDatabase: StatusReporting {
    /// `POST /v3/maintenance/status` on the member's client URL: it leads when the leader it
    /// names is itself; its Raft term and committed index.
    public func statusReader(for node: ClusterNode) -> any NodeStatusReader {
        GatewayStatusReader<EtcdMemberStatus>(baseURL: clientURL(for: node), path: "/v3/maintenance/status", post: true) { status in
            NodeStatus(leads: status.leaderID != 0 && status.leaderID == status.memberID, term: status.raftTerm,
                       commitIndex: status.raftIndex)
        }
    }
}
