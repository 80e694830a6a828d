import Cluster

/// `faultline heal`: undoes every fault Faultline may have left on a cluster's hosts, also after
/// the controller crashed in the middle of a run.
public enum Heal {
    /// On every node at once: undoes what the node's heal journal lists, and unconditionally
    /// removes Faultline's iptables chain with its `INPUT` jump (no other rule is touched),
    /// removes a netem root qdisc on `interface`, and resumes the database process when the
    /// database is `Pausable` (safe when it is not paused). Database processes the journal says
    /// were killed are started again (`Killable.start`); clocks the journal says were stepped are
    /// set back to the controller's time with their NTP daemons restarted — never on a host that
    /// shares the controller's clock; faked clocks (`ClockFaking`) are set back to no offset. The
    /// journal is deleted once every step on the host
    /// succeeded. Safe to run any number of times and on hosts where nothing was done.
    /// Then each of `sweeps` runs on the node (see `LeftoverSweep`).
    public static func heal(cluster: ClusterContext, database: any Database, interface: String = "eth0",
                            sweeps: [any LeftoverSweep] = Heal.sweeps) async -> HealReport {
        let reports = (try? await NodeTasks.run("heal", on: cluster.nodes) { node -> HealReport.Host in
            var report = await heal(node, cluster: cluster, database: database, interface: interface)
            for sweep in sweeps {
                do {
                    if let done = try await sweep.sweep(node, cluster: cluster) { report.actions.append(done) }
                } catch {
                    report.failures.append("\(sweep.name): \(error)")
                }
            }
            return report
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

    /// The sweeps every heal runs, also the one before each run's set-up. Mounts a disk fault
    /// left (FUSE, loop devices) are the kind of leftover that belongs here: a disk-fault module
    /// adds its `LeftoverSweep` to this list.
    public static let sweeps: [any LeftoverSweep] = [DiskLayerSweep()]

    static func heal(_ node: ClusterNode, cluster: ClusterContext, database: any Database, interface: String) async -> HealReport.Host {
        var report = HealReport.Host(name: node.name)
        func attempt(_ what: String, _ body: () async throws -> String?) async {
            do {
                if let done = try await body() { report.actions.append(done) }
            } catch {
                report.failures.append("\(what): \(error)")
            }
        }
        var entries: [HealJournalEntry] = []
        await attempt("read journal") {
            let journal = HealJournal.read(try await node.root(HealJournal.readCommand(baseDirectory: node.baseDirectory)))
            entries = journal.entries
            // A line cut short by a crash cannot be undone by its entry; the unconditional steps
            // below (chain, netem, resume) still cover it. Say so rather than drop it silently.
            for line in journal.unreadable {
                report.actions.append("journal: left out an unreadable line (cut short by a crash?): \(line.prefix(200))")
            }
            return entries.isEmpty ? nil : "journal: \(entries.count) entries (\(entries.map(\.fault).joined(separator: ", ")))"
        }
        let undo = Set(entries.flatMap(\.undo))
        await attempt("firewall") {
            let output = try await node.root(Firewall.removeCommands).trimmingCharacters(in: .whitespacesAndNewlines)
            if output.hasPrefix("absent") || output.contains("no iptables") { return nil }
            guard let rules = Int(output.split(separator: " ").last ?? ""), rules > 0 else {
                report.tidied.append("empty chain FAULTLINE removed")
                return nil
            }
            return "chain FAULTLINE removed (\(rules) rules)"
        }
        let interfaces = Set([interface] + entries.compactMap(\.interface))
        for device in interfaces.sorted() {
            await attempt("netem on \(device)") {
                try await node.root(Netem.removeCommand(interface: device)).contains("removed") ? "netem removed from \(device)" : nil
            }
        }
        if undo.contains(.clock) {
            await attempt("clock") {
                "clock set to the controller's, offset now \(FaultInjector.seconds(try await ClockReset.reset(node, journalID: nil)))"
            }
        }
        if undo.contains(.fakeClock), let faking = database.fakedClock {
            await attempt("faked clock") {
                "\(database.name)'s faked clock reset, offset now \(FaultInjector.seconds(try await faking.setClockOffset(.zero, on: node, in: cluster)))"
            }
        }
        if undo.contains(.start), let killable = database as? any Killable {
            await attempt("start \(database.name)") {
                try await killable.start(node, in: cluster)
                return "started \(database.name)"
            }
        }
        if let pausable = database as? any Pausable {
            await attempt("resume \(database.name)") {
                try await pausable.resume(node, in: cluster)
                return undo.contains(.resume) ? "resumed \(database.name)" : nil
            }
        }
        if report.failures.isEmpty {
            // Also an empty journal file goes: nothing of Faultline's stays on a healed host.
            let hadLines = report.actions.contains { $0.hasPrefix("journal") }
            await attempt("clear journal") {
                _ = try await node.root(HealJournal.clearCommand(baseDirectory: node.baseDirectory))
                return hadLines ? "journal cleared" : nil
            }
        }
        return report
    }
}


/// A kind of leftover `Heal` looks for on every host besides what the heal journal lists (e.g.
/// mounts left by disk faults). Contract: `sweep` finds what a crashed run of Faultline's left on
/// `node`, undoes it, and says what it undid in words (nil: nothing was found); it is safe to
/// run any number of times and on hosts where nothing was done, and throws when something it
/// found could not be undone.
public protocol LeftoverSweep: Sendable {
    /// What is swept, in a word (`mounts`), for failures.
    var name: String { get }
    func sweep(_ node: ClusterNode, cluster: ClusterContext) async throws -> String?
}
