/// A database whose members are `RemoteDaemon`s with a status endpoint: waiting for them to
/// serve after a start, and explaining (with their logs) why they did not.
public protocol ProbedMembers: Database {
    associatedtype Status: Sendable & Equatable & CustomStringConvertible
    /// How long set-up waits for a leader, and a start for the member to answer.
    var readyTimeout: Duration { get }
    /// The pause between two rounds of status requests while waiting.
    var pollInterval: Duration { get }
    func daemon(for node: ClusterNode) throws -> RemoteDaemon
    /// Asks `node`'s member for its status. Never throws.
    func probe(_ node: ClusterNode) async -> DaemonProbe<Status>
    /// The node all answering members agree leads, when they are a majority; nil otherwise.
    func agreedLeader(_ probes: [String: DaemonProbe<Status>], in cluster: ClusterContext) -> String?
}

extension ProbedMembers {
    /// Asks every node's member for its status, all at once; by node name.
    public func probes(_ cluster: ClusterContext) async -> [String: DaemonProbe<Status>] {
        (try? await NodeTasks.run("\(name) status", on: cluster.nodes) { node in await probe(node) }) ?? [:]
    }

    /// Waits until every member answers and all agree on one leader; returns its name. Throws at
    /// once when a member's process has exited, and after `readyTimeout` otherwise, naming the
    /// members that never answered (or, when all did, what each saw), with excerpts of their logs.
    public func waitForLeader(_ cluster: ClusterContext) async throws -> String {
        let deadline = ContinuousClock.now.advanced(by: readyTimeout)
        while true {
            let probes = await probes(cluster)
            let answering = cluster.nodes.filter { probes[$0.name]?.status != nil }
            if answering.count == cluster.nodes.count, let leader = agreedLeader(probes, in: cluster) {
                return leader
            }
            let exited = cluster.nodes.filter { if case .notRunning = probes[$0.name] { true } else { false } }
            if !exited.isEmpty {
                throw await failure("\(name) set-up (members exited while starting)", exited, probes)
            }
            if ContinuousClock.now >= deadline {
                let silent = cluster.nodes.filter { probes[$0.name]?.status == nil }
                if silent.isEmpty {
                    throw await failure("\(name) set-up (no agreed leader within \(readyTimeout))", cluster.nodes, probes)
                }
                throw await failure("\(name) set-up (never answered within \(readyTimeout))", silent, probes)
            }
            try await Task.sleep(for: pollInterval)
        }
    }

    /// Waits until `node`'s member answers its status endpoint (within `readyTimeout`).
    public func waitUntilAnswering(_ node: ClusterNode) async throws -> Status {
        let deadline = ContinuousClock.now.advanced(by: readyTimeout)
        while true {
            let probe = await probe(node)
            if let status = probe.status { return status }
            var stop = ContinuousClock.now >= deadline
            if case .notRunning = probe { stop = true }
            if stop {
                throw NodeFailure(node: node.name, reason: await explain(node, probe))
            }
            try await Task.sleep(for: pollInterval)
        }
    }

    private func failure(_ action: String, _ nodes: [ClusterNode], _ probes: [String: DaemonProbe<Status>]) async -> ClusterError {
        let reasons = (try? await NodeTasks.run("log", on: nodes) { node in
            await explain(node, probes[node.name] ?? .unreachable(reason: "not asked"))
        }) ?? [:]
        return .nodesFailed(action: action, failures: nodes.map { NodeFailure(node: $0.name, reason: reasons[$0.name] ?? "") })
    }

    /// What `probe` found on `node`, followed by an excerpt of its log.
    private func explain(_ node: ClusterNode, _ probe: DaemonProbe<Status>) async -> String {
        let found = "\(name) \(probe)"
        guard let daemon = try? daemon(for: node) else { return found }
        let excerpt = await daemon.logExcerpt(on: node.remote, lines: 15).trimmingWhitespace
        guard !excerpt.isEmpty else { return "\(found); \(daemon.logFile) is empty or missing" }
        let indented = excerpt.split(separator: "\n", omittingEmptySubsequences: false).map { "      " + $0 }
        return "\(found); \(daemon.logFile):\n" + indented.joined(separator: "\n")
    }
}
