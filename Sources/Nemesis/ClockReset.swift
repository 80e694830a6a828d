import Cluster

/// Undoing a clock fault on one real host, shared by `FaultInjector` and `Heal`.
enum ClockReset {
    /// Refuses hosts that share the controller's clock; otherwise reads the journal entry `id`
    /// (or all clock entries when `journalID` is nil) for the NTP daemons to restart, sets the
    /// host's clock to the controller's, starts them, removes the entries and returns the
    /// offset measured after.
    static func reset(_ node: ClusterNode, journalID: String?) async throws -> Duration {
        guard await SharedClock.sharingNodes([node]).isEmpty else {
            throw StepFailure("shares the controller's clock: not touched")
        }
        let entries = HealJournal.entries(try await node.root(HealJournal.readCommand(baseDirectory: node.baseDirectory)))
            .filter { $0.undo.contains(.clock) && (journalID == nil || $0.id == journalID) }
        let services = Array(Set(entries.flatMap { $0.ntpServices ?? [] })).sorted()
        let sent = ClockControl.controllerNow()
        let output = try await node.root(ClockControl.setCommand(epochNanoseconds: sent) + "\n"
                                         + ClockControl.startServicesCommand(services))
        let received = ClockControl.controllerNow()
        for entry in entries {
            _ = try await node.root(HealJournal.removeCommand(id: entry.id, baseDirectory: node.baseDirectory))
        }
        guard let host = Int64(output.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw StepFailure("unexpected time `\(output)`")
        }
        return ClockControl.offset(hostNanoseconds: host, sent: sent, received: received)
    }
}

extension UndoAction {
    /// Set the host clock back to the controller's and restart the NTP daemons listed.
    public static let clock = UndoAction(rawValue: "clock")
}

/// Sets a stepped host clock back to the controller's (never on a host that shares the
/// controller's clock) with its NTP daemons started again, when the journal asks.
struct ClockHeal: HealStep {
    var stage: HealStage { .clock }

    func heal(_ node: ClusterNode, _ context: HealContext, into report: inout HealReport.Host) async {
        guard context.asked.contains(.clock) else { return }
        await report.attempt("clock") {
            "clock set to the controller's, offset now \(FaultInjector.seconds(try await ClockReset.reset(node, journalID: nil)))"
        }
    }
}
