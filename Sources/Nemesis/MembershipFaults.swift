import Cluster
import History

extension FaultKind {
    /// Shrinks the cluster: the targets are removed from the configuration through a member that
    /// stays, stopped and wiped; healed by growing it back (added again, started to join).
    public static let membership = FaultKind(declared: "membership")
}

extension UndoAction {
    /// Make the node a member again and start it (`MembershipChanging.grow`).
    public static let rejoin = UndoAction(rawValue: "rejoin")
}

/// Membership changes, for `MembershipChanging` databases. A step shrinks the cluster by its
/// targets, but never below a majority of the original size (at most one node of three or four,
/// two of five), one change at a time through a member that stays; its heal grows the cluster
/// back to full size, so every run ends with every original member back. The evidence names the
/// members after each shrink and grow: the history holds the membership over time.
public struct MembershipFaults: FaultFamily {
    public init() {}

    public var kinds: [FaultKind] { [.membership] }
    public var healSteps: [any HealStep] { [RejoinHeal()] }
    public func needsLeader(_ step: NemesisSchedule.Step) -> Bool { TargetedPlan.needsLeader(step) }

    public func plan(_ step: NemesisSchedule.Step, nodes: [String], leader: String?, using rng: inout SplitMix64) -> FaultPlan {
        var plan = TargetedPlan.plan(step, nodes: nodes, leader: leader, using: &rng)
        let most = nodes.count - (nodes.count / 2 + 1)
        guard plan.unavailable == nil else { return plan }
        guard most >= 1 else {
            return FaultPlan(kind: step.kind, target: step.target,
                             unavailable: "a cluster of \(nodes.count) cannot lose a member and keep a majority of its original size")
        }
        plan.nodes = Array(plan.nodes.prefix(most))
        return plan
    }

    public func unavailable(by injector: FaultInjector) async -> String? {
        guard let database = injector.database as? any MembershipChanging else {
            return "\(injector.database.name) cannot change its membership through Faultline"
        }
        return database.membershipUnavailable
    }

    public func apply(_ plan: FaultPlan, id: String, by injector: FaultInjector) async -> AppliedFault {
        await injector.applyMembershipFault(plan, id: id)
    }

    public func heal(_ fault: AppliedFault, by injector: FaultInjector) async -> (healed: Bool, evidence: String) {
        await injector.healMembershipFault(fault)
    }
}

extension FaultInjector {
    /// Shrinks by each target in turn (`MembershipChanging.shrink` through the first node that
    /// stays), journaling `rejoin` on the target first; stops at the first failure.
    func applyMembershipFault(_ plan: FaultPlan, id: String) async -> AppliedFault {
        guard let database = database as? any MembershipChanging,
            let via = cluster.nodes.first(where: { !plan.nodes.contains($0.name) })
        else {
            return AppliedFault(plan: plan, journalID: id, inEffect: false,
                                evidence: "\(database.name) cannot change its membership through Faultline", touched: [])
        }
        let entry = HealJournalEntry(id: id, fault: plan.kind.rawValue, undo: [.rejoin])
        var evidence: [String] = [], touched: [String] = [], inEffect = true
        for name in plan.nodes {
            guard let node = node(name) else { continue }
            do {
                _ = try await node.root(HealJournal.appendCommand(entry, baseDirectory: node.baseDirectory))
                touched.append(name)
                try await database.shrink(node, via: via, in: cluster)
                evidence.append("\(name) removed through \(via.name), stopped, data wiped")
            } catch {
                inEffect = false
                evidence.append("\(name) failed: \(error)")
                break
            }
        }
        evidence.append(await membersNow(database, via: via))
        return AppliedFault(plan: plan, journalID: id, inEffect: inEffect, evidence: evidence.joined(separator: "; "), touched: touched)
    }

    /// Grows back by each node the shrink touched (`MembershipChanging.grow` through a node it
    /// did not target) and removes their journal entries.
    func healMembershipFault(_ fault: AppliedFault) async -> (healed: Bool, evidence: String) {
        guard let database = database as? any MembershipChanging,
            let via = cluster.nodes.first(where: { !fault.plan.nodes.contains($0.name) && !fault.touched.contains($0.name) })
        else { return (false, "\(database.name) cannot change its membership through Faultline") }
        var evidence: [String] = [], healed = true
        for name in fault.touched {
            guard let node = node(name) else { continue }
            do {
                try await database.grow(node, via: via, in: cluster)
                _ = try await node.root(HealJournal.removeCommand(id: fault.journalID, baseDirectory: node.baseDirectory))
                evidence.append("\(name) added through \(via.name), started to join")
            } catch {
                healed = false
                evidence.append("\(name) failed: \(error)")
            }
        }
        evidence.append(await membersNow(database, via: via))
        return (healed, evidence.joined(separator: "; "))
    }

    /// `members: n1,n2,…` as `via` has them in effect.
    private func membersNow(_ database: any MembershipChanging, via: ClusterNode) async -> String {
        do { return MembershipEvidence.text(try await database.members(via: via, in: cluster)) } catch {
            return MembershipEvidence.unknown("\(error)")
        }
    }
}

/// `faultline heal` after a crash: a node whose journal says it was taken out of the membership
/// is made a member again and started, through another node that answers as a member.
struct RejoinHeal: HealStep {
    var stage: HealStage { .process }

    func heal(_ node: ClusterNode, _ context: HealContext, into report: inout HealReport.Host) async {
        guard context.asked.contains(.rejoin), let database = context.database as? any MembershipChanging else { return }
        await report.attempt("rejoin \(database.name)") {
            for other in context.cluster.nodes where other.name != node.name {
                guard let members = try? await database.members(via: other, in: context.cluster), members.contains(other.name) else {
                    continue
                }
                try await database.grow(node, via: other, in: context.cluster)
                return "member again (added through \(other.name))"
            }
            throw StepFailure("no other node answers as a member")
        }
    }
}
