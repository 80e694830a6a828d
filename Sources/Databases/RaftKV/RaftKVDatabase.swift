import Cluster
import Foundation
import RemoteCore

/// raftkv, Faultline's own Raft key-value server (the `raftkv` executable of this package), as
/// the database under test: uploaded to every node over its `Remote`, one server per node.
///
/// Per node, under `<base directory>/raftkv` (`RaftKVNodeLayout`): the binary, the data
/// directory, the log and the pid file. One port (`options.port`, default 7379) on the node's own
/// address serves peers and clients. The server runs under libfaketime when the host has it, with
/// an offset file left at `+0` except during a clock fault (`ClockFaking`), so clock faults work on
/// hosts that share the controller's clock (the lab) without touching the real clock.
///
/// Status, readiness and leader discovery run `curl` on each node's own host (as for etcd).
public struct RaftKVDatabase: Database, ClientEndpoints, LogFiles, ProbedMembers, DataDirectories {
    public struct Options: Sendable, Equatable {
        /// The server binary on the controller, uploaded at set-up. Default: `FAULTLINE_RAFTKV`, or
        /// `raftkv` beside the running executable.
        public var localBinary: String
        public var port: Int
        /// libfaketime on the hosts; not used where it is missing.
        public var fakeTimeLibrary: String
        public var timings: DaemonTimings

        public init(localBinary: String = RaftKVDatabase.defaultLocalBinary(), port: Int = 7379,
                    fakeTimeLibrary: String = FakedClock.defaultLibrary,
                    timings: DaemonTimings = DaemonTimings()) {
            self.localBinary = localBinary
            self.port = port
            self.fakeTimeLibrary = fakeTimeLibrary
            self.timings = timings
        }
    }

    public let options: Options

    public init(options: Options = Options()) {
        self.options = options
    }

    public var name: String { "raftkv" }
    public var readyTimeout: Duration { options.timings.readyTimeout }
    public var pollInterval: Duration { options.timings.pollInterval }

    /// `FAULTLINE_RAFTKV` if set, else `raftkv` in the directory of the running executable (the
    /// build folder holding `faultline` and the test bundle).
    public static func defaultLocalBinary() -> String {
        BuiltBinary.path("raftkv", environment: "FAULTLINE_RAFTKV")
    }

    /// Uploads the binary, stops and wipes whatever an earlier set-up left (a disk layer mounted
    /// over the data directory included), mounts the cluster's disk layer over the data directory
    /// when it has one, starts every server on an empty data directory with an emptied log and a `+0` clock offset, and returns once all
    /// answer and agree on one leader (within `options.timings.readyTimeout`).
    public func setUp(_ cluster: ClusterContext) async throws {
        guard FileManager.default.isExecutableFile(atPath: options.localBinary) else {
            throw ClusterError.invalidConfiguration("raftkv binary \(options.localBinary) is missing or not executable "
                + "(build it with `swift build --product raftkv`, or set FAULTLINE_RAFTKV)")
        }
        let commandLines = try Dictionary(uniqueKeysWithValues: cluster.nodes.map {
            ($0.name, try arguments(for: $0, in: cluster))
        })
        _ = try await NodeTasks.run("raftkv set-up", on: cluster.nodes) { node in
            let data = try layout(for: node).dataDirectory
            try await daemon(for: node).stopAndWipe(on: node, data: data, removing: [data], grace: options.timings.stopGrace,
                                                    remount: cluster.diskLayer)
            try await install(on: node)
        }
        _ = try await NodeTasks.run("raftkv set-up", on: cluster.nodes) { node in
            try await startServer(node, arguments: commandLines[node.name]!, freshLog: true)
        }
        _ = try await waitForLeader(cluster)
    }

    /// Stops every server (SIGCONT, SIGTERM, SIGKILL after `options.timings.stopGrace`), unmounts a
    /// disk layer over its data, removes its data; keeps the log and binary. Succeeds where nothing runs.
    public func tearDown(_ cluster: ClusterContext) async throws {
        _ = try await NodeTasks.run("raftkv tear-down", on: cluster.nodes) { node in
            let data = try layout(for: node).dataDirectory
            try await daemon(for: node).stopAndWipe(on: node, data: data, removing: [data], grace: options.timings.stopGrace)
        }
    }

    public func clientURL(for node: ClusterNode) -> String { "http://\(node.address):\(options.port)" }

    public func logFiles(_ node: ClusterNode) -> [String] {
        (try? layout(for: node)).map { [$0.logFile] } ?? []
    }

    public func dataDirectory(for node: ClusterNode) throws -> String { try layout(for: node).dataDirectory }

    public func layout(for node: ClusterNode) throws -> RaftKVNodeLayout {
        try RaftKVNodeLayout(baseDirectory: node.baseDirectory)
    }

    /// The server process of `node`, recognised by its `--data-dir` argument.
    public func daemon(for node: ClusterNode) throws -> RemoteDaemon {
        let layout = try layout(for: node)
        return RemoteDaemon(binary: layout.binary, marker: layout.dataDirectory, pidFile: layout.pidFile,
                            logFile: layout.logFile, directories: [layout.directory],
                            environment: fakeTimeEnvironment(layout), commandTimeout: options.timings.commandTimeout)
    }

    /// The command line (without the binary) of `node`'s server.
    public func arguments(for node: ClusterNode, in cluster: ClusterContext) throws -> [String] {
        try RaftKVFlags.arguments(for: node, in: cluster, layout: layout(for: node), port: options.port)
    }

    /// libfaketime's settings (`FakedClock`), with the layout's offset file.
    func fakeTimeEnvironment(_ layout: RaftKVNodeLayout) -> [String: String] {
        FakedClock.environment(offsetFile: layout.fakeTimeFile, library: options.fakeTimeLibrary)
    }

    /// Starts `node`'s server with its clock offset reset to `+0`.
    func startServer(_ node: ClusterNode, arguments: [String], freshLog: Bool) async throws {
        let layout = try layout(for: node)
        _ = try await node.remote.exec("mkdir -p \(ShellQuote.quote(layout.directory)) && echo +0 > \(ShellQuote.quote(layout.fakeTimeFile))",
                                       timeout: options.timings.commandTimeout)
        try await daemon(for: node).start(arguments, on: node.remote, freshLog: freshLog)
    }
}

extension RaftKVDatabase: BinaryLocated {
    /// The binary installed in the node's own directory (empty when the node's base directory is
    /// unusable: the manifest then records the failed hash).
    public func binaryPath(on node: ClusterNode) -> String { (try? layout(for: node).binary) ?? "" }
}
