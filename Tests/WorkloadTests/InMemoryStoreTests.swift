import History
import Testing
@testable import Workload

@Suite struct InMemoryStoreTests {
    private func client(_ factory: InMemoryClientFactory) async throws -> any Client {
        try await factory.open(node: "n1", url: "memory://")
    }

    @Test func registers() async throws {
        let factory = InMemoryClientFactory(kind: .register)
        let c = try await client(factory)
        let t = Duration.seconds(1)
        #expect(await c.invoke(OperationRequest(f: "read", key: 1), timeout: t) == .ok(.null))
        #expect(await c.invoke(OperationRequest(f: "write", key: 1, value: 3), timeout: t) == .ok(3))
        #expect(await c.invoke(OperationRequest(f: "cas", key: 1, value: [3, 4]), timeout: t) == .ok([3, 4]))
        #expect(await c.invoke(OperationRequest(f: "cas", key: 1, value: [3, 5]), timeout: t) == .fail(error: "compare failed"))
        #expect(await c.invoke(OperationRequest(f: "read", key: 1), timeout: t) == .ok(4))
        #expect(await c.invoke(OperationRequest(f: "read", key: 2), timeout: t) == .ok(.null))
        #expect(await c.invoke(OperationRequest(f: "add", key: 2, value: 1), timeout: t) != .ok(1))
    }

    @Test func sets() async throws {
        let factory = InMemoryClientFactory(kind: .set)
        let a = try await client(factory)
        let b = try await client(factory)
        let t = Duration.seconds(1)
        #expect(await a.invoke(OperationRequest(f: "read", key: 0), timeout: t) == .ok([]))
        for e in [5, 1, 3] { _ = await a.invoke(OperationRequest(f: "add", key: 0, value: .int(e)), timeout: t) }
        _ = await b.invoke(OperationRequest(f: "add", key: 0, value: 2), timeout: t)
        #expect(await b.invoke(OperationRequest(f: "read", key: 0), timeout: t) == .ok([1, 2, 3, 5]))
        #expect(await factory.store.value(at: 0) == [1, 2, 3, 5])
    }

    @Test func locksAreHeldByOneClient() async throws {
        let factory = InMemoryClientFactory(kind: .lock)
        let a = try await client(factory)
        let b = try await client(factory)
        let t = Duration.seconds(1)
        let acquire = OperationRequest(f: "acquire", key: 0)
        let release = OperationRequest(f: "release", key: 0)
        #expect(await a.invoke(acquire, timeout: t) == .ok(.null))
        #expect(await b.invoke(acquire, timeout: t) == .fail(error: "held by another client"))
        #expect(await b.invoke(release, timeout: t) == .fail(error: "not held by this client"))
        #expect(await a.invoke(release, timeout: t) == .ok(.null))
        #expect(await b.invoke(acquire, timeout: t) == .ok(.null))
    }

    @Test func injectedFaultsComeAtTheirRates() async throws {
        let factory = InMemoryClientFactory(kind: .register, faults: InMemoryFaults(infoRate: 0.1, failRate: 0.2, seed: 1))
        let c = try await client(factory)
        var counts: [String: Int] = [:]
        for i in 0..<10_000 {
            switch await c.invoke(OperationRequest(f: "write", key: 0, value: .int(i)), timeout: .seconds(1)) {
            case .ok: counts["ok", default: 0] += 1
            case .fail: counts["fail", default: 0] += 1
            case .info: counts["info", default: 0] += 1
            }
        }
        #expect(abs(counts["info", default: 0] - 1000) < 150)
        #expect(abs(counts["fail", default: 0] - 2000) < 200)
    }
}
