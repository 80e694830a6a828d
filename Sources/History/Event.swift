/// Who issued an event: a client process, or the nemesis that injects faults.
public enum ProcessID: Hashable, Sendable, CustomStringConvertible {
    case client(Int)
    case nemesis

    public var description: String {
        switch self {
        case .client(let p): return String(p)
        case .nemesis: return "nemesis"
        }
    }
}

/// The kind of a history event, as in Jepsen.
///
/// - `invoke`: a client started an operation.
/// - `ok`: it completed and took effect.
/// - `fail`: it certainly did not take effect.
/// - `info`: its outcome is unknown (timeout, lost connection); it may take effect at any time
///   after its invocation, or never.
public enum EventType: String, Sendable, CaseIterable {
    case invoke, ok, fail, info
}

/// One line of a history: an invocation or a completion.
public struct Event: Hashable, Sendable {
    /// Position in the history (0-based, as written).
    public var index: Int
    public var type: EventType
    public var process: ProcessID
    /// The operation's function, e.g. `read`, `write`, `cas`, `append`.
    public var f: String
    /// The independent key the operation works on, if any.
    public var key: Value?
    public var value: Value
    /// Nanoseconds on a monotonic clock since the run started, when known.
    public var time: Int64?
    /// The node the client talked to, when known.
    public var node: String?
    /// An error text attached to a completion, when any.
    public var error: String?
    /// On a `nemesis` invoke a trigger fired: the cluster event it fired on
    /// (`leader-elected: n3 leads term 5 (was n1)`).
    public var cause: String?
    /// With `cause`: how long the trigger waited after seeing the event, in nanoseconds.
    public var delay: Int64?

    public init(
        index: Int, type: EventType, process: ProcessID, f: String, key: Value? = nil,
        value: Value = .null, time: Int64? = nil, node: String? = nil, error: String? = nil,
        cause: String? = nil, delay: Int64? = nil
    ) {
        self.cause = cause
        self.delay = delay
        self.index = index
        self.type = type
        self.process = process
        self.f = f
        self.key = key
        self.value = value
        self.time = time
        self.node = node
        self.error = error
    }
}
