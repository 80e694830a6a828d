import History
import NIOCore
import Workload

/// The register workload on etcd: `read` a range of the register's key, `write v` a put, `cas [e n]` a
/// txn comparing the value with e, then putting n (a failed compare is `fail`).
extension EtcdClient {
    func readRegister(_ request: OperationRequest, _ deadline: NIODeadline) async -> Completion {
        let key = KeyLayout.base64(layout.register(request.key))
        do {
            let response = try await gateway.post(
                "/v3/kv/range", RangeRequest(key: key, serializable: serializableReads ? true : nil), as: RangeResponse.self,
                deadline: deadline)
            guard let found = response.kvs?.first else { return .ok(.null) }
            return .ok(Self.decodedValue(found.value))
        } catch {
            return .fail(error: error.message)
        }
    }

    func write(_ request: OperationRequest, _ deadline: NIODeadline) async -> Completion {
        let put = PutRequest(
            key: KeyLayout.base64(layout.register(request.key)),
            value: KeyLayout.base64(KeyLayout.text(request.value)))
        return await change(request) { () async throws(CallError) in
            _ = try await gateway.post("/v3/kv/put", put, as: IgnoredResponse.self, deadline: deadline)
            return .ok(request.value)
        }
    }

    func compareAndSet(_ request: OperationRequest, _ deadline: NIODeadline) async -> Completion {
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
}
