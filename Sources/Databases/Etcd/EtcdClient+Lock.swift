import History
import NIOCore
import Workload

/// The lock workload on etcd: `acquire` grants a lease with the lock TTL, then locks (waiting while
/// another holds it); `release` unlocks, then revokes the lease in the background.
extension EtcdClient {
    func acquire(_ request: OperationRequest, _ deadline: NIODeadline) async -> Completion {
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

    func release(_ request: OperationRequest, _ deadline: NIODeadline) async -> Completion {
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
    func revokeLater(_ lease: String) {
        let previous = cleanup
        let gateway = gateway
        cleanup = Task {
            await previous?.value
            _ = try? await gateway.post(
                "/v3/lease/revoke", LeaseID(id: lease), as: IgnoredResponse.self,
                deadline: .now() + .seconds(2))
        }
    }
}
