import Control
import Foundation

// Status requests (`POST /v3/maintenance/status`, `/v3/cluster/member/list`) run as `curl` on each
// member's own host, through that host's `Remote`, not from the controller (URLSession):
// - the `Remote` stays the one way this target reaches a host, so the same code works over SSH,
//   locally and against fakes, and on real hosts whose client port the controller cannot reach;
// - the same command says, when etcd does not answer, whether its process still lives, so
//   set-up fails at once, with the member's log, when a member exits instead of waiting out its
//   timeout;
// - this target needs no HTTP stack (FoundationNetworking on Linux, or NIO).
// It costs one command per member per round over the host's kept SSH session (a few ms).

extension EtcdDatabase: Versioned, LeaderAware {
    /// The output of `etcd --version` on every node (`3.4.23`), by node name. Throws naming the
    /// nodes where the binary is missing or says no version.
    public func versions(_ cluster: ClusterContext) async throws -> [String: String] {
        try await NodeTasks.run("etcd version check", on: cluster.nodes) { node in
            try await version(of: node, requireCurl: false)
        }
    }

    /// The node every member that answers names as leader, when those are a majority of the
    /// cluster and all name the same one (`EtcdLeaderAgreement`); nil otherwise. Members that do
    /// not answer (killed, paused, unreachable) are left out.
    public func leader(_ cluster: ClusterContext) async throws -> String? {
        let probes = await probes(cluster)
        let statuses = cluster.nodes.compactMap { probes[$0.name]?.status }
        guard let id = EtcdLeaderAgreement.leader(of: statuses, clusterSize: cluster.nodes.count) else { return nil }
        if let name = Self.memberNames(probes)[id] { return name }
        // The leader did not answer itself (paused, cut off): a member that did knows its name.
        for node in cluster.nodes where probes[node.name]?.status != nil {
            if let name = try? await memberNames(via: node)[id] { return name }
        }
        return nil
    }

    /// Asks every node's member for its status, all at once; by node name. Never throws: a node
    /// that cannot be asked is `.unreachable`.
    public func probes(_ cluster: ClusterContext) async -> [String: EtcdProbe] {
        await withTaskGroup(of: (String, EtcdProbe).self) { group in
            for node in cluster.nodes {
                group.addTask { (node.name, await probe(node)) }
            }
            var probes: [String: EtcdProbe] = [:]
            for await (name, probe) in group { probes[name] = probe }
            return probes
        }
    }

    /// Asks `node`'s member for its status; when it does not answer, says whether its process runs.
    public func probe(_ node: ClusterNode) async -> EtcdProbe {
        do {
            let daemon = try daemon(for: node)
            let body = """
            out=$(\(curl(node, "/v3/maintenance/status")) 2>&1)
            if [ $? -eq 0 ]; then printf 'answered %s\\n' "$out"
            elif p=$(ourpid); then printf 'silent %s %s\\n' "$p" "$out"
            else printf 'absent %s\\n' "$out"; fi
            """
            return EtcdProbe.parse(try await daemon.run("status", daemon.script(body), on: node.remote))
        } catch {
            return .unreachable(reason: "\(error)")
        }
    }

    /// Member ids and names as `node`'s member lists them.
    func memberNames(via node: ClusterNode) async throws -> [UInt64: String] {
        let output = try await daemon(for: node).run("member list", curl(node, "/v3/cluster/member/list"), on: node.remote)
        return try EtcdMemberList.decode(output).names
    }

    /// Member id → node name, from the members that answered.
    static func memberNames(_ probes: [String: EtcdProbe]) -> [UInt64: String] {
        Dictionary(probes.compactMap { name, probe in probe.status.map { ($0.memberID, name) } },
                   uniquingKeysWith: { first, _ in first })
    }

    /// The version `etcd --version` reports on `node`, after checking the binary (and curl).
    func version(of node: ClusterNode, requireCurl: Bool) async throws -> String {
        let binary = ShellQuote.quote(options.binary)
        var script = "[ -x \(binary) ] || { echo \(binary)' is missing or not executable (Debian package etcd-server)' >&2; exit 1; }\n"
        if requireCurl {
            script += "command -v curl >/dev/null 2>&1 || { echo 'curl is missing: Faultline asks etcd for its status with it' >&2; exit 1; }\n"
        }
        script += "\(binary) --version"
        let output = try await daemon(for: node).run("version check", script, on: node.remote)
        let prefix = "etcd Version:"
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) else {
            throw NodeFailure(node: node.name, reason: "\(options.binary) --version names no version: \(output.prefix(200))")
        }
        return line.dropFirst(prefix.count).trimmingWhitespace
    }

    /// Waits until every member answers and all agree on one leader; returns its name. Throws at
    /// once when a member's process has exited, and after `options.readyTimeout` otherwise,
    /// naming the members that never answered (or, when all did, what each saw), with the tail of
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

    /// What `probe` found on `node`, followed by the last lines of its log.
    private func explain(_ node: ClusterNode, _ probe: EtcdProbe) async -> String {
        guard let daemon = try? daemon(for: node) else { return probe.description }
        let excerpt = await daemon.logExcerpt(on: node.remote, lines: 15).trimmingWhitespace
        guard !excerpt.isEmpty else { return "\(probe); \(daemon.logFile) is empty or missing" }
        let indented = excerpt.split(separator: "\n", omittingEmptySubsequences: false).map { "      " + $0 }
        return "\(probe); \(daemon.logFile):\n" + indented.joined(separator: "\n")
    }

    /// A curl command line that POSTs `{}` to `path` on `node`'s client URL, failing on HTTP errors
    /// and after `options.statusTimeout`.
    private func curl(_ node: ClusterNode, _ path: String) -> String {
        ShellQuote.join(["curl", "-sS", "-f", "--max-time", String(format: "%.3f", options.statusTimeout / .seconds(1)),
                         "-X", "POST", "-H", "Content-Type: application/json", "-d", "{}",
                         clientURL(for: node) + path])
    }
}

