@testable import Databases
import History
import Testing
@testable import Workload

/// The etcd client's completions when the other side misbehaves, over real HTTP on loopback.
@Suite struct EtcdClientErrorTests {
    private let write = OperationRequest(f: "write", key: 1, value: 1)
    private let read = OperationRequest(f: "read", key: 1)

    private func outcomes(_ response: String?) async -> (write: Completion, read: Completion) {
        let server = CannedHTTPServer(response: response)
        defer { server.stop() }
        let client = EtcdClient(url: server.url, kind: .register)
        let w = await client.invoke(write, timeout: .seconds(2))
        let r = await client.invoke(read, timeout: .seconds(2))
        await client.close()
        return (w, r)
    }

    @Test func connectionClosedAfterTheRequestIsInfoForWritesAndFailForReads() async {
        let (w, r) = await outcomes(nil)
        guard case .info = w else { return #expect(Bool(false), "write: \(w)") }
        guard case .fail = r else { return #expect(Bool(false), "read: \(r)") }
    }

    @Test func definiteRefusalIsFail() async {
        let refusal = CannedHTTPServer.json(
            status: "400 Bad Request", #"{"error":"etcdserver: request is too large","message":"etcdserver: request is too large","code":3}"#)
        let (w, _) = await outcomes(refusal)
        #expect(w == .fail(error: "etcd error 3: etcdserver: request is too large"))
    }

    @Test func ambiguousEtcdErrorIsInfo() async {
        let timedOut = CannedHTTPServer.json(
            status: "503 Service Unavailable", #"{"error":"etcdserver: request timed out","message":"etcdserver: request timed out","code":14}"#)
        let (w, r) = await outcomes(timedOut)
        #expect(w == .info(error: "etcd error 14: etcdserver: request timed out"))
        #expect(r == .fail(error: "etcd error 14: etcdserver: request timed out"))
    }

    @Test func unreadableAnswerIsInfo() async {
        let (w, _) = await outcomes(CannedHTTPServer.json(status: "200 OK", "<html>"))
        #expect(w == .info(error: "unreadable answer: <html>"))
    }
}
