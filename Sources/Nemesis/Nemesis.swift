import Cluster
import History

/// The nemesis of one run: draws faults from its seeded schedule, applies them one at a time,
/// records each as `nemesis` invoke/info pairs in the history (apply: f = the fault kind; heal:
/// f = `heal-<kind>`), keeps each for `spec.duration`, heals it, and heals everything at the end.
///
/// Contract: `run` returns after healing what it applied — at `end`, or when its task is cancelled
/// (healing then runs in a detached task, so cancellation cannot interrupt it). `healAll` may be
/// called at any time (e.g. on Ctrl-C) and also sweeps every host with `Heal.heal`.
public actor Nemesis {
    public nonisolated let spec: NemesisSpec
    private let injector: FaultInjector
    private let log: any NemesisLog
    private var schedule: NemesisSchedule
    /// The fault currently applied, if any.
    private var active: AppliedFault?
    /// Kinds found unavailable on this cluster are left out of the draw.
    private var unavailableKinds: Set<FaultKind> = []

    public init(spec: NemesisSpec, cluster: ClusterContext, database: any Database, log: any NemesisLog,
                seed: UInt64, controllerAddresses: [String]) {
        self.spec = spec
        self.injector = FaultInjector(cluster: cluster, database: database, spec: spec, controllerAddresses: controllerAddresses)
        self.log = log
        self.schedule = NemesisSchedule(spec: spec, seed: seed)
    }

    /// Runs the schedule until `clock()` reaches `end` (the runner passes its history clock): wait
    /// interval + jitter, apply, verify and record, hold for `duration` (cut short at `end`), heal
    /// and record; repeat. Clock faults are checked once first: where the hosts share the
    /// controller's clock they are recorded as not in effect and left out of the schedule.
    public func run(until end: Duration, clock: @escaping @Sendable () -> Duration) async {
        await excludeUnavailableFaults()
        while !Task.isCancelled {
            let kinds = spec.faults.filter { !unavailableKinds.contains($0) }
            guard let step = schedule.nextStep(from: kinds) else {
                try? await Task.sleep(for: max(.zero, end - clock()))
                break
            }
            guard clock() + step.wait < end else {
                try? await Task.sleep(for: max(.zero, end - clock()))
                break
            }
            guard (try? await Task.sleep(for: step.wait)) != nil else { break }
            let fault = await inject(step)
            guard !Task.isCancelled else { break }
            await injector.hold(fault, for: min(spec.duration, max(.zero, end - clock())))
            guard !Task.isCancelled else { break }
            await healActive()
        }
        _ = await Task.detached { [self] in await self.healAll() }.value
    }

    /// Plans `step` (asking the database for its leader when the step needs one), applies it and
    /// records the invoke and the info; the fault stays active until healed.
    @discardableResult
    public func inject(_ step: NemesisSchedule.Step) async -> AppliedFault {
        var leader: String?
        if NemesisSchedule.needsLeader(step), let aware = injector.database as? any LeaderAware {
            leader = try? await aware.leader(injector.cluster)
        }
        let plan = schedule.plan(step, nodes: injector.cluster.nodes.map(\.name), leader: leader)
        return await inject(plan)
    }

    /// Applies `plan` (healing the active fault first: one fault at a time), records it, and
    /// returns it as applied.
    @discardableResult
    public func inject(_ plan: FaultPlan) async -> AppliedFault {
        await healActive()
        log.recordNemesis(.invoke, f: plan.kind.rawValue, value: .string(plan.description))
        let fault = await injector.apply(plan)
        active = fault
        log.recordNemesis(.info, f: plan.kind.rawValue, value: .string(fault.evidence), error: fault.recordedError)
        return fault
    }

    /// Heals the active fault, if any, recording `heal-<kind>` invoke/info.
    public func healActive() async {
        guard let fault = active else { return }
        active = nil
        let f = "heal-" + fault.plan.kind.rawValue
        log.recordNemesis(.invoke, f: f, value: .string(fault.plan.description))
        let (healed, evidence) = await injector.heal(fault)
        log.recordNemesis(.info, f: f, value: .string(evidence), error: healed ? nil : "not healed")
    }

    /// Heals the active fault, then runs `Heal.heal` over every host, and returns its report.
    public func healAll() async -> HealReport {
        await healActive()
        return await Heal.heal(cluster: injector.cluster, database: injector.database, interface: spec.interface)
    }

    /// Leaves out of the draw the kinds whose family cannot run on this cluster at all (clock
    /// faults where the hosts share the controller's clock), recording each as not in effect.
    private func excludeUnavailableFaults() async {
        for family in FaultFamilies.all {
            let kinds = spec.faults.filter { family.kinds.contains($0) }
            guard !kinds.isEmpty, let why = await family.unavailable(by: injector) else { continue }
            for kind in kinds.sorted(by: { $0.rawValue < $1.rawValue }) {
                log.recordNemesis(.invoke, f: kind.rawValue, value: "all nodes")
                log.recordNemesis(.info, f: kind.rawValue, value: .string(why + "; left out of the schedule"), error: "not in effect")
            }
            unavailableKinds.formUnion(kinds)
        }
    }
}
