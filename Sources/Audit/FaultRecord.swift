import History

/// One fault of a run with the evidence that it took effect, from the history's `nemesis`
/// invoke/info pair (heals are faults named `heal-…`).
public struct FaultRecord: Codable, Sendable, Equatable {
    /// The fault's name (`partition-leader`, `heal-pause`, …).
    public var f: String
    /// What was to be done to which nodes (the invoke's value).
    public var what: String
    /// What was observed (the info's value); nil when the run ended before the info.
    public var evidence: String?
    /// The evidence says it took effect (does not begin `not in effect` / `not healed`).
    public var inEffect: Bool
    /// Line indexes and times (nanoseconds since the run began) of the invoke and info.
    public var invokeIndex: Int
    public var infoIndex: Int?
    public var invokeTime: Int64?
    public var infoTime: Int64?

    /// The faults of `events`, in the order they were invoked. The nemesis runs one fault action
    /// at a time, so each info completes the latest open invoke of the same `f`.
    public static func pairs(in events: [Event]) -> [FaultRecord] {
        var records: [FaultRecord] = []
        var open: [String: Int] = [:]
        for event in events where event.process == .nemesis {
            switch event.type {
            case .invoke:
                open[event.f] = records.count
                records.append(FaultRecord(f: event.f, what: text(event.value), evidence: nil, inEffect: false,
                                           invokeIndex: event.index, infoIndex: nil, invokeTime: event.time, infoTime: nil))
            default:
                guard let i = open.removeValue(forKey: event.f) else { continue }
                let evidence = text(event.value)
                records[i].evidence = evidence
                records[i].inEffect = !evidence.hasPrefix("not in effect") && !evidence.hasPrefix("not healed")
                records[i].infoIndex = event.index
                records[i].infoTime = event.time
            }
        }
        return records
    }

    private static func text(_ value: Value) -> String { value.string ?? value.description }
}
