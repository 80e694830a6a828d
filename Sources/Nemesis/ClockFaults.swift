import Cluster
import History

extension FaultKind {
    /// Jump the targets' clocks by ±Δ, then reset.
    public static let clockBump = FaultKind(declared: "clock-bump")
    /// Flip the targets' clocks between two offsets at a period, then reset.
    public static let clockStrobe = FaultKind(declared: "clock-strobe")

    /// Clock bump and strobe.
    public var isClock: Bool { family is ClockFaults }
}

/// Clock faults: a database's faked clock (`ClockFaking`) moved wherever it runs, or on real
/// hosts the host clock stepped with NTP paused, measured against the controller; never on a
/// host that shares the controller's clock (then unavailable for the whole run).
public struct ClockFaults: FaultFamily {
    public var healSteps: [any HealStep] { [ClockHeal(), FakeClockHeal()] }
    public var kinds: [FaultKind] { [.clockBump, .clockStrobe] }
    public func needsLeader(_ step: NemesisSchedule.Step) -> Bool { TargetedPlan.needsLeader(step) }
    public func plan(_ step: NemesisSchedule.Step, nodes: [String], leader: String?, using rng: inout SplitMix64) -> FaultPlan {
        TargetedPlan.plan(step, nodes: nodes, leader: leader, using: &rng)
    }
    public func unavailable(by injector: FaultInjector) async -> String? {
        await injector.clockUnavailable(on: injector.cluster.nodes.map(\.name))
    }
    public func apply(_ plan: FaultPlan, id: String, by injector: FaultInjector) async -> AppliedFault {
        await injector.applyClock(plan, id: id)
    }
    public func hold(_ fault: AppliedFault, for duration: Duration, by injector: FaultInjector) async {
        if fault.plan.kind == .clockStrobe && fault.inEffect {
            await injector.strobe(fault, for: duration)
        } else {
            try? await Task.sleep(for: duration)
        }
    }
    public func heal(_ fault: AppliedFault, by injector: FaultInjector) async -> (healed: Bool, evidence: String) {
        await injector.healClock(fault)
    }
}

extension FaultInjector {
    /// Why clock faults cannot be applied to `nodes`, or nil when they can: any node that shares
    /// the controller's clock (the local lab) rules them out, because stepping its clock would
    /// step this machine's, and libfaketime is no way out for the database under test here.
    func clockUnavailable(on nodes: [String]) async -> String? {
        if database.fakedClock != nil { return nil }
        let sharing = await SharedClock.sharingNodes(cluster.nodes.filter { nodes.contains($0.name) })
        guard !sharing.isEmpty else { return nil }
        return "\(sharing.joined(separator: ",")) share the controller's clock (same kernel boot id), which must never be "
            + "changed, and \(database.name) does not take a faked clock (a Go binary such as etcd reads time through "
            + "the vDSO, so libfaketime has no effect)"
    }

    /// A database on a faked clock (`ClockFaking`): journals the undo and moves the faked clocks
    /// of the targets, wherever they run; the host clocks are never touched. Otherwise, on real
    /// hosts only: journals the clock undo with the running NTP daemons, stops them, steps the
    /// clock by `spec.clockOffset` and measures the offset against the controller.
    func applyClock(_ plan: FaultPlan, id: String) async -> AppliedFault {
        if let faking = database.fakedClock {
            let outcomes = await NodeOutcomes<Duration>.run(plan.kind.rawValue, plan.nodes, in: cluster) { node in
                let entry = HealJournalEntry(id: id, fault: plan.kind.rawValue, undo: [.fakeClock])
                _ = try await node.root(HealJournal.appendCommand(entry, baseDirectory: node.baseDirectory))
                return try await faking.setClockOffset(spec.clockOffset, on: node, in: cluster)
            }
            return AppliedFault(plan: plan, journalID: id, inEffect: outcomes.allSucceeded,
                                evidence: outcomes.summary { "\(database.name)'s faked clock (libfaketime), measured offset \(Self.seconds($0))" },
                                touched: plan.nodes)
        }
        if let why = await clockUnavailable(on: plan.nodes) {
            return AppliedFault(plan: plan, journalID: id, inEffect: false, evidence: why, touched: [])
        }
        let offset = spec.clockOffset
        let kind = plan.kind.rawValue
        let outcomes = await NodeOutcomes<Duration>.run(kind, plan.nodes, in: cluster) { node in
            let services = try await node.root(ClockControl.activeServicesCommand).split(separator: "\n").map(String.init)
            let entry = HealJournalEntry(id: id, fault: kind, undo: [.clock], ntpServices: services)
            _ = try await node.root(HealJournal.appendCommand(entry, baseDirectory: node.baseDirectory)
                                    + "\n" + ClockControl.stopServicesCommand(services))
            return try await step(node, ClockControl.bumpCommand(by: offset))
        }
        return AppliedFault(plan: plan, journalID: id, inEffect: outcomes.allSucceeded,
                            evidence: outcomes.summary { "measured offset \(Self.seconds($0))" }, touched: plan.nodes)
    }

