/// Waiting for members to serve after they were started, and explaining why they did not.
extension EtcdDatabase {
    /// Waits until every member answers and all agree on one leader; returns its name. Throws at
    /// once when a member's process has exited, and after `options.readyTimeout` otherwise,
    /// naming the members that never answered (or, when all did, what each saw), with excerpts of
    /// their logs.
    func waitForLeader(_ cluster: ClusterContext) async throws -> String {
        let deadline = ContinuousClock.now.advanced(by: options.readyTimeout)
        while true {
            let probes = await probes(cluster)
            let statuses = cluster.nodes.compactMap { probes[$0.name]?.status }
            if statuses.count == cluster.nodes.count,
               let id = EtcdLeaderAgreement.leader(of: statuses, clusterSize: cluster.nodes.count),
               let name = Self.memberNames(probes)[id] {
                return name
            }
            let exited = cluster.nodes.filter { if case .notRunning = probes[$0.name] { true } else { false } }
            if !exited.isEmpty {
                throw await failure("etcd set-up (members exited while starting)", exited, probes)
            }
            if ContinuousClock.now >= deadline {
                let silent = cluster.nodes.filter { probes[$0.name]?.status == nil }
                if silent.isEmpty {
                    throw await failure("etcd set-up (no agreed leader within \(options.readyTimeout))", cluster.nodes, probes)
                }
                throw await failure("etcd set-up (never answered within \(options.readyTimeout))", silent, probes)
            }
            try await Task.sleep(for: options.pollInterval)
        }
    }

    /// Waits until `node`'s member answers its status endpoint (within `options.readyTimeout`).
    func waitUntilAnswering(_ node: ClusterNode) async throws -> EtcdMemberStatus {
        let deadline = ContinuousClock.now.advanced(by: options.readyTimeout)
        while true {
            let probe = await probe(node)
            if let status = probe.status { return status }
            var stop = ContinuousClock.now >= deadline
            if case .notRunning = probe { stop = true }
            if stop {
                throw NodeFailure(node: node.name, reason: await explain(node, probe))
            }
            try await Task.sleep(for: options.pollInterval)
        }
    }

    private func failure(_ action: String, _ nodes: [ClusterNode], _ probes: [String: EtcdProbe]) async -> ClusterError {
        let reasons = (try? await NodeTasks.run("log", on: nodes) { node in
            await explain(node, probes[node.name] ?? .unreachable(reason: "not asked"))
        }) ?? [:]
        return .nodesFailed(action: action, failures: nodes.map { NodeFailure(node: $0.name, reason: reasons[$0.name] ?? "") })
    }

    /// What `probe` found on `node`, followed by an excerpt of its log.
    private func explain(_ node: ClusterNode, _ probe: EtcdProbe) async -> String {
        guard let daemon = try? daemon(for: node) else { return probe.description }
        let excerpt = await daemon.logExcerpt(on: node.remote, lines: 15).trimmingWhitespace
        guard !excerpt.isEmpty else { return "\(probe); \(daemon.logFile) is empty or missing" }
        let indented = excerpt.split(separator: "\n", omittingEmptySubsequences: false).map { "      " + $0 }
        return "\(probe); \(daemon.logFile):\n" + indented.joined(separator: "\n")
    }
}
