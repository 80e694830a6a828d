/// A client of an `InMemoryStore`: for the runner's tests and the harness benchmark. It never
/// times out (the store answers at once), so `timeout` is not used.
public struct InMemoryClient: Client {
    public let store: InMemoryStore
    private let id: Int

    /// A client with its own lock-owner identity.
    public init(store: InMemoryStore) async {
        self.store = store
        self.id = await store.newClient()
    }

    public func invoke(_ request: OperationRequest, timeout: Duration) async -> Completion {
        await store.perform(request, client: id)
    }

    public func close() async {}
}

/// Opens `InMemoryClient`s of one shared store, whatever the node: every node sees one database.
public struct InMemoryClientFactory: ClientFactory {
    public let store: InMemoryStore

    public init(store: InMemoryStore) {
        self.store = store
    }

    /// A factory with a fresh store for `kind`.
    public init(kind: WorkloadSpec.Kind, faults: InMemoryFaults = InMemoryFaults()) {
        self.store = InMemoryStore(kind: kind, faults: faults)
    }

    public func open(node: String, url: String) async throws -> any Client {
        await InMemoryClient(store: store)
    }
}
