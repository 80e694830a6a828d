import History
import NIOCore
import Workload

/// The transactional workloads on etcd, as Jepsen's etcd list-append does: one txn ranges over
/// every key the transaction touches (one revision, a linearizable read); the steps are then run
/// against what it read (a read sees the transaction's own earlier appends or writes); a
/// transaction that writes then sends a second txn that compares every key's `mod_revision`
/// with what was read and puts each written key's new list (list-append: its elements separated
/// by spaces) or last value (rw-register). A failed compare is a definite `fail`: nothing was
/// put. The first txn changes nothing, so any error there is `fail`; an error of the second is
/// `fail` only when definite, else `info`.
extension EtcdClient {
    func transaction(_ request: OperationRequest, _ deadline: NIODeadline) async -> Completion {
        guard let txn = TransactionSteps(request.value) else { return .fail(error: "txn expects [[f k v] …], got \(request.value)") }
        let keys = txn.keys
        let names = keys.map { KeyLayout.base64(layout.transactional($0)) }
        let found: [RangeResponse?]
        do {
            let read = TxnRequest(compare: [], success: names.map { RequestOp(requestRange: RangeRequest(key: $0)) })
            let response = try await gateway.post("/v3/kv/txn", read, as: TxnResponse.self, deadline: deadline)
            found = (response.responses ?? []).map(\.responseRange)
            guard found.count == names.count else { return .fail(error: "etcd answered \(found.count) ranges for \(names.count) keys") }
        } catch {
            return .fail(error: error.message)
        }
        let lists = kind == .listAppend
        var revisions: [String] = []
        var listState: [Value: [Value]] = [:]
        var registerState: [Value: Value] = [:]
        for (key, range) in zip(keys, found) {
            let kv = range?.kvs?.first
            revisions.append(kv?.modRevision ?? "0")
            guard let kv else { continue }
            let text = kv.value.flatMap(KeyLayout.text(fromBase64:)) ?? ""
            if lists { listState[key] = KeyLayout.list(fromText: text) } else { registerState[key] = KeyLayout.value(fromText: text) }
        }
        let completed = lists ? txn.applyAppends(to: &listState) : txn.applyWrites(to: &registerState)
        if txn.readOnly { return .ok(completed) }
        let written = Set(txn.steps.filter { $0.f != "r" }.map(\.key))
        let puts = zip(keys, names).filter { written.contains($0.0) }.map { key, name in
            let text = lists ? KeyLayout.text(ofList: listState[key] ?? []) : KeyLayout.text(registerState[key] ?? .null)
            return RequestOp(requestPut: PutRequest(key: name, value: KeyLayout.base64(text)))
        }
        let guarded = TxnRequest(compare: zip(names, revisions).map { Compare.modified(key: $0, at: $1) }, success: puts)
        return await change(request) { () async throws(CallError) in
            let response = try await gateway.post("/v3/kv/txn", guarded, as: TxnResponse.self, deadline: deadline)
            return response.succeeded == true ? .ok(completed) : .fail(error: "a key changed since it was read (mod_revision compare failed)")
        }
    }
}
