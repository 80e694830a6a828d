import AsyncHTTPClient
import History
import NIOCore
import Workload

/// A client of one etcd node through its v3 JSON gateway, for one workload (`KeyLayout` says
/// where each workload's data lives).
///
/// Operations, one file per workload: `EtcdClient+Register` (read, write, cas), `EtcdClient+Set`
/// (add, read), `EtcdClient+Lock` (acquire, release), `EtcdClient+Transactions` (list-append,
/// rw-register: txn).
///
/// Completions: a definite refusal (`CallError.certainlyWithoutEffect`) is `fail`, any other
/// error `info` — except for reads, which change nothing and so `fail` on any error, as
/// Jepsen's etcd client does. A lock acquire whose outcome is unknown has its lease revoked in the
/// background (which frees the lock if it was taken, and removes a waiter); a release of a lock
/// this client does not hold fails without a request. The client stays usable after any outcome
/// (a worker may keep it for its next process).
public actor EtcdClient: Client {
    struct HeldLock {
        var lease: String
        var key: String
    }

    let gateway: JSONGateway
    let kind: WorkloadSpec.Kind
    let layout: KeyLayout
    let leaseSeconds: Int64
    /// `serializable`: reads set `serializable: true` (the member answers alone).
    let serializableReads: Bool
    var held: [Value: HeldLock] = [:]
    /// Lease revokes still under way; each waits for the one before.
    var cleanup: Task<Void, Never>?
    var closed = false

    /// A client of the node at `url` (e.g. `http://127.0.0.1:2379`). No connection is made
    /// until the first operation.
    public init(
        url: String, kind: WorkloadSpec.Kind, layout: KeyLayout = KeyLayout(),
        lockLease: Duration = .seconds(10), connectTimeout: Duration = .seconds(5),
        readPath: WorkloadSpec.ReadPath = .linearizable
    ) {
        self.serializableReads = readPath == .serializable
        let base = url.hasSuffix("/") ? String(url.dropLast()) : url
        self.gateway = JSONGateway(http: JSONGateway.makeHTTPClient(connectTimeout: connectTimeout), baseURL: base,
                                   rejection: GatewayErrorBody.rejection)
        self.kind = kind
        self.layout = layout
        self.leaseSeconds = max(1, lockLease.components.seconds)
    }

    public func invoke(_ request: OperationRequest, timeout: Duration) async -> Completion {
        guard !closed else { return .fail(error: "client is closed") }
        let deadline = NIODeadline.now() + TimeAmount(timeout)
        switch (kind, request.f) {
        case (.register, "read"): return await readRegister(request, deadline)
        case (.register, "write"): return await write(request, deadline)
        case (.register, "cas"): return await compareAndSet(request, deadline)
        case (.set, "add"): return await add(request, deadline)
        case (.set, "read"): return await readSet(request, deadline)
        case (.lock, "acquire"): return await acquire(request, deadline)
        case (.lock, "release"): return await release(request, deadline)
        case (.listAppend, "txn"), (.rwRegister, "txn"): return await transaction(request, deadline)
        default: return .fail(error: "\(request.f) is not an operation of the \(kind.rawValue) workload")
        }
    }

    /// Waits for background lease revokes (2 s each at most), then closes the connection.
    public func close() async {
        guard !closed else { return }
        closed = true
        await cleanup?.value
        try? await gateway.http.shutdown()
    }

    /// A client dropped without `close()` still shuts its HTTP client down (which would otherwise
    /// stop a debug build), without waiting.
    deinit {
        if !closed { gateway.http.shutdown { _ in } }
    }

    // MARK: helpers

    /// Runs a request that changes data: a definite refusal is `fail`, any other error `info`.
    func change(
        _ request: OperationRequest, _ call: () async throws(CallError) -> Completion
    ) async -> Completion {
        do {
            return try await call()
        } catch {
            return error.certainlyWithoutEffect ? .fail(error: error.message) : .info(error: error.message)
        }
    }

    static func decodedValue(_ base64: String?) -> Value {
        guard let base64 else { return KeyLayout.value(fromText: "") }
        return KeyLayout.text(fromBase64: base64).map(KeyLayout.value(fromText:)) ?? .string(base64)
    }
}
