/// Which member the cluster agrees leads.
public enum EtcdLeaderAgreement {
    /// The leader id every member in `statuses` reports, when they all report the same non-zero
    /// id and they are a majority of a cluster of `clusterSize`; otherwise nil. (An isolated old
    /// leader keeps claiming leadership while the others follow a new one: that is disagreement.)
    public static func leader(of statuses: [EtcdMemberStatus], clusterSize: Int) -> UInt64? {
        guard statuses.count * 2 > clusterSize, let first = statuses.first?.leaderID, first != 0,
              statuses.allSatisfy({ $0.leaderID == first }) else { return nil }
        return first
    }
}
