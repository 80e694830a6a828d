import Cluster

/// A definition filled in for one node: its variables and everything rendered from them.
struct DefinitionRendering: Sendable {
    let layout: DefinedNodeLayout
    let binary: String
    /// The templates' variables (`name`, `ports.api`, `peers.initial`, …).
    let values: [String: String]
    let arguments: [String]
    /// The first argument given to every node that names the node's folder.
    let marker: String
    let environment: [String: String]
    /// Absolute path and text of each file.
    let files: [(String, String)]
    /// What set-up and tear-down remove: the data directory and the definition's `wipe` paths.
    let wiped: [String]
    /// The definition's further log files.
    let logs: [String]

    /// `cluster` nil: peer lists render empty (a single node's process control needs none).
    /// `joining`: the arguments of a member joining a running cluster (its `joining` groups, no
    /// `first` or `founding` ones), whose peers are `cluster`'s nodes (the configuration it joins).
    init(_ definition: DatabaseDefinition, node: ClusterNode, cluster: ClusterContext?, layout: DefinedNodeLayout,
         binary: String, joining: Bool = false) throws {
        self.layout = layout
        self.binary = binary
        let index = (cluster?.nodes.firstIndex { $0.name == node.name } ?? 0)
        var values = Self.own(node, index: index, nodes: cluster?.nodes.count ?? 0, layout: layout, binary: binary, definition: definition,
                              parameters: cluster?.parameters ?? [:])
        for (name, list) in definition.peers {
            let members: [ClusterNode]
            switch list.of {
            case .all: members = cluster?.nodes ?? []
            case .others: members = (cluster?.nodes ?? []).filter { $0.name != node.name }
            case .first: members = Array((cluster?.nodes ?? []).prefix(1))
            }
            values["peers." + name] = members.map { peer in
                let i = cluster?.nodes.firstIndex { $0.name == peer.name } ?? 0
                let peerLayout = (try? DefinedNodeLayout(baseDirectory: peer.baseDirectory, name: definition.name)) ?? layout
                return list.each.render(Self.own(peer, index: i, nodes: cluster?.nodes.count ?? 0, layout: peerLayout, binary: binary,
                                                 definition: definition, parameters: cluster?.parameters ?? [:]))
            }.joined(separator: list.separator)
        }
        self.values = values
        var arguments: [String] = []
        var marker: String?
        for argument in definition.arguments {
            switch argument {
            case .always(let t):
                let text = t.render(values)
                if marker == nil, t.variables.contains(where: { ["dir", "data", "log"].contains($0) }) { marker = text }
                arguments.append(text)
            case .firstOnly(let group): if index == 0, !joining { arguments += group.map { $0.render(values) } }
            case .othersOnly(let group): if index != 0 || joining { arguments += group.map { $0.render(values) } }
            case .foundingOnly(let group): if !joining { arguments += group.map { $0.render(values) } }
            case .joiningOnly(let group): if joining { arguments += group.map { $0.render(values) } }
            }
        }
        self.arguments = arguments
        self.marker = marker ?? layout.directory
        environment = definition.environment.mapValues { $0.render(values) }
        files = definition.files.map { (Self.path($0.path.render(values), under: layout.directory), $0.content.render(values)) }
        wiped = [layout.dataDirectory] + definition.wipe.map { Self.path($0.render(values), under: layout.directory) }
        logs = definition.logs.map { Self.path($0.render(values), under: layout.directory) }
    }

    /// A node's own variables (no peer lists).
    static func own(_ node: ClusterNode, index: Int, nodes: Int, layout: DefinedNodeLayout, binary: String,
                    definition: DatabaseDefinition, parameters: [String: String]) -> [String: String] {
        var values = ["name": node.name, "address": node.address, "index": String(index + 1), "nodes": String(nodes),
                      "dir": layout.directory, "data": layout.dataDirectory, "log": layout.logFile, "binary": binary]
        for (port, number) in definition.ports { values["ports." + port] = String(number) }
        for (name, value) in definition.parameters { values["parameters." + name] = parameters[name] ?? value }
        return values
    }

    /// A relative path under the node's folder; an absolute one as it is.
    static func path(_ text: String, under directory: String) -> String {
        text.hasPrefix("/") ? text : directory + "/" + text
    }
}
