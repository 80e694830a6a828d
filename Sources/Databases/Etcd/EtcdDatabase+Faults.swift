import Cluster

/// Kill/start and pause/resume of one member, by its recorded pid (see `RemoteDaemon`).
extension EtcdDatabase: Killable, Pausable {
    /// SIGKILL to the node's member; returns once the process is gone (absent, or a zombie in
    /// `/proc/PID/stat`). Succeeds when the member is not running.
    public func kill(_ node: ClusterNode, in cluster: ClusterContext) async throws {
        _ = try await NodeTasks.run("etcd kill", on: [node]) { node in
            try await daemon(for: node).kill(on: node.remote)
        }
    }

    /// Starts the node's member again on its data directory (`--initial-cluster-state=existing`,
    /// log appended) unless it runs, and returns once it answers its status endpoint (within
    /// `options.timings.readyTimeout`). Whether it has a leader is not waited for: with a majority down
    /// there is none.
    public func start(_ node: ClusterNode, in cluster: ClusterContext) async throws {
        let arguments = try arguments(for: node, in: cluster, state: .existing)
        _ = try await NodeTasks.run("etcd start", on: [node]) { node in
            try await daemon(for: node).start(arguments, on: node.remote, freshLog: false)
            _ = try await waitUntilAnswering(node)
        }
    }

    /// SIGSTOP to the node's member; returns once `/proc/PID/stat` shows state `T`. Throws when
    /// the member is not running (the fault could not take effect).
    public func pause(_ node: ClusterNode, in cluster: ClusterContext) async throws {
        _ = try await NodeTasks.run("etcd pause", on: [node]) { node in
            try await daemon(for: node).pause(on: node.remote)
        }
    }

    /// SIGCONT to the node's member; returns once it has left state `T`. Succeeds when it is not
    /// running, so healing after a crash can resume every node blindly.
    public func resume(_ node: ClusterNode, in cluster: ClusterContext) async throws {
        _ = try await NodeTasks.run("etcd resume", on: [node]) { node in
            try await daemon(for: node).resume(on: node.remote)
        }
    }
}
