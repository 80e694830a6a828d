import AsyncHTTPClient
import History
import NIOCore
import Workload

/// A client of one etcd node through its v3 JSON gateway, for one workload (`KeyLayout` says
/// where each workload's data lives).
///
/// Operations: register `read` (range), `write v` (put), `cas [e n]` (txn: value equals e, then
/// put n; a failed compare is `fail`); set `add e` (put of the element's own key) and `read`
/// (range over the set's keys: `.array` of the elements, sorted); lock `acquire` (grant a lease
/// with the lock TTL, then lock; waits while another holds it) and `release` (unlock, then revoke
/// the lease in the background).
///
/// Completions: a definite refusal (`CallError.certainlyWithoutEffect`) is `fail`, any other
/// error `info` — except for reads, which change nothing and so `fail` on any error, as
/// Jepsen's etcd client does. A lock acquire whose outcome is unknown has its lease revoked in the
/// background (which frees the lock if it was taken, and removes a waiter); a release of a lock
/// this client does not hold fails without a request. The client stays usable after any outcome
/// (a worker may keep it for its next process).
public actor EtcdClient: Client {
    private struct HeldLock {
        var lease: String
        var key: String
    }

    private let gateway: JSONGateway
    private let kind: WorkloadSpec.Kind
    private let layout: KeyLayout
    private let leaseSeconds: Int64
    private var held: [Value: HeldLock] = [:]
    /// Lease revokes still under way; each waits for the one before.
    private var cleanup: Task<Void, Never>?
    private var closed = false

    /// A client of the node at `url` (e.g. `http://127.0.0.1:2379`). No connection is made
    /// until the first operation.
    public init(
        url: String, kind: WorkloadSpec.Kind, layout: KeyLayout = KeyLayout(),
        lockLease: Duration = .seconds(10), connectTimeout: Duration = .seconds(5)
    ) {
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

    // MARK: registers

    private func readRegister(_ request: OperationRequest, _ deadline: NIODeadline) async -> Completion {
        let key = KeyLayout.base64(layout.register(request.key))
        do {
            let response = try await gateway.post(
                "/v3/kv/range", RangeRequest(key: key), as: RangeResponse.self, deadline: deadline)
            guard let found = response.kvs?.first else { return .ok(.null) }
            return .ok(Self.decodedValue(found.value))
        } catch {
            return .fail(error: error.message)
        }
    }

    private func write(_ request: OperationRequest, _ deadline: NIODeadline) async -> Completion {
        let put = PutRequest(
            key: KeyLayout.base64(layout.register(request.key)),
            value: KeyLayout.base64(KeyLayout.text(request.value)))
        return await change(request) { () async throws(CallError) in
            _ = try await gateway.post("/v3/kv/put", put, as: IgnoredResponse.self, deadline: deadline)
            return .ok(request.value)
        }
    }

    private func compareAndSet(_ request: OperationRequest, _ deadline: NIODeadline) async -> Completion {
        guard case .array(let pair) = request.value, pair.count == 2 else {
            return .fail(error: "cas expects [expected new], got \(request.value)")
        }
        let key = KeyLayout.base64(layout.register(request.key))
        let compare =
            pair[0] == .null
            ? Compare.missing(key: key)
            : Compare.valueEquals(key: key, value: KeyLayout.base64(KeyLayout.text(pair[0])))
        let txn = TxnRequest(
            compare: [compare],
            success: [RequestOp(requestPut: PutRequest(key: key, value: KeyLayout.base64(KeyLayout.text(pair[1]))))])
        return await change(request) { () async throws(CallError) in
            let response = try await gateway.post("/v3/kv/txn", txn, as: TxnResponse.self, deadline: deadline)
            return response.succeeded == true ? .ok(request.value) : .fail(error: "compare failed")
        }
    }

    // MARK: sets

    private func add(_ request: OperationRequest, _ deadline: NIODeadline) async -> Completion {
        let put = PutRequest(
            key: KeyLayout.base64(layout.element(request.value, of: request.key)),
            value: KeyLayout.base64(KeyLayout.text(request.value)))
        return await change(request) { () async throws(CallError) in
            _ = try await gateway.post("/v3/kv/put", put, as: IgnoredResponse.self, deadline: deadline)
            return .ok(request.value)
        }
    }

    private func readSet(_ request: OperationRequest, _ deadline: NIODeadline) async -> Completion {
        let prefix = layout.set(request.key)
        let range = RangeRequest(key: KeyLayout.base64(prefix), rangeEnd: KeyLayout.rangeEnd(ofPrefix: prefix))
        do {
            let response = try await gateway.post("/v3/kv/range", range, as: RangeResponse.self, deadline: deadline)
            let elements = (response.kvs ?? []).map { Self.decodedValue($0.value) }
            return .ok(.array(elements.sorted(by: KeyLayout.elementOrder)))
        } catch {
            return .fail(error: error.message)
        }
    }

    // MARK: locks

    private func acquire(_ request: OperationRequest, _ deadline: NIODeadline) async -> Completion {
        let key = request.key ?? .null
        if held[key] != nil { return .fail(error: "this client already holds the lock") }
        let lease: String
        do {
            lease = try await gateway.post(
                "/v3/lease/grant", LeaseGrantRequest(ttl: leaseSeconds), as: LeaseID.self,
                deadline: deadline
            ).id
        } catch {
            // Without a lease no lock was asked for: the acquire certainly did not happen.
            return .fail(error: "lease grant: \(error.message)")
        }
        let lock = LockRequest(name: KeyLayout.base64(layout.lock(request.key)), lease: lease)
        do {
            let response = try await gateway.post("/v3/lock/lock", lock, as: LockResponse.self, deadline: deadline)
            held[key] = HeldLock(lease: lease, key: response.key)
            return .ok(request.value)
        } catch {
            revokeLater(lease)
            return error.certainlyWithoutEffect ? .fail(error: error.message) : .info(error: error.message)
        }
    }

    private func release(_ request: OperationRequest, _ deadline: NIODeadline) async -> Completion {
        guard let lock = held.removeValue(forKey: request.key ?? .null) else {
            return .fail(error: "this client does not hold the lock")
        }
        defer { revokeLater(lock.lease) }
        do {
            _ = try await gateway.post(
                "/v3/lock/unlock", UnlockRequest(key: lock.key), as: IgnoredResponse.self, deadline: deadline)
            return .ok(request.value)
        } catch {
            // Revoking the lease frees the lock at some point after this release was invoked:
            // whatever the unlock did, the release takes effect (or the lease expires), so it is
            // an operation of unknown timing, not one that failed.
            return .info(error: error.message)
        }
    }

    /// Revokes `lease` in the background (best effort, 2 s), after the revokes before it.
    private func revokeLater(_ lease: String) {
        let previous = cleanup
        let gateway = gateway
        cleanup = Task {
            await previous?.value
            _ = try? await gateway.post(
                "/v3/lease/revoke", LeaseID(id: lease), as: IgnoredResponse.self,
                deadline: .now() + .seconds(2))
        }
    }

    // MARK: helpers

    /// Runs a request that changes data: a definite refusal is `fail`, any other error `info`.
    private func change(
        _ request: OperationRequest, _ call: () async throws(CallError) -> Completion
    ) async -> Completion {
        do {
            return try await call()
        } catch {
            return error.certainlyWithoutEffect ? .fail(error: error.message) : .info(error: error.message)
        }
    }

    private static func decodedValue(_ base64: String?) -> Value {
        guard let base64 else { return KeyLayout.value(fromText: "") }
        return KeyLayout.text(fromBase64: base64).map(KeyLayout.value(fromText:)) ?? .string(base64)
    }
}
