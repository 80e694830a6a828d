import Cluster

extension RaftKVDatabase: StatusReporting {
    /// `GET /status` on the node's client URL: its role, term and commit index.
    public func statusReader(for node: ClusterNode) -> any NodeStatusReader {
        GatewayStatusReader<RaftKVStatus>(baseURL: clientURL(for: node), path: "/status", post: false) { status in
            NodeStatus(leads: status.state == "leader", term: status.term, commitIndex: status.commitIndex)
        }
    }
}
