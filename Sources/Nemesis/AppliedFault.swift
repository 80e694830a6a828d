// The Nemesis target: faults: one file per fault family, the seeded schedule, triggers, the heal journal and the heal.

/// A fault as applied: its plan, the heal-journal id written on the hosts it touched, whether it
/// took effect on every target and the evidence (or, when not in effect, why not).
public struct AppliedFault: Sendable {
    public var plan: FaultPlan
    public var journalID: String
    /// True when every target verified the fault (rules listed, state `T`, process gone, offset
    /// measured, qdisc shown).
    public var inEffect: Bool
    /// Per node what was seen after applying; for a fault not in effect, why.
    public var evidence: String
    /// The nodes where something may have to be undone (a journal entry was written there).
    public var touched: [String]
    /// Loss: the nodes where netem (rather than iptables) carries it.
    var netemNodes: [String] = []

    /// The `error` recorded on the `info` after applying: nil in effect, else `not in effect`
    /// (the reason is `evidence`, the info's value).
    public var recordedError: String? { inEffect ? nil : "not in effect" }
}
