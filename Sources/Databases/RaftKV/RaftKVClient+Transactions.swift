import History
import NIOCore
import Workload

/// The transactional workloads on raftkv: a `txn` request becomes one `txn` command (applied as
/// one log entry, or through the read index when it only reads). list-append's `append` appends
/// to the key's space-separated list and its reads return the list; rw-register's `w` sets the
/// key. A transaction of reads only `fail`s on any error (it changes nothing); one that writes
/// is `fail` only on a definite refusal, else `info`.
extension RaftKVClient {
    func transaction(_ request: OperationRequest, _ deadline: NIODeadline) async -> Completion {
        guard let txn = TransactionSteps(request.value) else { return .fail(error: "txn expects [[f k v] …], got \(request.value)") }
        let steps = txn.steps.map { s in
            RaftKVCommand.Step(f: s.f, key: layout.transactional(s.key), value: s.f == "r" ? nil : KeyLayout.text(s.value))
        }
        let lists = kind == .listAppend
        do {
            let answer = try await gateway.post("/kv", RaftKVCommand.txn(steps), as: RaftKVAnswer.self, deadline: deadline)
            guard let results = answer.results, results.count == steps.count else {
                return .info(error: "raftkv answered a txn without one result per step")
            }
            return .ok(txn.completed { i in
                guard let text = results[i] else { return .null }
                return lists ? .array(KeyLayout.list(fromText: text)) : KeyLayout.value(fromText: text)
            })
        } catch {
            if txn.readOnly || error.certainlyWithoutEffect { return .fail(error: error.message) }
            return .info(error: error.message)
        }
    }
}
