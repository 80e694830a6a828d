import History
import NIOCore
import Workload

/// The set workload on etcd: `add e` a put of the element's own key, `read` a range over the
/// set's keys (the elements, sorted).
extension EtcdClient {
    func add(_ request: OperationRequest, _ deadline: NIODeadline) async -> Completion {
        let put = PutRequest(
            key: KeyLayout.base64(layout.element(request.value, of: request.key)),
            value: KeyLayout.base64(KeyLayout.text(request.value)))
        return await change(request) { () async throws(CallError) in
            _ = try await gateway.post("/v3/kv/put", put, as: IgnoredResponse.self, deadline: deadline)
            return .ok(request.value)
        }
    }

    func readSet(_ request: OperationRequest, _ deadline: NIODeadline) async -> Completion {
        let prefix = layout.set(request.key)
        let range = RangeRequest(key: KeyLayout.base64(prefix), rangeEnd: KeyLayout.rangeEnd(ofPrefix: prefix),
                                 serializable: serializableReads ? true : nil)
        do {
            let response = try await gateway.post("/v3/kv/range", range, as: RangeResponse.self, deadline: deadline)
            let elements = (response.kvs ?? []).map { Self.decodedValue($0.value) }
            return .ok(.array(elements.sorted(by: KeyLayout.elementOrder)))
        } catch {
            return .fail(error: error.message)
        }
    }
}
