import Cluster

/// One kind of thing `faultline heal` undoes on a host: the undo a heal journal line names
/// (`UndoAction`), a leftover it looks for itself (a mount), or both. Each lives beside the
/// faults that leave it, and the fault families that leave it name it (`FaultFamily.healSteps`);
/// `Heal.steps` runs each once, by `stage`.
///
/// Contract: `heal` undoes on `node` what is left of its kind — what `context.asked` names for it,
/// and what it finds without the journal (a journal line can be cut short by a crash) — appending
/// what it did to `report.actions`, what it tidied that was no fault to `report.tidied`, and what
/// it could not do to `report.failures`. It is safe to run any number of times and on hosts where
/// nothing was done.
public protocol HealStep: Sendable {
    /// When it runs among the others.
    var stage: HealStage { get }
    func heal(_ node: ClusterNode, _ context: HealContext, into report: inout HealReport.Host) async
}

/// The order a heal undoes things in: the network first (so what follows reaches its peers),
/// then the host's clock, then storage (a layer unmounted before a database starts on its
/// directory), then the database's processes.
public enum HealStage: Int, Comparable, Sendable {
    case network, clock, storage, process

    public static func < (a: HealStage, b: HealStage) -> Bool { a.rawValue < b.rawValue }
}

/// What a heal knows on one host when its steps run.
public struct HealContext: Sendable {
    public var cluster: ClusterContext
    public var database: any Database
    /// The network interface the run's netem faults used unless a journal line names another.
    public var interface: String
    /// The host's heal journal lines that could be read.
    public var entries: [HealJournalEntry]

    /// The undo actions the journal lines ask for.
    public var asked: Set<UndoAction> { Set(entries.flatMap(\.undo)) }
}

extension HealReport.Host {
    /// Runs `body`: its answer (what was done, nil for nothing) goes to `actions`, its error to
    /// `failures` as `what: error`.
    mutating func attempt(_ what: String, _ body: () async throws -> String?) async {
        do {
            if let done = try await body() { actions.append(done) }
        } catch {
            failures.append("\(what): \(error)")
        }
    }
}
