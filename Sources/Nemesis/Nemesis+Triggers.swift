import Cluster
import History
import Synchronization

/// Triggers: faults fired by what the cluster does. Status triggers watch the nodes through the
/// database's `StatusReporting` reader (see `startWatching` for how often each node is asked);
/// fault-log triggers fire on the nemesis's own heals. Each firing waits its delay, plans its
/// fault aimed at the event's role, applies it with the event recorded as its cause, holds it and
/// heals it.
extension Nemesis {
    /// Starts polling the nodes' status when a trigger needs it; nil when none does or the
    /// database cannot report its status (then those triggers are recorded as not in effect).
    ///
    /// Every `pollInterval` one node is asked, in turn, while the cluster is settled (a leader
    /// known in the highest term seen, and its last answer "leading"): an election raises the term
    /// of most nodes at once, so any one of them shows it. While the detector is `unsettled` every
    /// node is asked each interval, so the new leader is seen within about one interval of the
    /// first sign. A node's poll still under way (a paused node answers only at its timeout) holds
    /// up no other: that node is skipped until it has answered. So steady polling costs the
    /// clients one request per interval, not one per node.
    func startWatching() -> Task<Void, Never>? {
        guard triggers.needsStatus else { return nil }
        guard let reporting = injector.database as? any StatusReporting else {
            for trigger in spec.triggers where trigger.event.needsStatus {
                log.recordNemesis(.invoke, f: trigger.fault.rawValue, value: .string("on \(trigger.event.rawValue)"))
                log.recordNemesis(.info, f: trigger.fault.rawValue,
                                  value: .string("\(injector.database.name) cannot report its nodes' status; the trigger is left out"),
                                  error: "not in effect")
            }
            return nil
        }
        let readers = injector.cluster.nodes.map { ($0.name, reporting.statusReader(for: $0)) }
        let interval = spec.pollInterval
        let timeout = max(interval * 5, .milliseconds(250))
        let asking = PollsUnderway()
        return Task { [self] in
            await withDiscardingTaskGroup { group in
                let clock = ContinuousClock()
                var turn = 0
                var next = clock.now
                while !Task.isCancelled {
                    let idle = asking.nodes.withLock { busy in readers.indices.filter { !busy.contains($0) } }
                    let everyone = self.detector.unsettled
                    let chosen = everyone ? idle : Array((0..<readers.count).lazy.map { (turn + $0) % readers.count }
                        .filter(idle.contains).prefix(1))
                    if !everyone, let asked = chosen.first { turn = asked + 1 }
                    for i in chosen {
                        asking.nodes.withLock { _ = $0.insert(i) }
                        group.addTask {
                            let (name, reader) = readers[i]
                            let status = await reader.status(timeout: timeout)
                            if !Task.isCancelled { await self.observe(name, status) }
                            asking.nodes.withLock { _ = $0.remove(i) }
                        }
                    }
                    next += interval
                    guard (try? await Task.sleep(until: next, clock: clock)) != nil else { break }
                    if clock.now > next + interval { next = clock.now }   // fell behind (a loaded machine): no catching up
                }
                group.cancelAll()
            }
            for (_, reader) in readers { await reader.close() }
        }
    }

    /// The leader as the status polls last saw it (`ClusterEventDetector.steadyLeader`): nil
    /// before the first answers, during an election, or while the leader does not answer.
    public func leaderSeen() -> String? { detector.steadyLeader }

    /// Feeds one node's answer to the detector and fires what its events trigger.
    func observe(_ node: String, _ status: NodeStatus?) {
        let events = detector.observe(node, status, at: nanoseconds(clock()))
        for event in events { fire(on: event) }
    }

    /// Called after a fault in effect was healed: `fault-healed`, and `node-restarted` when
    /// the heal started the database again.
    func noteHealed(_ fault: AppliedFault) {
        let time = nanoseconds(clock())
        fire(on: ClusterEvent(kind: .faultHealed, time: time, nodes: fault.touched, fault: fault.plan.kind))
        if fault.plan.kind.healStartsDatabase {
            fire(on: ClusterEvent(kind: .nodeRestarted, time: time, nodes: fault.touched, fault: fault.plan.kind))
        }
    }

    private func fire(on event: ClusterEvent) {
        guard !stopping else { return }
        for firing in triggers.observe(event) {
            let id = nextFiring
            nextFiring += 1
            firings[id] = Task { [self] in
                await self.carryOut(firing)
                await self.ended(id)
            }
        }
    }

    private func ended(_ id: Int) { firings[id] = nil }

    /// Waits the firing's delay, applies its fault (unless the load phase ended meanwhile),
    /// holds it and heals it.
    private func carryOut(_ firing: TriggerBook.Firing) async {
        var waited = true
        if firing.delay > .zero { waited = (try? await Task.sleep(for: firing.delay)) != nil }
        guard waited, !stopping, !unavailableKinds.contains(firing.spec.fault) else {
            triggers.settle(firing.trigger)
            return
        }
        let fault = await inject(await plan(for: firing), cause: FaultCause(event: firing.event, delay: firing.delay))
        triggers.settle(firing.trigger)
        guard !Task.isCancelled else { return }
        await injector.hold(fault, for: min(firing.spec.duration ?? spec.duration, max(.zero, end - clock())))
        guard !Task.isCancelled else { return }
        await heal(fault)
    }

    /// The fault of `firing`: aimed at the nodes its role names (planned as the kind plans
    /// for the leader, on those nodes), or drawn as the clock schedule draws it (with the leader
    /// the polls last saw elected, else the one the database names, when the draw needs one).
    func plan(for firing: TriggerBook.Firing) async -> FaultPlan {
        let names = injector.cluster.nodes.map(\.name)
        guard let aimed = firing.nodes, let first = aimed.first else {
            let step = triggerSchedule.nextStep(from: [firing.spec.fault])!
            var leader = detector.currentLeader
            if leader == nil, NemesisSchedule.needsLeader(step), let aware = injector.database as? any LeaderAware {
                leader = try? await aware.leader(injector.cluster)
            }
            return triggerSchedule.plan(step, nodes: names, leader: leader)
        }
        let step = NemesisSchedule.Step(wait: .zero, kind: firing.spec.fault, target: .leader)
        var plan = triggerSchedule.plan(step, nodes: names, leader: first)
        plan.target = nil
        if plan.grudge == nil, plan.unavailable == nil { plan.nodes = names.filter(aimed.contains) }
        return plan
    }

    /// Ends the triggers with the load phase: no more firings, the ones under way cancelled and
    /// waited for (what they applied stays active for the final heal).
    func stopTriggers(_ watch: Task<Void, Never>?) async {
        stopping = true
        watch?.cancel()
        let running = Array(firings.values)
        for task in running { task.cancel() }
        for task in running { await task.value }
        await watch?.value
    }

    private func nanoseconds(_ d: Duration) -> Int64 {
        d.components.seconds * 1_000_000_000 + d.components.attoseconds / 1_000_000_000
    }
}

/// The nodes (by index) whose status poll is under way.
private final class PollsUnderway: Sendable {
    let nodes = Mutex<Set<Int>>([])
}
