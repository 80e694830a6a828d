/// A database whose cluster membership can be changed while it runs: the `membership` fault
/// family shrinks the cluster through it and grows it back (Jepsen's etcd membership nemesis,
/// etcd's `MemberReplace`).
///
/// Contract:
/// - `members(via:)` asks `via` for the names of the voting members of the configuration it
///   has in effect (cluster node names), and throws when `via` does not answer.
/// - `shrink(_:via:)` removes `node` from the configuration through `via` (another member; a
///   database whose followers refuse follows them to the leader), returns only once the change
///   is committed, then stops `node`'s process and deletes its data. Succeeds when `node` is
///   already no member (it is still stopped and wiped).
/// - `grow(_:via:)` makes `node` a member again: stops whatever runs there, starts it on an empty
///   data directory to join the existing cluster (not to found a new one), adds it through `via`,
///   and returns once the change is committed and `node` answers. Succeeds when `node` is already
///   a member and its process runs.
/// Both throw `ClusterError.nodesFailed` naming the node when they fail; one change at a time.
public protocol MembershipChanging: Database {
    /// Why this database's membership cannot be changed after all (a definition without a
    /// `membership` section), or nil when it can. Default: nil.
    var membershipUnavailable: String? { get }
    func members(via node: ClusterNode, in cluster: ClusterContext) async throws -> [String]
    func shrink(_ node: ClusterNode, via member: ClusterNode, in cluster: ClusterContext) async throws
    func grow(_ node: ClusterNode, via member: ClusterNode, in cluster: ClusterContext) async throws
}

extension MembershipChanging {
    public var membershipUnavailable: String? { nil }
}

/// A `MembershipChanging` database whose configuration can take several new servers in one
/// change (raftkv's `{"servers":[…]}`): the change joint consensus exists for, and the one the
/// `membership-split` fault aims at.
///
/// Contract:
/// - `startJoining(_:in:)` stops whatever runs on each node, empties its data and starts it to
///   join the existing cluster, returning once each answers; nothing is added yet.
/// - `add(_:via:within:in:)` asks for all of `nodes` to be added in one change through `via`
///   (following a follower to its leader) and returns true once the change is committed, or
///   false (with why) when it was refused or `within` passed first — the change may still be
///   under way then. It never throws.
public protocol GroupMembershipChanging: MembershipChanging {
    func startJoining(_ nodes: [ClusterNode], in cluster: ClusterContext) async throws
    func add(_ nodes: [ClusterNode], via member: ClusterNode, within limit: Duration, in cluster: ClusterContext) async
        -> (committed: Bool, detail: String)
}
