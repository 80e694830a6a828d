import History

/// What a run did to its clients, measured from its history and leader samples: the figures a
/// report shows and a tuning sweep compares.
public struct RunMetrics: Sendable, Hashable, Codable {
    /// How clients fared after one fault.
    public struct Recovery: Sendable, Hashable, Codable {
        public var fault: FaultInterval
        /// From the fault taking effect to the completion of the first ok operation invoked after
        /// it; nil when none succeeded before the history ends.
        public var firstOkSeconds: Double?
        /// The same for the first ok write (any operation but a read): the failover time.
        public var firstOkWriteSeconds: Double?
        /// From the fault taking effect until the cluster agreed on a leader other than the one
        /// before it; nil when the leader did not change (or no samples).
        public var newLeaderSeconds: Double?
    }

    /// How to measure.
    public struct Settings: Sendable, Hashable, Codable {
        /// The shortest gap without any successful operation counted as unavailability.
        public var minimumGap: Duration = .milliseconds(500)
        /// How long after a fault heals a leader change is still put down to the fault (a healed
        /// node with a higher term can force an election); later changes are spurious.
        public var grace: Duration = .seconds(3)
        public init() {}
    }

    public var faults: [Recovery]
    public var unavailableWindows: [TimeWindow]
    /// The sum of `unavailableWindows`.
    public var unavailableSeconds: Double
    /// Times the agreed leader became a different node (the first leader seen is not a change).
    public var leaderChanges: Int
    /// Leader changes outside every fault (and its grace period): elections nothing provoked.
    public var spuriousElections: Int
    /// Time without an agreed leader (from the first sample to the last event).
    public var leaderlessSeconds: Double
    public var ok: Int
    public var fail: Int
    public var info: Int
    /// From the first invocation to the last completion.
    public var seconds: Double
    /// Latency of ok operations invoked while no fault was active, and while one was.
    public var latencyQuiet: LatencyQuantiles
    public var latencyFaulty: LatencyQuantiles

    public var okPerSecond: Double { seconds > 0 ? Double(ok) / seconds : 0 }
    public var failPerSecond: Double { seconds > 0 ? Double(fail) / seconds : 0 }
    public var infoPerSecond: Double { seconds > 0 ? Double(info) / seconds : 0 }
    /// The median failover over faults in effect, in seconds; nil when none recovered.
    public var medianFailoverSeconds: Double? {
        let values = faults.filter(\.fault.inEffect).compactMap(\.firstOkWriteSeconds).sorted()
        return values.isEmpty ? nil : values[values.count / 2]
    }

    /// Measures a run. `events` is the whole history (client and nemesis events); `leaders` the
    /// run's leader samples (may be empty).
    public static func measure(events: [Event], operations: [HistoryOperation], leaders: [LeaderSample],
                               settings: Settings = Settings()) -> RunMetrics {
        let faults = FaultInterval.faults(in: events)
        let active = faults.filter(\.inEffect)
        let byInvoke = operations.sorted { ($0.invokeTime ?? 0) < ($1.invokeTime ?? 0) }
        let recoveries = faults.map { recovery(of: $0, byInvoke, leaders) }
        let windows = Availability.unavailableWindows(operations, minimumGap: settings.minimumGap.nanoseconds)
        let changes = leaderChangeTimes(leaders)
        let grace = settings.grace.nanoseconds
        let spurious = changes.filter { t in !active.contains { $0.covers(t, grace: grace) } }
        var quiet: [Int64] = [], faulty: [Int64] = []
        for op in operations where op.outcome == .ok {
            guard let a = op.invokeTime, let b = op.completeTime else { continue }
            if active.contains(where: { $0.covers(a) }) { faulty.append(b - a) } else { quiet.append(b - a) }
        }
        let first = operations.compactMap(\.invokeTime).min() ?? 0
        let last = operations.compactMap { $0.completeTime ?? $0.invokeTime }.max() ?? first
        let end = max(last, events.compactMap(\.time).max() ?? last)
        return RunMetrics(
            faults: recoveries, unavailableWindows: windows,
            unavailableSeconds: windows.reduce(0) { $0 + $1.seconds },
            leaderChanges: changes.count, spuriousElections: spurious.count,
            leaderlessSeconds: leaderlessSeconds(leaders, until: end),
            ok: operations.filter { $0.outcome == .ok }.count,
            fail: operations.filter { $0.outcome == .fail }.count,
            info: operations.filter { $0.outcome == .info }.count,
            seconds: Double(last - first) / 1e9,
            latencyQuiet: LatencyQuantiles(nanoseconds: quiet),
            latencyFaulty: LatencyQuantiles(nanoseconds: faulty))
    }

    private static func recovery(of fault: FaultInterval, _ byInvoke: [HistoryOperation],
                                 _ leaders: [LeaderSample]) -> Recovery {
        guard fault.inEffect, let effective = fault.effective else {
            return Recovery(fault: fault, firstOkSeconds: nil, firstOkWriteSeconds: nil, newLeaderSeconds: nil)
        }
        func since(_ op: HistoryOperation?) -> Double? {
            op?.completeTime.map { Double($0 - effective) / 1e9 }
        }
        let anyOk = Availability.firstSuccess(after: effective, in: byInvoke) { _ in true }
        let writeOk = Availability.firstSuccess(after: effective, in: byInvoke) { $0.f != "read" }
        let before = leaders.last { $0.time <= fault.start && $0.leader != nil }?.leader
        let next = leaders.first { $0.time >= fault.start && $0.leader != nil && $0.leader != before }
        return Recovery(fault: fault, firstOkSeconds: since(anyOk), firstOkWriteSeconds: since(writeOk),
                        newLeaderSeconds: next.map { Double(max($0.time - effective, 0)) / 1e9 })
    }

    /// Times at which the agreed leader became a different node than the last one agreed on.
    static func leaderChangeTimes(_ leaders: [LeaderSample]) -> [Int64] {
        var last: String?
        var times: [Int64] = []
        for sample in leaders {
            guard let leader = sample.leader else { continue }
            if let l = last, l != leader { times.append(sample.time) }
            last = leader
        }
        return times
    }

    private static func leaderlessSeconds(_ leaders: [LeaderSample], until end: Int64) -> Double {
        var total: Int64 = 0
        for (i, sample) in leaders.enumerated() where sample.leader == nil {
            let next = i + 1 < leaders.count ? leaders[i + 1].time : max(end, sample.time)
            total += next - sample.time
        }
        return Double(total) / 1e9
    }
}

extension Duration {
    var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}
