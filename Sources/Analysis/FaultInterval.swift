import History

/// One fault of a run as its history records it: the nemesis `invoke`/`info` pair that applied
/// it and the `heal-<kind>` pair that undid it.
public struct FaultInterval: Sendable, Hashable, Codable {
    /// The fault's kind as recorded (`partition-leader`, `pause`, …).
    public var kind: String
    /// When the nemesis began applying it (ns since the run started).
    public var start: Int64
    /// When it was applied and verified (the `info` event); nil if the history ends before.
    public var effective: Int64?
    /// When its heal completed; nil if the history ends before (the run was cut off).
    public var end: Int64?
    /// False when the nemesis recorded it as "not in effect".
    public var inEffect: Bool
    /// What the nemesis recorded as evidence (or why it was not in effect).
    public var evidence: String
    /// For a fault a trigger fired: on what and after what delay
    /// (`on leader-elected: n3 leads term 5 (was n1), +5 ms`); nil for the clock schedule's.
    public var cause: String?

    public init(kind: String, start: Int64, effective: Int64?, end: Int64?, inEffect: Bool, evidence: String,
                cause: String? = nil) {
        self.cause = cause
        self.kind = kind
        self.start = start
        self.effective = effective
        self.end = end
        self.inEffect = inEffect
        self.evidence = evidence
    }

    /// Whether `time` lies in the fault, from its start to its end plus `grace` (an open end
    /// lasts forever).
    public func covers(_ time: Int64, grace: Int64 = 0) -> Bool {
        time >= start && time <= (end.map { $0 + grace } ?? .max)
    }

    /// The faults in `events`, in the order they began. Faults recorded only as an `info`
    /// (left out of the schedule, not in effect) have `start == effective` and no end. A heal
    /// ends the open fault its invoke names (the apply's invoke value, e.g. `pause n2`): two
    /// faults of one kind may be open at once (the next applied before the one before is healed).
    public static func faults(in events: [Event]) -> [FaultInterval] {
        var faults: [FaultInterval] = []
        var open: [(kind: String, plan: String, index: Int)] = []     // fault applied, heal not yet completed
        var invokedAt: [String: (time: Int64, cause: String?, plan: String)] = [:]    // invoke seen, info not yet
        var healing: [String: String] = [:]     // heal invoked, by kind: the plan it names
        for e in events where e.process == .nemesis {
            let time = e.time ?? 0
            let isHeal = e.f.hasPrefix("heal-")
            let kind = isHeal ? String(e.f.dropFirst("heal-".count)) : e.f
            switch (isHeal, e.type) {
            case (false, .invoke):
                invokedAt[kind] = (time, e.cause.map { "on \($0), +\((e.delay ?? 0) / 1_000_000) ms" }, e.value.text)
            case (false, _):
                let text = e.value.text
                let inEffect = e.nemesisFailure == nil
                let invoked = invokedAt.removeValue(forKey: kind)
                faults.append(FaultInterval(kind: kind, start: invoked?.time ?? time, effective: time,
                                            end: inEffect ? nil : time, inEffect: inEffect, evidence: text, cause: invoked?.cause))
                if inEffect { open.append((kind, invoked?.plan ?? "", faults.count - 1)) }
            case (true, .invoke):
                healing[kind] = e.value.text
            case (true, _):
                let plan = healing.removeValue(forKey: kind)
                let named = open.lastIndex { $0.kind == kind && $0.plan == plan } ?? open.lastIndex { $0.kind == kind }
                if let named { faults[open.remove(at: named).index].end = time }
            }
        }
        // An invoke whose info never came: the run was cut off while applying it.
        for (kind, invoked) in invokedAt {
            faults.append(FaultInterval(kind: kind, start: invoked.time, effective: nil, end: nil, inEffect: false,
                                        evidence: "the history ends before the fault was applied", cause: invoked.cause))
        }
        return faults.sorted { $0.start < $1.start }
    }
}

extension Value {
    /// The value as plain text: a string's contents, anything else as written.
    var text: String {
        if case .string(let s) = self { return s }
        return description
    }
}
