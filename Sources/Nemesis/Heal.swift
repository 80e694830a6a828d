import Cluster

/// `faultline heal`: undoes every fault Faultline may have left on a cluster's hosts, also after
/// the controller crashed in the middle of a run.
public enum Heal {
    /// On every node at once: reads the node's heal journal, then runs each of `steps` in order
    /// (`HealStep`): by default Faultline's iptables chain and its `INPUT` jump are removed (no
    /// other rule is touched), a netem root qdisc is removed, clocks the journal says were stepped
    /// are set back to the controller's time with their NTP daemons restarted (never on a host that
    /// shares the controller's clock), faked clocks (`ClockFaking`) are set back to no offset,
    /// database processes the journal says were stopped are started again (`Killable.start`),
    /// the database process is resumed when the database is `Pausable` (safe when it is not
    /// paused), and disk-layer mounts left behind are unmounted. The journal is deleted once every
    /// step on the host succeeded. Safe to run any number of times and on hosts where nothing
    /// was done.
    public static func heal(cluster: ClusterContext, database: any Database, interface: String = "eth0",
                            steps: [any HealStep] = Heal.steps) async -> HealReport {
        let reports = (try? await NodeTasks.run("heal", on: cluster.nodes) { node -> HealReport.Host in
            await heal(node, cluster: cluster, database: database, interface: interface, steps: steps)
        }) ?? [:]
        return HealReport(hosts: cluster.nodes.map { reports[$0.name] ?? HealReport.Host(name: $0.name, failures: ["not healed"]) })
    }

    /// The heal a run does before its set-up: `heal`, then database processes an earlier run
    /// left running (its controller died before tear-down) are stopped and their data removed,
    /// as tear-down would, and reported per host. For databases whose members are
    /// `ProbedMembers` daemons. `faultline heal` alone leaves them running: it undoes faults, and
    /// a cluster still serving is its user's to look at.
    public static func beforeSetUp(cluster: ClusterContext, database: any Database) async -> HealReport {
        var report = await heal(cluster: cluster, database: database)
        guard let members = database as? any ProbedMembers else { return report }
        let running = (try? await NodeTasks.run("\(database.name) status", on: cluster.nodes) { node -> Int32? in
            guard case .running(let pid, _) = try await members.daemon(for: node).state(on: node.remote) else { return nil }
            return pid
        }) ?? [:]
        let left = running.compactMapValues { $0 }
        guard !left.isEmpty else { return report }
        var failure: String?
        do { try await database.tearDown(cluster) } catch { failure = "stop \(database.name): \(error)" }
        for i in report.hosts.indices {
            guard let pid = left[report.hosts[i].name] else { continue }
            if let failure { report.hosts[i].failures.append(failure) } else {
                report.hosts[i].actions.append("\(database.name) left running (pid \(pid)) stopped, its data removed")
            }
        }
        return report
    }

    /// What every heal undoes, also the one before each run's set-up: the steps the fault
    /// families name (`FaultFamily.healSteps`), each once, by stage (network, clock, storage,
    /// processes) and otherwise in the families' order.
    public static let steps: [any HealStep] = {
        var seen: Set<String> = []
        let unique = FaultFamilies.all.flatMap(\.healSteps).filter { seen.insert(String(describing: type(of: $0))).inserted }
        return unique.enumerated().sorted { ($0.element.stage, $0.offset) < ($1.element.stage, $1.offset) }.map(\.element)
    }()

    static func heal(_ node: ClusterNode, cluster: ClusterContext, database: any Database, interface: String,
                     steps: [any HealStep]) async -> HealReport.Host {
        var report = HealReport.Host(name: node.name)
        var entries: [HealJournalEntry] = [], unreadable: [String] = []
        await report.attempt("read journal") {
            let journal = HealJournal.read(try await node.root(HealJournal.readCommand(baseDirectory: node.baseDirectory)))
            (entries, unreadable) = journal
            return entries.isEmpty ? nil : "journal: \(entries.count) entries (\(entries.map(\.fault).joined(separator: ", ")))"
        }
        // A line cut short by a crash cannot be undone by its entry; the unconditional steps
        // (chain, netem, resume, mounts) still cover it. Say so rather than drop it silently.
        for line in unreadable {
            report.actions.append("journal: left out an unreadable line (cut short by a crash?): \(line.prefix(200))")
        }
        let context = HealContext(cluster: cluster, database: database, interface: interface, entries: entries)
        for step in steps { await step.heal(node, context, into: &report) }
        if report.failures.isEmpty {
            // Also an empty journal file goes: nothing of Faultline's stays on a healed host.
            let hadLines = report.actions.contains { $0.hasPrefix("journal") }
            await report.attempt("clear journal") {
                _ = try await node.root(HealJournal.clearCommand(baseDirectory: node.baseDirectory))
                return hadLines ? "journal cleared" : nil
            }
        }
        return report
    }
}
