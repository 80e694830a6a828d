import RemoteCore

extension RemoteDaemon {
    /// Stops the daemon on `node` and removes its data, the one way every database empties a
    /// node: a disk layer mounted over `data` is unmounted first (lazily: the daemon may still
    /// hold files open), then the daemon is stopped (SIGCONT, SIGTERM, SIGKILL after `grace`) and
    /// `removing` deleted. With `remount`, that layer is then mounted over the emptied `data`, as
    /// a set-up or a member joining again needs. Succeeds where nothing runs or is mounted.
    public func stopAndWipe(on node: ClusterNode, data: String, removing: [String], grace: Duration,
                            remount layer: LazyFS? = nil) async throws {
        try await LazyFS.unmount(data, on: node, timeout: commandTimeout)
        try await stop(on: node.remote, grace: grace, removing: removing)
        try await layer?.mount(over: data, on: node)
    }
}
