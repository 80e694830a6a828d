import Cluster
import History
import RemoteCore

/// The nemesis of one run: draws faults from its seeded schedule, applies them one at a time,
/// records each as `nemesis` invoke/info pairs in the history (apply: f = the fault kind; heal:
/// f = `heal-<kind>`), keeps each for `spec.duration`, heals it, and heals everything at the end.
/// Beside the clock it fires the spec's triggers (`Nemesis+Triggers`) on what the cluster does;
/// their faults take turns with the schedule's (a fault applied heals the one before; see
/// `applyHealingFirst` for which goes first).
///
/// Contract: `run` returns after healing what it applied — at `end`, or when its task is cancelled
/// (healing then runs in a detached task, so cancellation cannot interrupt it). `healAll` may be
/// called at any time (e.g. on Ctrl-C) and also sweeps every host with `Heal.heal`. Applying and
/// healing never interleave: each waits for the one under way.
public actor Nemesis {
    public nonisolated let spec: NemesisSpec
    let injector: FaultInjector
    let log: any NemesisLog
    private var schedule: NemesisSchedule
    /// Draws for triggered faults aimed at their usual targets: a generator apart from the clock's.
    var triggerSchedule: NemesisSchedule
    /// The fault currently applied, if any.
    private var active: AppliedFault?
    /// Kinds found unavailable on this cluster are left out of the draw.
    var unavailableKinds: Set<FaultKind> = []
    var triggers: TriggerBook
    var detector: ClusterEventDetector
    /// True when this nemesis polls the nodes' status while it runs (a status trigger is armed
    /// and the database reports its status): the polls then also tell who leads (`leaderSeen`).
    public nonisolated let watchesLeader: Bool
    /// The triggered faults under way (waiting, applying, held), by id.
    var firings: [Int: Task<Void, Never>] = [:]
    var nextFiring = 0
    /// Set once the load phase is over: no trigger fires any more.
    var stopping = false
    var clock: @Sendable () -> Duration = { .zero }
    var end: Duration = .zero
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    public init(spec: NemesisSpec, cluster: ClusterContext, database: any Database, log: any NemesisLog,
                seed: UInt64, controllerAddresses: [String]) {
        self.spec = spec
        self.injector = FaultInjector(cluster: cluster, database: database, spec: spec, controllerAddresses: controllerAddresses)
        self.log = log
        self.schedule = NemesisSchedule(spec: spec, seed: seed)
        self.triggerSchedule = NemesisSchedule(spec: spec, seed: seed ^ 0x5452_4947_4745_5253)
        let triggers = TriggerBook(triggers: spec.triggers, seed: seed)
        self.triggers = triggers
        self.watchesLeader = triggers.needsStatus && database is any StatusReporting
        self.detector = ClusterEventDetector(nodes: cluster.nodes.map(\.name),
                                             commits: spec.triggers.contains { $0.event == .leaderCommitted })
    }

    /// Runs the schedule until `clock()` reaches `end` (the runner passes its history clock): wait
    /// interval + jitter, apply, verify and record, hold for `duration` (cut short at `end`), heal
    /// and record; repeat. Clock faults are checked once first: where the hosts share the
    /// controller's clock they are recorded as not in effect and left out of the schedule.
    /// Triggers are armed for the same time, with fault commands sent to a shell kept on each
    /// host (`keptShells`), and a held link loss (`spec.linkLoss`) and delay (`spec.linkDelay`) stay on all that time.
    public func run(until end: Duration, clock: @escaping @Sendable () -> Duration) async {
        await excludeUnavailableFaults()
        self.clock = clock
        self.end = end
        let shells = keptShells()
        let held = await holdLinkLoss()
        let delayed = await holdLinkDelay()
        let watch = startWatching()
        await runSchedule(until: end, clock: clock)
        await stopTriggers(watch)
        if delayed { await releaseLinkDelay() }
        if held { await releaseLinkLoss() }
        _ = await Task.detached { [self] in await self.healAll() }.value
        for remote in shells { await remote.dropShell() }
    }

    /// With triggers armed (and `spec.keepsShells`), a shell kept on each host that can keep
    /// one, started now: a triggered fault's commands are then one write each.
    private func keptShells() -> [any ShellKeeping] {
        guard spec.keepsShells, !spec.triggers.isEmpty else { return [] }
        let remotes = injector.cluster.nodes.compactMap { $0.remote as? any ShellKeeping }
        for remote in remotes { remote.keepShell() }
        return remotes
    }

    private func runSchedule(until end: Duration, clock: @escaping @Sendable () -> Duration) async {
        while !Task.isCancelled {
            let kinds = spec.faults.filter { !unavailableKinds.contains($0) }
            guard let step = schedule.nextStep(from: kinds), clock() + step.wait < end else {
                try? await Task.sleep(for: max(.zero, end - clock()))
                break
            }
            guard (try? await Task.sleep(for: step.wait)) != nil else { break }
            let fault = await inject(step)
            guard !Task.isCancelled else { break }
            await injector.hold(fault, for: min(spec.duration, max(.zero, end - clock())))
            guard !Task.isCancelled else { break }
            await heal(fault)
        }
    }

    /// Plans `step` (asking the database for its leader when the step needs one), applies it and
    /// records the invoke and the info; the fault stays active until healed.
    @discardableResult
    public func inject(_ step: NemesisSchedule.Step) async -> AppliedFault {
        await exclusively {
            var leader: String?
            if NemesisSchedule.needsLeader(step), let aware = injector.database as? any LeaderAware {
                leader = try? await aware.leader(injector.cluster)
            }
            let plan = schedule.plan(step, nodes: injector.cluster.nodes.map(\.name), leader: leader)
            return await applyHealingFirst(plan, cause: nil)
        }
    }

    /// Applies `plan` (healing the active fault first: one fault at a time), records it, and
    /// returns it as applied.
    @discardableResult
    public func inject(_ plan: FaultPlan, cause: FaultCause? = nil) async -> AppliedFault {
        await exclusively { await applyHealingFirst(plan, cause: cause) }
    }

    /// Heals the active fault, if any, recording `heal-<kind>` invoke/info.
    public func healActive() async {
        await exclusively { await healActiveNow() }
    }

    /// Heals `fault` if it is still the active one (a later fault may have replaced it).
    public func heal(_ fault: AppliedFault) async {
        await exclusively {
            guard active?.journalID == fault.journalID else { return }
            await healActiveNow()
        }
    }

    /// Heals the active fault, then runs `Heal.heal` over every host, and returns its report.
    public func healAll() async -> HealReport {
        await exclusively { await healActiveNow() }
        return await Heal.heal(cluster: injector.cluster, database: injector.database, interface: spec.interface)
    }

    /// Applies `plan` and heals the fault active before (one fault at a time): first the heal,
    /// unless the two are independent (`independent`): then the new fault is applied first and
    /// the old one healed right after, so the new one (a triggered fault, say) waits for no heal.
    func applyHealingFirst(_ plan: FaultPlan, cause: FaultCause?) async -> AppliedFault {
        let previous = active
        let applyFirst = previous.map { Self.independent($0, plan) } ?? false
        if !applyFirst { await healActiveNow() }
        log.recordNemesis(.invoke, f: plan.kind.rawValue, value: .string(plan.description), error: nil, cause: cause)
        let fault = await injector.apply(plan)
        log.recordNemesis(.info, f: plan.kind.rawValue, value: .string(fault.evidence), error: fault.recordedError)
        if applyFirst, let previous { await healNow(previous) }
        active = fault
        return fault
    }

    /// True when `plan` may be applied while `fault` still holds: their families change nothing
    /// in common on the hosts (`FaultFamily.changes`), or only database processes, on no common
    /// node.
    static func independent(_ fault: AppliedFault, _ plan: FaultPlan) -> Bool {
        guard let before = fault.plan.kind.family.changes, let next = plan.kind.family.changes else { return false }
        let shared = before.intersection(next)
        if shared.isEmpty { return true }
        return shared == [.process] && Set(fault.touched).union(fault.plan.nodes).isDisjoint(with: plan.nodes)
    }

    private func healActiveNow() async {
        guard let fault = active else { return }
        active = nil
        await healNow(fault)
    }

    private func healNow(_ fault: AppliedFault) async {
        let f = "heal-" + fault.plan.kind.rawValue
        log.recordNemesis(.invoke, f: f, value: .string(fault.plan.description))
        let (healed, evidence) = await injector.heal(fault)
        log.recordNemesis(.info, f: f, value: .string(evidence), error: healed ? nil : "not healed")
        if fault.inEffect { noteHealed(fault) }
    }

    /// Runs `body` when no other apply or heal is under way.
    private func exclusively<T: Sendable>(_ body: () async -> T) async -> T {
        if busy {
            await withCheckedContinuation { waiting.append($0) }
        } else {
            busy = true
        }
        defer {
            if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
        }
        return await body()
    }

    /// Leaves out of the draw the kinds whose family cannot run on this cluster at all (clock
    /// faults where the hosts share the controller's clock), recording each as not in effect.
    private func excludeUnavailableFaults() async {
        let used = spec.faults + spec.triggers.map(\.fault)
        for family in FaultFamilies.all {
            let kinds = Set(used.filter { family.kinds.contains($0) })
            guard !kinds.isEmpty, let why = await family.unavailable(by: injector) else { continue }
            for kind in kinds.sorted(by: { $0.rawValue < $1.rawValue }) {
                log.recordNemesis(.invoke, f: kind.rawValue, value: "all nodes")
                log.recordNemesis(.info, f: kind.rawValue, value: .string(why + "; left out of the schedule"), error: "not in effect")
            }
            unavailableKinds.formUnion(kinds)
        }
    }
}
