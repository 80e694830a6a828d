/// How long a database's set-up, stop, commands and status requests may take; the same knobs for
/// every database Faultline starts as daemons on its hosts.
public struct DaemonTimings: Sendable, Equatable {
    /// How long `setUp` waits for a leader, and `start` for the member to answer.
    public var readyTimeout: Duration
    /// How long a stopping member has between SIGTERM and SIGKILL. Short by default: when all
    /// members stop at once an etcd leader spends up to ~7 s trying to hand leadership to a
    /// follower that is stopping too, and the data is wiped right after anyway. A single member
    /// stops within milliseconds.
    public var stopGrace: Duration
    /// How long one command on a host may take.
    public var commandTimeout: Duration
    /// How long one status request may take.
    public var statusTimeout: Duration
    /// The pause between two rounds of status requests while waiting.
    public var pollInterval: Duration

    public init(readyTimeout: Duration = .seconds(30), stopGrace: Duration = .seconds(2),
                commandTimeout: Duration = .seconds(30), statusTimeout: Duration = .seconds(1),
                pollInterval: Duration = .milliseconds(100)) {
        self.readyTimeout = readyTimeout
        self.stopGrace = stopGrace
        self.commandTimeout = commandTimeout
        self.statusTimeout = statusTimeout
        self.pollInterval = pollInterval
    }
}
