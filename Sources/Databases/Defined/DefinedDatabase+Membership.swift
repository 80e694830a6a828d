import Cluster
import Foundation
import RemoteCore

/// Membership changes through the definition's `membership` commands, run on the host of the
/// member asked (`via`) like its other queries. Without that section the `membership` fault is
/// unavailable (`membershipUnavailable`) and every method throws.
extension DefinedDatabase: MembershipChanging {
    public var membershipUnavailable: String? {
        definition.membership == nil ? "\(definition.file) has no `membership` section: its members cannot be added or removed" : nil
    }

    public func members(via node: ClusterNode, in cluster: ClusterContext) async throws -> [String] {
        let listed = try await memberLines(via: node, in: cluster)
        return cluster.nodes.map(\.name).filter { name in listed.contains { $0.node == name } }
    }

    /// `remove` through `member` unless `members` lists `node` no more, then waits until it does
    /// not, then stops the member and wipes its data (a disk layer over it unmounted first).
    public func shrink(_ node: ClusterNode, via member: ClusterNode, in cluster: ClusterContext) async throws {
        let section = try membershipSection()
        _ = try await NodeTasks.run("\(name) shrink", on: [node]) { node in
            if let line = try await memberLines(via: member, in: cluster).first(where: { $0.node == node.name }) {
                let command = section.remove.render(try changeValues(node, id: line.id, via: member, in: cluster))
                _ = try await daemon(for: member).runRetrying("member remove", command, on: member.remote)
                try await waitForMembers(via: member, in: cluster, "\(node.name) still listed after `remove`") { !$0.contains(node.name) }
            }
            let r = try rendering(for: node, in: cluster)
            try await daemon(for: node, rendering: r).stopAndWipe(on: node, data: r.layout.dataDirectory, removing: r.wiped,
                                                                  grace: timings.stopGrace)
        }
    }

    /// A listed member whose process runs is left as it is; a listed one that does not run is
    /// started with its `joining` arguments on what its data directory holds (an `add` went through
    /// before a crash, or a member was only killed). Otherwise `add` through `member`, a wait until
    /// `members` lists it, and the member started on an empty data directory (the disk layer
    /// mounted again) with its `joining` arguments, its peers the configuration it joins;
    /// returns once it answers.
    public func grow(_ node: ClusterNode, via member: ClusterNode, in cluster: ClusterContext) async throws {
        let section = try membershipSection()
        var listed = try await members(via: member, in: cluster)
        let wipe = !listed.contains(node.name)
        if !wipe, case .running = try await daemon(for: node).state(on: node.remote) { return }
        if wipe {
            let command = section.add.render(try changeValues(node, id: nil, via: member, in: cluster))
            _ = try await daemon(for: member).runRetrying("member add", command, on: member.remote)
            listed = try await waitForMembers(via: member, in: cluster, "\(node.name) not listed after `add`") { $0.contains(node.name) }
        }
        var configuration = cluster
        configuration.nodes = cluster.nodes.filter { listed.contains($0.name) }
        let r = try DefinitionRendering(definition, node: node, cluster: configuration, layout: layout(for: node),
                                        binary: binary(on: node), joining: true)
        _ = try await NodeTasks.run("\(name) grow", on: [node]) { node in
            if wipe {
                try await daemon(for: node, rendering: r).stopAndWipe(on: node, data: r.layout.dataDirectory, removing: r.wiped,
                                                                      grace: timings.stopGrace, remount: cluster.diskLayer)
                try await writeFiles(r, on: node)
            }
            try await startMember(node, r, freshLog: false)
            _ = try await waitUntilAnswering(node)
        }
    }

    /// One line of the `members` answer that matched the pattern: the node it names (nil when
    /// it names none of the cluster's) and its `id` group.
    struct MemberLine: Sendable, Equatable {
        var node: String?
        var id: String?
    }

    /// The lines of `answer` that `pattern` matches, each as the node its `member` group names.
    static func memberLines(_ answer: String, pattern: String, in cluster: ClusterContext) throws -> [MemberLine] {
        let regex = try NSRegularExpression(pattern: pattern)
        return answer.split(whereSeparator: \.isNewline).compactMap { line in
            let text = String(line)
            guard let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) else { return nil }
            func group(_ name: String) -> String? {
                Range(match.range(withName: name), in: text).map { String(text[$0]).trimmingWhitespace }
            }
            return MemberLine(node: node(named: group("member"), in: cluster), id: group("id"))
        }
    }

    private func memberLines(via node: ClusterNode, in cluster: ClusterContext) async throws -> [MemberLine] {
        let section = try membershipSection()
        let r = try rendering(for: node, in: nil)
        let answer = try await daemon(for: node, rendering: r).run("member list", shell(section.members, r.values, within: .seconds(5)),
                                                                   on: node.remote)
        return try Self.memberLines(answer, pattern: section.pattern, in: cluster)
    }

    /// Asks `via` for the members every 200 ms until `done` holds for them (returned), or throws
    /// `failure` after the ready timeout.
    @discardableResult
    private func waitForMembers(via: ClusterNode, in cluster: ClusterContext, _ failure: String,
                                until done: ([String]) -> Bool) async throws -> [String] {
        let deadline = ContinuousClock.now + readyTimeout
        while true {
            let listed = try? await members(via: via, in: cluster)
            if let listed, done(listed) { return listed }
            guard ContinuousClock.now < deadline else {
                throw NodeFailure(node: via.name, reason: failure + (listed.map { ": members \($0.joined(separator: ","))" } ?? ""))
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    /// `via`'s own variables with the node changed as `member.name`, `member.address`, `member.id`.
    private func changeValues(_ node: ClusterNode, id: String?, via: ClusterNode, in cluster: ClusterContext) throws -> [String: String] {
        var values = try rendering(for: via, in: nil).values
        values["member.name"] = node.name
        values["member.address"] = node.address
        values["member.id"] = id ?? ""
        return values
    }

    private func membershipSection() throws -> DatabaseDefinition.MembershipSection {
        guard let section = definition.membership else { throw ClusterError.invalidConfiguration(membershipUnavailable ?? "") }
        return section
    }
}
