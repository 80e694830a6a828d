import Cluster
import History

extension FaultKind {
    /// Shrinks like `membership`; its heal adds the removed servers back in one change through
    /// the leader while the other members are cut off from both: the moment a Raft without joint
    /// consensus lets two majorities decide apart.
    public static let membershipSplit = FaultKind(declared: "membership-split")
}

/// Membership changes aimed at the joint-consensus step, for `GroupMembershipChanging`
/// databases with a leader to ask (`LeaderAware`), on five nodes or more. A step shrinks the
/// cluster as `membership` does (at most the minority, one server at a time). Its heal:
/// 1. starts the removed servers to join (not yet members);
/// 2. cuts the members other than the leader off from the leader and the returning servers —
///    the leader alone is no majority of the old configuration, but with the returning servers
///    it is one of the new;
/// 3. asks the leader to add all returning servers in one change, and keeps the cut for
///    `cutHold` in all (from the cut). Joint consensus cannot commit that change without a
///    majority of the old configuration, so a correct cluster commits it only after the cut;
///    a cluster that switches straight to the new configuration commits it at once, and the
///    members cut off elect a leader of their own: two leaders accept writes for the rest of
///    the cut, which the history shows;
/// 4. heals the cut, empties again the returning servers the change did not make members, and
///    finishes as `membership`'s heal does (every original member back and running, through a
///    member that stayed).
/// The evidence says whether and how fast the change committed while the cut held. Without a
/// leader agreed on within `leaderWait`, or with a single server to add, the heal is `membership`'s alone.
public struct MembershipSplitFaults: FaultFamily {
    /// How long the cut holds, from when it took effect.
    public static let cutHold: Duration = .seconds(3)
    /// How long the heal waits for a leader to be agreed on before it gives up the cut.
    public static let leaderWait: Duration = .seconds(10)

    public init() {}

    public var kinds: [FaultKind] { [.membershipSplit] }
    public var healSteps: [any HealStep] { [RejoinHeal(), FirewallHeal()] }
    public func needsLeader(_ step: NemesisSchedule.Step) -> Bool { MembershipFaults().needsLeader(step) }

    public func plan(_ step: NemesisSchedule.Step, nodes: [String], leader: String?, using rng: inout SplitMix64) -> FaultPlan {
        MembershipFaults().plan(step, nodes: nodes, leader: leader, using: &rng)
    }

    public func unavailable(by injector: FaultInjector) async -> String? {
        let name = injector.database.name
        guard injector.database is any GroupMembershipChanging, injector.database is any LeaderAware else {
            return "\(name) cannot add several servers in one change through Faultline"
        }
        return injector.cluster.nodes.count >= 5 ? nil
            : "a cluster of \(injector.cluster.nodes.count) cannot lose two members and keep a majority of its original size"
    }

    public func apply(_ plan: FaultPlan, id: String, by injector: FaultInjector) async -> AppliedFault {
        await injector.applyMembershipFault(plan, id: id)
    }

    public func heal(_ fault: AppliedFault, by injector: FaultInjector) async -> (healed: Bool, evidence: String) {
        await injector.healMembershipSplit(fault)
    }
}

extension FaultInjector {
    func healMembershipSplit(_ fault: AppliedFault) async -> (healed: Bool, evidence: String) {
        let returning = fault.touched.compactMap(node)
        guard let database = database as? any GroupMembershipChanging, let aware = database as? any LeaderAware,
            returning.count >= 2
        else { return await healMembershipFault(fault) }
        // A shrink that took out the leader leaves the others naming it until their election
        // timeout: wait for the leader they elect among themselves.
        guard let leaderName = await agreedLeader(aware, outside: Set(fault.touched)), let leader = node(leaderName) else {
            let (healed, evidence) = await healMembershipFault(fault)
            return (healed, "no leader outside \(fault.touched.joined(separator: ",")) agreed on: no cut; " + evidence)
        }
        var evidence: [String] = []
        do {
            try await database.startJoining(returning, in: cluster)
        } catch {
            let (healed, rest) = await healMembershipFault(fault)
            return (healed, "starting \(fault.touched.joined(separator: ",")) to join failed: \(error); no cut; " + rest)
        }
        let with = [leaderName] + fault.touched
        let others = cluster.nodes.map(\.name).filter { !with.contains($0) }
        let cutPlan = FaultPlan(kind: .membershipSplit, grudge: .split([with, others]))
        let cut = await applyPartition(cutPlan, id: fault.journalID + "-cut")
        let cutAt = ContinuousClock.now
        evidence.append("cut \(others.joined(separator: ",")) off from \(with.joined(separator: ",")): \(cut.evidence)")
        var committed = false
        if cut.inEffect {
            let added = await database.add(returning, via: leader, within: MembershipSplitFaults.cutHold, in: cluster)
            committed = added.committed
            let took = ContinuousClock.now - cutAt
            evidence.append(added.committed
                ? "\(fault.touched.joined(separator: ",")) added in one change through \(leaderName) while cut off from "
                    + "\(others.joined(separator: ",")): committed \(Int(took.inMilliseconds)) ms after the cut (joint consensus needs a majority of the old members)"
                : "\(fault.touched.joined(separator: ",")) not added while cut: \(added.detail.prefix(240))")
            try? await Task.sleep(until: cutAt + MembershipSplitFaults.cutHold, clock: .continuous)
        }
        let uncut = await healFirewall(cut)
        evidence.append("cut healed: \(uncut.evidence)")
        // A returning server the change did not make a member may hold that uncommitted change
        // (it heard the leader during the cut) and campaign in a configuration nobody else has,
        // unsettling every leader while the others are added: unless the leader that settles
        // after the cut lists it (the change went through after all), empty it before growing
        // them back one at a time.
        if !committed {
            var listed: [String] = []
            if let settled = await agreedLeader(aware, outside: []).flatMap(node) {
                listed = (try? await database.members(via: settled, in: cluster)) ?? []
            }
            let outside = returning.filter { !listed.contains($0.name) }
            if !outside.isEmpty {
                do { try await database.startJoining(outside, in: cluster) } catch { evidence.append("emptying failed: \(error)") }
            }
        }
        let (healed, rest) = await healMembershipFault(fault)
        evidence.append(rest)
        return (healed && uncut.healed, evidence.joined(separator: "; "))
    }
}

extension FaultInjector {
    /// The leader the cluster agrees on that is not one of `outside` (removed servers the
    /// others may still name), asked every 200 ms for up to `MembershipSplitFaults.leaderWait`.
    func agreedLeader(_ aware: any LeaderAware, outside: Set<String>) async -> String? {
        let deadline = ContinuousClock.now + MembershipSplitFaults.leaderWait
        func ask() async -> String? { (try? await aware.leader(cluster)).flatMap { outside.contains($0) ? nil : $0 } }
        var agreed = await ask()
        while agreed == nil, ContinuousClock.now < deadline, (try? await Task.sleep(for: .milliseconds(200))) != nil {
            agreed = await ask()
        }
        return agreed
    }
}
