// The Workload target: clients and generators: the Client protocol, seeded workloads, the JSON gateway, the adapter protocol.

import History

/// What a generator asks a client to do: one operation.
public struct OperationRequest: Sendable, Hashable {
    /// The function, e.g. `read`, `write`, `cas`, `add`, `acquire`.
    public var f: String
    /// The independent key, if any.
    public var key: Value?
    /// The invocation's value (written value, `[expected new]`, element to add, …).
    public var value: Value

    public init(f: String, key: Value? = nil, value: Value = .null) {
        self.f = f
        self.key = key
        self.value = value
    }
}

/// How an operation ended, as the client saw it.
public enum Completion: Sendable, Hashable {
    /// It took effect; the value is what it returned (the value read, or the request's value).
    case ok(Value)
    /// It certainly did not take effect (e.g. a cas whose compare failed, a definite refusal).
    case fail(error: String)
    /// Outcome unknown: a timeout, a lost connection, an ambiguous error. The worker retires
    /// this process and continues as a new one.
    case info(error: String)
}

/// A connection to one node that performs operations (Jepsen's `Client`).
///
/// Contract: one client per process, used by one task at a time. `invoke` never throws: every
/// outcome is a `Completion`. It returns `.info` when it cannot tell whether the operation took
/// effect (its timeout expired, the connection broke after sending), and `.fail` only when the
/// operation certainly did not take effect. It must return within `timeout` plus a little.
public protocol Client: Sendable {
    func invoke(_ request: OperationRequest, timeout: Duration) async -> Completion
    /// Releases the connection. Idempotent.
    func close() async
}

/// Opens clients against the nodes of a cluster.
public protocol ClientFactory: Sendable {
    /// A client talking to the node named `node` at `url` (from `ClientEndpoints`).
    func open(node: String, url: String) async throws -> any Client
}

/// Clients that keep logs of their own (an adapter's stderr) with the run.
public protocol KeepsClientLogs: ClientFactory {
    /// The same factory, its clients' logs kept under `directory` (created when first needed).
    func keepingLogs(in directory: String) -> any ClientFactory
}
