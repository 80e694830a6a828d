import AsyncHTTPClient
import History
import NIOCore
import Workload

/// A client of one raftkv node through its HTTP API, for the register and set workloads
/// (`KeyLayout` says where each keeps its data).
///
/// Operations: register `read` (get), `write v` (put), `cas [e n]` (cas; a refused compare is
/// `fail`); set `add e` (put of the element's own key) and `read` (scan of the set's keys: `.array`
/// of the elements, sorted). Completions: a definite refusal (HTTP 503/400, or not sent) is
/// `fail`, any other error `info` — except for reads, which change nothing and `fail` on any error.
/// Transactions (list-append, rw-register): `RaftKVClient+Transactions`.
public actor RaftKVClient: Client {
    let gateway: JSONGateway
    let kind: WorkloadSpec.Kind
    let layout: KeyLayout
    private var closed = false

    /// A client of the node at `url` (e.g. `http://10.77.0.1:7379`); connects at its first operation.
    public init(url: String, kind: WorkloadSpec.Kind, layout: KeyLayout = KeyLayout(), connectTimeout: Duration = .seconds(5)) {
        let base = url.hasSuffix("/") ? String(url.dropLast()) : url
        gateway = JSONGateway(http: JSONGateway.makeHTTPClient(connectTimeout: connectTimeout), baseURL: base,
                              rejection: RaftKVErrorBody.rejection)
        self.kind = kind
        self.layout = layout
    }

    public func invoke(_ request: OperationRequest, timeout: Duration) async -> Completion {
        guard !closed else { return .fail(error: "client is closed") }
        let deadline = NIODeadline.now() + TimeAmount(timeout)
        switch (kind, request.f) {
        case (.register, "read"):
            return await read(.get(layout.register(request.key)), deadline) { answer in
                answer.found == true ? KeyLayout.value(fromText: answer.value ?? "") : .null
            }
        case (.register, "write"):
            return await change(.put(layout.register(request.key), KeyLayout.text(request.value)), request, deadline)
        case (.register, "cas"):
            guard case .array(let pair) = request.value, pair.count == 2 else {
                return .fail(error: "cas expects [expected new], got \(request.value)")
            }
            let expected = pair[0] == .null ? nil : KeyLayout.text(pair[0])
            return await change(.cas(layout.register(request.key), expected: expected, KeyLayout.text(pair[1])), request, deadline)
        case (.set, "add"):
            return await change(.put(layout.element(request.value, of: request.key), KeyLayout.text(request.value)), request, deadline)
        case (.set, "read"):
            return await read(.scan(layout.set(request.key)), deadline) { answer in
                .array((answer.kvs ?? []).map { KeyLayout.value(fromText: $0.value) }.sorted(by: KeyLayout.elementOrder))
            }
        case (.listAppend, "txn"), (.rwRegister, "txn"):
            return await transaction(request, deadline)
        default:
            return .fail(error: "\(request.f) is not an operation of the \(kind.rawValue) workload on raftkv")
        }
    }

    public func close() async {
        guard !closed else { return }
        closed = true
        try? await gateway.http.shutdown()
    }

    deinit {
        if !closed { gateway.http.shutdown { _ in } }
    }

    private func read(_ command: RaftKVCommand, _ deadline: NIODeadline, _ value: (RaftKVAnswer) -> Value) async -> Completion {
        do {
            return .ok(value(try await gateway.post("/kv", command, as: RaftKVAnswer.self, deadline: deadline)))
        } catch {
            return .fail(error: error.message)
        }
    }

    /// A write: ok with the request's value, `fail` for a refused compare or a definite refusal,
    /// `info` otherwise.
    private func change(_ command: RaftKVCommand, _ request: OperationRequest, _ deadline: NIODeadline) async -> Completion {
        do {
            let answer = try await gateway.post("/kv", command, as: RaftKVAnswer.self, deadline: deadline)
            return answer.ok ? .ok(request.value) : .fail(error: "compare failed")
        } catch {
            return error.certainlyWithoutEffect ? .fail(error: error.message) : .info(error: error.message)
        }
    }
}

/// Opens `RaftKVClient`s: one client, and so one HTTP connection, per process.
public struct RaftKVClientFactory: ClientFactory {
    public var kind: WorkloadSpec.Kind
    public var layout: KeyLayout

    public init(kind: WorkloadSpec.Kind, layout: KeyLayout = KeyLayout()) {
        self.kind = kind
        self.layout = layout
    }

    public func open(node: String, url: String) async throws -> any Client {
        RaftKVClient(url: url, kind: kind, layout: layout)
    }
}
