import Cluster
import RemoteCore

extension RunEnvironment {
    /// The same environment with every node's remote writing to `transcript`: set-up, faults,
    /// heals, tear-down and log collection all go through these remotes.
    func transcribed(by transcript: Transcript) -> RunEnvironment {
        var copy = self
        copy.cluster.nodes = cluster.nodes.map { node in
            var node = node
            node.remote = TranscribingRemote(node.remote, transcript: transcript)
            return node
        }
        return copy
    }
}
