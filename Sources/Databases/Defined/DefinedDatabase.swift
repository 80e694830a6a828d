import Cluster
import Foundation
import RemoteCore

/// A database driven by its definition (`DatabaseDefinition`): one member per node, started as
/// a `RemoteDaemon` with the definition's arguments, environment and files, probed with its
/// `ready` and `leader` queries on each node's own host. Kill, restart on the same data, pause,
/// partitions and packet faults are Faultline's generic ones; nothing here knows the system.
public struct DefinedDatabase: Database, ClientEndpoints, LogFiles, ProbedMembers, DataDirectories {
    public let definition: DatabaseDefinition
    public let timings: DaemonTimings

    public init(definition: DatabaseDefinition, timings: DaemonTimings = DaemonTimings()) {
        self.definition = definition
        var timings = timings
        if let grace = definition.stopGrace { timings.stopGrace = grace }
        if let ready = definition.readyTimeout { timings.readyTimeout = ready }
        self.timings = timings
    }

    public var name: String { definition.name }
    public var readyTimeout: Duration { timings.readyTimeout }
    public var pollInterval: Duration { timings.pollInterval }

    public func layout(for node: ClusterNode) throws -> DefinedNodeLayout {
        try DefinedNodeLayout(baseDirectory: node.baseDirectory, name: definition.name)
    }

    /// The program on `node`'s host.
    public func binary(on node: ClusterNode) throws -> String {
        switch definition.binary {
        case .onHost(let path): return path
        case .upload(let local): return try layout(for: node).uploadedBinary(named: (local as NSString).lastPathComponent)
        }
    }

    /// Checks what can be checked on the controller (an uploaded binary, the adapter), stops and
    /// wipes what an earlier set-up left, mounts the disk layer (if the run has one) over each
    /// node's `{{data}}`, installs the binary, writes the files, starts the first node's member and
    /// then the others', and returns once every member answers and a majority agrees on one leader.
    /// A member that does not start fails naming its node, with its log.
    public func setUp(_ cluster: ClusterContext) async throws {
        if case .upload(let local) = definition.binary, !FileManager.default.isExecutableFile(atPath: local) {
            throw ClusterError.invalidConfiguration("\(definition.file): binary \(local) is missing or not executable")
        }
        let renderings = try Dictionary(uniqueKeysWithValues: cluster.nodes.map { ($0.name, try rendering(for: $0, in: cluster)) })
        _ = try await NodeTasks.run("\(name) set-up", on: cluster.nodes) { node in
            let r = renderings[node.name]!
            try await daemon(for: node).stopAndWipe(on: node, data: r.layout.dataDirectory, removing: r.wiped, grace: timings.stopGrace,
                                                    remount: cluster.diskLayer)
            if case .upload(let local) = definition.binary {
                try await BinaryUpload(localPath: local, remotePath: r.binary).install(on: node.remote, timeout: timings.commandTimeout)
            }
            try await writeFiles(r, on: node)
        }
        // The first member first: systems whose first member bootstraps and the others join it.
        let first = Array(cluster.nodes.prefix(1)), others = Array(cluster.nodes.dropFirst())
        for group in [first, others] where !group.isEmpty {
            _ = try await NodeTasks.run("\(name) set-up", on: group) { node in
                try await startMember(node, renderings[node.name]!, freshLog: true)
            }
        }
        _ = try await waitForLeader(cluster)
    }

    /// Stops every member (SIGCONT, SIGTERM, SIGKILL after the grace), unmounts a disk layer over
    /// its data and removes its data and the definition's `wipe` paths; keeps the logs. Succeeds
    /// where nothing runs.
    public func tearDown(_ cluster: ClusterContext) async throws {
        _ = try await NodeTasks.run("\(name) tear-down", on: cluster.nodes) { node in
            let r = try rendering(for: node, in: cluster)
            try await daemon(for: node).stopAndWipe(on: node, data: r.layout.dataDirectory, removing: r.wiped, grace: timings.stopGrace)
        }
    }

    /// `{{data}}`: what the disk layer is mounted over and `corrupt-file` damages.
    public func dataDirectory(for node: ClusterNode) throws -> String { try layout(for: node).dataDirectory }

    public func clientURL(for node: ClusterNode) -> String {
        (try? rendering(for: node, in: nil)).map { definition.client.address.render($0.values) } ?? node.address
    }

    public func logFiles(_ node: ClusterNode) -> [String] {
        guard let r = try? rendering(for: node, in: nil) else { return [] }
        return [r.layout.logFile] + r.logs
    }

    /// The member process of `node`, recognised by the first argument that names the node's
    /// folder (the definition is refused without one).
    public func daemon(for node: ClusterNode) throws -> RemoteDaemon {
        try daemon(for: node, rendering: rendering(for: node, in: nil))
    }

    func daemon(for node: ClusterNode, rendering r: DefinitionRendering) throws -> RemoteDaemon {
        let layout = try layout(for: node)
        var environment = r.environment
        if definition.clock?.faketime == true {
            environment.merge(FakedClock.environment(offsetFile: layout.fakeTimeFile)) { _, faked in faked }
        }
        return RemoteDaemon(binary: r.binary, marker: r.marker, pidFile: layout.pidFile, logFile: layout.logFile,
                            directories: [layout.directory, layout.dataDirectory], environment: environment,
                            commandTimeout: timings.commandTimeout)
    }

    /// Everything rendered for `node`. `cluster` is needed for peer lists; without it (a single
    /// node's daemon) they render empty, which the marker and paths never use.
    func rendering(for node: ClusterNode, in cluster: ClusterContext?) throws -> DefinitionRendering {
        try DefinitionRendering(definition, node: node, cluster: cluster, layout: layout(for: node), binary: binary(on: node))
    }

    func writeFiles(_ r: DefinitionRendering, on node: ClusterNode) async throws {
        for (path, content) in r.files {
            let script = "mkdir -p \(ShellQuote.quote((path as NSString).deletingLastPathComponent)) && cat > \(ShellQuote.quote(path))"
            let result = try await node.remote.exec(ExecRequest(script, timeout: timings.commandTimeout, input: .bytes(Array(content.utf8))))
            guard result.status.isSuccess else {
                throw NodeFailure(node: node.name, reason: "cannot write \(path): \(result.stderrText.trimmingWhitespace)")
            }
        }
    }

    /// Starts `node`'s member (its faked clock, if any, reset to no offset).
    func startMember(_ node: ClusterNode, _ r: DefinitionRendering, freshLog: Bool) async throws {
        let layout = try layout(for: node)
        if definition.clock?.faketime == true {
            _ = try await node.remote.exec("mkdir -p \(ShellQuote.quote(layout.directory)) && echo +0 > \(ShellQuote.quote(layout.fakeTimeFile))",
                                           timeout: timings.commandTimeout)
        }
        try await daemon(for: node, rendering: r).start(r.arguments, on: node.remote, freshLog: freshLog)
    }
}

extension DefinedDatabase: BinaryLocated {
    public func binaryPath(on node: ClusterNode) -> String { (try? binary(on: node)) ?? "" }
}
