/// Which member the cluster agrees leads.
public enum EtcdLeaderAgreement {
    /// The leader id every member in `statuses` reports, when they all report the same non-zero
    /// id and they are a majority of a cluster of `clusterSize`; otherwise nil.
    public static func leader(of statuses: [EtcdMemberStatus], clusterSize: Int) -> UInt64? {
        LeaderAgreement.agreed(statuses.map { $0.leaderID == 0 ? nil : $0.leaderID }, clusterSize: clusterSize)
    }
}
