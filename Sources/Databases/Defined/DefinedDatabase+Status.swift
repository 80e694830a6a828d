import Cluster
import Foundation
import RemoteCore
import Workload

/// What one member's `leader` query answered: the value found where the definition says.
public struct DefinedStatus: Sendable, Equatable, CustomStringConvertible {
    /// The value (a leader's name, address, `address:port`, URL, or an is-leader flag); nil when
    /// the answer held none (no leader seen).
    public var value: String?

    public var description: String { value.map { "leader value `\($0)`" } ?? "sees no leader" }
}

extension DefinedDatabase: LeaderAware, Killable, Pausable, Versioned {
    /// The node a majority of the cluster names as leader (`means: leader`), or the one member
    /// that says it leads while a majority answers and no other says so (`means: is-leader`).
    public func leader(_ cluster: ClusterContext) async throws -> String? {
        agreedLeader(await probes(cluster), in: cluster)
    }

    public func agreedLeader(_ probes: [String: DaemonProbe<DefinedStatus>], in cluster: ClusterContext) -> String? {
        let answered = cluster.nodes.compactMap { node in probes[node.name]?.status.map { (node, $0) } }
        switch definition.leader.meaning {
        case .leader:
            return LeaderAgreement.agreed(answered.map { Self.node(named: $0.1.value, in: cluster) }, clusterSize: cluster.nodes.count)
        case .isLeader:
            guard answered.count * 2 > cluster.nodes.count else { return nil }
            let claiming = answered.filter { Self.isTrue($0.1.value) }
            return claiming.count == 1 ? claiming[0].0.name : nil
        }
    }

    /// Runs the `ready` query (if any) and then the `leader` query on `node`'s own host.
    public func probe(_ node: ClusterNode) async -> DaemonProbe<DefinedStatus> {
        guard let r = try? rendering(for: node, in: nil), let daemon = try? daemon(for: node, rendering: r) else {
            return .unreachable(reason: "unusable base directory")
        }
        let leader = shell(definition.leader.query, r.values)
        let request = definition.ready.map { "{ \(shell($0, r.values)) ; } >/dev/null && \(leader)" } ?? leader
        let extraction = definition.leader.extraction
        return await daemon.probe(request, on: node.remote) { DefinedStatus(value: try Self.extract(extraction, from: $0)) }
    }

    /// The shell command asking `query`, bounded by `limit` (default: the status timeout).
    func shell(_ query: DatabaseDefinition.Query, _ values: [String: String], within limit: Duration? = nil) -> String {
        let seconds = String(format: "%.3f", (limit ?? timings.statusTimeout) / .seconds(1))
        switch query {
        case .command(let t): return "timeout \(seconds) sh -c \(ShellQuote.quote(t.render(values))) 2>/dev/null"
        case .http(let t): return ShellQuote.join(["curl", "-sS", "-f", "--max-time", seconds, t.render(values)])
        }
    }

    /// The value `extraction` finds in `answer`; nil when there is none. Throws for an answer
    /// that is not the JSON a pointer needs.
    static func extract(_ extraction: DatabaseDefinition.Extraction, from answer: String) throws -> String? {
        let text = answer.trimmingCharacters(in: .whitespacesAndNewlines)
        switch extraction {
        case .whole:
            return text.isEmpty ? nil : text
        case .pattern(let pattern):
            let regex = try NSRegularExpression(pattern: pattern)
            guard let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) else { return nil }
            let group = match.numberOfRanges > 1 ? match.range(at: 1) : match.range
            return Range(group, in: text).map { String(text[$0]) }
        case .jsonPointer(let pointer):
            var value = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
            for token in pointer.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
                let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
                if let object = value as? [String: Any], let next = object[key] {
                    value = next
                } else if let array = value as? [Any], let i = Int(key), array.indices.contains(i) {
                    value = array[i]
                } else {
                    return nil
                }
            }
            switch value {
            case is NSNull: return nil
            case let s as String: return s.isEmpty ? nil : s
            case let n as NSNumber:
                return JSONNumberKind(n) == .boolean ? (n.boolValue ? "true" : "false") : n.stringValue
            default: return nil
            }
        }
    }

    /// The node `value` names: by name, address, `address:port`, or a URL of either.
    static func node(named value: String?, in cluster: ClusterContext) -> String? {
        guard var v = value?.lowercased() else { return nil }
        if let scheme = v.range(of: "://") { v = String(v[scheme.upperBound...]) }
        if let slash = v.firstIndex(of: "/") { v = String(v[..<slash]) }
        let host = v.split(separator: ":").dropLast(v.contains(":") ? 1 : 0).joined(separator: ":")
        return cluster.nodes.first { $0.name.lowercased() == v || $0.address.lowercased() == v || $0.address.lowercased() == host }?.name
    }

    static func isTrue(_ value: String?) -> Bool {
        ["true", "yes", "1", "leader"].contains(value?.lowercased() ?? "")
    }

    public func kill(_ node: ClusterNode, in cluster: ClusterContext) async throws {
        _ = try await NodeTasks.run("\(name) kill", on: [node]) { node in try await daemon(for: node).kill(on: node.remote) }
    }

    /// Starts the member again on its data (its log appended) and returns once it answers.
    public func start(_ node: ClusterNode, in cluster: ClusterContext) async throws {
        let r = try rendering(for: node, in: cluster)
        _ = try await NodeTasks.run("\(name) start", on: [node]) { node in
            try await startMember(node, r, freshLog: false)
            _ = try await waitUntilAnswering(node)
        }
    }

    public func pause(_ node: ClusterNode, in cluster: ClusterContext) async throws {
        _ = try await NodeTasks.run("\(name) pause", on: [node]) { node in try await daemon(for: node).pause(on: node.remote) }
    }

    public func resume(_ node: ClusterNode, in cluster: ClusterContext) async throws {
        _ = try await NodeTasks.run("\(name) resume", on: [node]) { node in try await daemon(for: node).resume(on: node.remote) }
    }

    /// What the `version` command prints on each node (its pattern's first group, else the
    /// first line); `unknown` without a version command.
    public func versions(_ cluster: ClusterContext) async throws -> [String: String] {
        try await NodeTasks.run("\(name) version check", on: cluster.nodes) { node in
            guard let command = definition.versionCommand else { return "unknown" }
            let r = try rendering(for: node, in: cluster)
            let output = try await daemon(for: node, rendering: r).run("version check", command.render(r.values), on: node.remote)
            let found = try definition.versionPattern.map { try Self.extract(.pattern($0), from: output) }
                ?? output.split(separator: "\n").first.map { String($0).trimmingWhitespace }
            guard let version = found, !version.isEmpty else {
                throw NodeFailure(node: node.name, reason: "`\(command.render(r.values))` names no version: \(output.prefix(200))")
            }
            return version
        }
    }
}
