import Cluster

/// The disk layer's mounts (`LazyFS`) a crashed run left under a node's base directory: unmounted
/// (lazily, so a database process still holding files there cannot block it). Found by looking,
/// not from the journal. The lab's hosts share one mount table, so each node sweeps only under
/// its own base directory.
struct DiskLayerSweep: HealStep {
    var stage: HealStage { .storage }

    func heal(_ node: ClusterNode, _ context: HealContext, into report: inout HealReport.Host) async {
        await report.attempt("disk layer mounts") {
            let mounts = try await node.root(LazyFS.mountsCommand(under: node.baseDirectory)).split(separator: "\n").map(String.init)
            guard !mounts.isEmpty else { return nil }
            for directory in mounts { _ = try await node.root(LazyFS.unmountCommand(directory)) }
            return "disk layer unmounted from \(mounts.joined(separator: ", "))"
        }
    }
}
