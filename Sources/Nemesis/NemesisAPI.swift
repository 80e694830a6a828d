import Cluster
import History

/// Which nodes a kill, pause, clock or packet fault hits.
public enum FaultTarget: String, Sendable, CaseIterable, Hashable {
    case one, minority, majority, all, leader, random
}

/// The spec's `nemesis` section, checked.
public struct NemesisSpec: Sendable, Hashable {
    /// The faults to draw from (each fault of the schedule is one of these, seeded).
    public var faults: [FaultKind]
    /// Targets of kill, pause, clock and packet faults.
    public var targets: [FaultTarget]
    /// Time between the end of one fault and the start of the next, plus up to `jitter`.
    public var interval: Duration
    public var jitter: Duration
    /// How long each fault lasts before it is healed.
    public var duration: Duration
    /// Clock faults: the offset.
    public var clockOffset: Duration
    /// Loss: the share of packets dropped, 0…1.
    public var lossProbability: Double
    /// Delay: mean and jitter.
    public var delay: Duration
    public var delayJitter: Duration
    /// Clock strobe: how long each of the two offsets (Δ and 0) is held before flipping.
    public var strobePeriod: Duration
    /// Netem faults: the network interface on the hosts.
    public var interface: String
    /// `corrupt-file`: the files of the data directory it may damage (a `find -name` glob).
    public var corruptPattern: String = "*"
    /// Faults fired by what the cluster does (`TriggerSpec`), beside the clock schedule of `faults`.
    public var triggers: [TriggerSpec] = []
    /// While a status trigger is armed: how often each node's status is asked.
    public var pollInterval: Duration = .milliseconds(10)
    /// While triggers are armed: run fault commands through a shell kept on each host
    /// (`ShellKeeping`) rather than a new SSH channel and process per command.
    public var keepsShells: Bool = true
    /// When set: this share of the packets between the nodes (never the controller's) dropped
    /// for the whole load phase, held beside the faults that come and go (`holdLinkLoss`).
    public var linkLoss: Double?
    /// When set: the packets between the nodes (never the controller's) delayed this long each
    /// way for the whole load phase, held beside the faults that come and go (`holdLinkDelay`).
    public var linkDelay: Duration?

    /// The kinds the run may apply: the clock schedule's and the triggers'.
    public var allKinds: [FaultKind] { faults + triggers.map(\.fault).filter { !faults.contains($0) } }

    public init(faults: [FaultKind], targets: [FaultTarget] = [.one], interval: Duration = .seconds(5),
                jitter: Duration = .seconds(2), duration: Duration = .seconds(5), clockOffset: Duration = .seconds(30),
                lossProbability: Double = 0.3, delay: Duration = .milliseconds(100), delayJitter: Duration = .milliseconds(20),
                strobePeriod: Duration = .seconds(1), interface: String = "eth0") {
        self.faults = faults
        self.targets = targets
        self.interval = interval
        self.jitter = jitter
        self.duration = duration
        self.clockOffset = clockOffset
        self.lossProbability = lossProbability
        self.delay = delay
        self.delayJitter = delayJitter
        self.strobePeriod = strobePeriod
        self.interface = interface
    }
}

/// Where the nemesis writes its events: `nemesis` invoke/info pairs in the run's history
/// (the runner's `Recorder` conforms). `value` says what was done to which nodes and, on the
/// `info`, the evidence that it took effect (or why it did not).
public protocol NemesisLog: Sendable {
    /// Records one event of the nemesis; on an `info`, `error` says what failed (`not in
    /// effect`, `not healed`) and `value` why, or `error` is nil and `value` is the evidence.
    /// On the invoke of a fault a trigger fired, `cause` says on what and after what delay.
    func recordNemesis(_ type: EventType, f: String, value: Value, error: String?, cause: FaultCause?)
}

extension NemesisLog {
    /// Records an event that carries no failure (an invoke, evidence of a fault in effect).
    public func recordNemesis(_ type: EventType, f: String, value: Value) {
        recordNemesis(type, f: f, value: value, error: nil, cause: nil)
    }

    public func recordNemesis(_ type: EventType, f: String, value: Value, error: String?) {
        recordNemesis(type, f: f, value: value, error: error, cause: nil)
    }
}

/// Why a fault was applied when it was: the cluster event a trigger fired on and the delay it
/// waited after seeing it.
public struct FaultCause: Sendable, Hashable {
    public var event: ClusterEvent
    public var delay: Duration

    public init(event: ClusterEvent, delay: Duration) {
        self.event = event
        self.delay = delay
    }
}
