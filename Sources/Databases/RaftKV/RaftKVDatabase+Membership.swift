import Cluster
import Foundation
import RemoteCore

extension RaftKVDatabase: MembershipChanging {
    /// The voters `via`'s server has in effect (`GET /admin/config`, asked from its own host).
    public func members(via node: ClusterNode, in cluster: ClusterContext) async throws -> [String] {
        struct Config: Decodable { var voters: [String] }
        let answer = try await adminRequest(on: node, url: clientURL(for: node) + "/admin/config", body: nil, seconds: 5)
        guard answer.status == 200, let config = try? JSONDecoder().decode(Config.self, from: Data(answer.body.utf8)) else {
            throw NodeFailure(node: node.name, reason: "GET /admin/config answered \(answer.status): \(answer.body.prefix(300))")
        }
        return config.voters
    }

    /// `POST /admin/remove` through `member` (followed to the leader), then the server stopped and
    /// its data (a disk layer over it unmounted first) removed.
    public func shrink(_ node: ClusterNode, via member: ClusterNode, in cluster: ClusterContext) async throws {
        _ = try await NodeTasks.run("raftkv shrink", on: [node]) { node in
            try await change("/admin/remove", #"{"id":"\#(node.name)"}"#, via: member)
            let data = try layout(for: node).dataDirectory
            try await daemon(for: node).stopAndWipe(on: node, data: data, removing: [data], grace: options.timings.stopGrace)
        }
    }

    /// A member whose server runs is left alone (a stopped one is started on its data). Otherwise
    /// whatever runs there is stopped and its data removed, the server started with `--join true`
    /// on an empty data directory (under the disk layer when the cluster has one), and
    /// `POST /admin/add` sent through `member`, which answers once the new server caught up and
    /// the change is committed.
    public func grow(_ node: ClusterNode, via member: ClusterNode, in cluster: ClusterContext) async throws {
        if try await members(via: member, in: cluster).contains(node.name) {
            if case .running = try await daemon(for: node).state(on: node.remote) { return }
            return try await start(node, in: cluster)
        }
        try await startJoining([node], in: cluster)
        _ = try await NodeTasks.run("raftkv grow", on: [node]) { node in
            try await change("/admin/add", serverJSON(node), via: member)
        }
    }

    /// Sends a change to `via`, follows a follower's answer to the leader it names, waits out a
    /// change in progress (409) or one whose outcome is unknown (504), for up to `limit`. A change
    /// already made ("already a member", "not a member") counts as done.
    func change(_ path: String, _ body: String, via: ClusterNode, limit: Duration = .seconds(60)) async throws {
        var url = clientURL(for: via) + path
        let deadline = ContinuousClock.now + limit
        let wait = max(1, min(25, Int(limit.components.seconds)))
        var last = "no answer"
        struct Refusal: Decodable {
            var error: String
            var address: String?
            var message: String?
        }
        while ContinuousClock.now < deadline {
            let answer: (status: Int, body: String)
            do { answer = try await adminRequest(on: via, url: url, body: body, seconds: wait) } catch {
                last = "\(error)"
                url = clientURL(for: via) + path  // a leader named earlier may be gone: ask `via` again
                try await Task.sleep(for: .milliseconds(300))
                continue
            }
            if answer.status == 200 { return }
            last = "\(url) answered \(answer.status): \(answer.body.prefix(300))"
            let refusal = try? JSONDecoder().decode(Refusal.self, from: Data(answer.body.utf8))
            if answer.status == 400, let message = refusal?.message,
                message.hasSuffix("is already a member") || message.hasSuffix("is not a member") {
                return
            }
            if answer.status == 400 { break }
            if answer.status == 503, let address = refusal?.address {
                url = "http://\(address)\(path)"
            } else if answer.status == 503 {
                url = clientURL(for: via) + path
            }
            try await Task.sleep(for: .milliseconds(300))
        }
        throw NodeFailure(node: via.name, reason: "\(path) \(body): \(last)")
    }

    /// A server as `POST /admin/add` names it: `{"id":"n4","address":"10.0.0.4:7379"}`.
    func serverJSON(_ node: ClusterNode) -> String {
        #"{"id":"\#(node.name)","address":"\#(node.address):\#(options.port)"}"#
    }

    /// Runs curl on `node`'s host (GET, or POST with `body`); the HTTP status and body.
    func adminRequest(on node: ClusterNode, url: String, body: String?, seconds: Int) async throws -> (status: Int, body: String) {
        var words = ["curl", "-sS", "--max-time", String(seconds), "-w", "\n%{http_code}"]
        if let body { words += ["-X", "POST", "-H", "Content-Type: application/json", "--data-binary", body] }
        let result = try await node.remote.exec(ShellQuote.join(words + [url]), timeout: .seconds(seconds + 5))
        guard result.status.isSuccess else {
            throw NodeFailure(node: node.name, reason: "curl \(url): \(result.stderrText.trimmingWhitespace)")
        }
        let lines = result.stdoutText.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }
}

extension RaftKVDatabase: GroupMembershipChanging {
    /// Each node's server stopped, its data removed, started with `--join true` on an empty data
    /// directory (under the disk layer when the cluster has one) until it answers.
    public func startJoining(_ nodes: [ClusterNode], in cluster: ClusterContext) async throws {
        var joining: [String: [String]] = [:]
        for node in nodes { joining[node.name] = try arguments(for: node, in: cluster) + ["--join", "true"] }
        let arguments = joining
        _ = try await NodeTasks.run("raftkv start to join", on: nodes) { node in
            let data = try layout(for: node).dataDirectory
            try await daemon(for: node).stopAndWipe(on: node, data: data, removing: [data], grace: options.timings.stopGrace,
                                                    remount: cluster.diskLayer)
            try await startServer(node, arguments: arguments[node.name] ?? [], freshLog: false)
            _ = try await waitUntilAnswering(node)
        }
    }

    /// `POST /admin/add` with `{"servers":[…]}`: every node in one change.
    public func add(_ nodes: [ClusterNode], via member: ClusterNode, within limit: Duration, in cluster: ClusterContext) async
        -> (committed: Bool, detail: String)
    {
        let servers = nodes.map(serverJSON).joined(separator: ",")
        do {
            try await change("/admin/add", #"{"servers":[\#(servers)]}"#, via: member, limit: limit)
            return (true, "committed")
        } catch {
            return (false, "\(error)")
        }
    }
}