    /// Flips the clocks of a strobe between +Δ and the controller's time every `strobePeriod`.
    func strobe(_ fault: AppliedFault, for duration: Duration) async {
        let clock = ContinuousClock()
        let end = clock.now + duration
        var shifted = true
        while clock.now + spec.strobePeriod < end {
            guard (try? await Task.sleep(for: spec.strobePeriod)) != nil else { return }
            let command = shifted ? ClockControl.setCommand(epochNanoseconds: ClockControl.controllerNow())
                                  : ClockControl.bumpCommand(by: spec.clockOffset)
            let offset = shifted ? Duration.zero : spec.clockOffset
            _ = await NodeOutcomes<Duration>.run("strobe", fault.touched, in: cluster) { node in
                if let faking = database.fakedClock { return try await faking.setClockOffset(offset, on: node, in: cluster) }
                return try await step(node, command)
            }
            shifted.toggle()
        }
        try? await Task.sleep(until: end)
    }

    /// Sets the touched hosts' clocks to the controller's, starts the NTP daemons the journal
    /// lists, measures the offset left.
    func healClock(_ fault: AppliedFault) async -> (healed: Bool, evidence: String) {
        let id = fault.journalID
        let outcomes = await NodeOutcomes<Duration>.run("heal clock", fault.touched, in: cluster) { node in
            guard let faking = database.fakedClock else { return try await ClockReset.reset(node, journalID: id) }
            let offset = try await faking.setClockOffset(.zero, on: node, in: cluster)
            _ = try await node.root(HealJournal.removeCommand(id: id, baseDirectory: node.baseDirectory))
            return offset
        }
        return (outcomes.allSucceeded, outcomes.summary { "measured offset \(Self.seconds($0))" })
    }

    /// Runs a clock-stepping command that prints the host's new time and returns the host's
    /// offset from the controller.
    func step(_ node: ClusterNode, _ command: String) async throws -> Duration {
        let sent = ClockControl.controllerNow()
        let output = try await node.root(command)
        let received = ClockControl.controllerNow()
        guard let host = Int64(output.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw StepFailure("unexpected time `\(output)`")
        }
        return ClockControl.offset(hostNanoseconds: host, sent: sent, received: received)
    }

    static func seconds(_ duration: Duration) -> String {
        let s = duration.inMilliseconds / 1000
        return (s >= 0 ? "+" : "") + String(format: "%.3f s", s)
    }
}

extension UndoAction {
    /// Set the database's faked clock back to no offset (`ClockFaking`).
    public static let fakeClock = UndoAction(rawValue: "fakeClock")
}

/// Sets a faked database clock (`ClockFaking`) back to no offset, when the journal asks.
struct FakeClockHeal: HealStep {
    var stage: HealStage { .clock }

    func heal(_ node: ClusterNode, _ context: HealContext, into report: inout HealReport.Host) async {
        guard context.asked.contains(.fakeClock), let faking = context.database.fakedClock else { return }
        let name = context.database.name
        await report.attempt("faked clock") {
            "\(name)'s faked clock reset, offset now \(FaultInjector.seconds(try await faking.setClockOffset(.zero, on: node, in: context.cluster)))"
        }
    }
}
