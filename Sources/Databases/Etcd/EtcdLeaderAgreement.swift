import Cluster

/// Which member the cluster agrees leads.
public enum EtcdLeaderAgreement {
    /// The non-zero leader id that members making up a majority of a cluster of `clusterSize`
    /// report in `statuses`; otherwise nil.
    public static func leader(of statuses: [EtcdMemberStatus], clusterSize: Int) -> UInt64? {
        LeaderAgreement.agreed(statuses.map { $0.leaderID == 0 ? nil : $0.leaderID }, clusterSize: clusterSize)
    }
}
