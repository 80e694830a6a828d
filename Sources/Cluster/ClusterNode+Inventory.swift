import Control
import RemoteCore

extension ClusterNode {
    /// The node for an inventory host: its name, its address, its base directory, reached
    /// through `remote` (normally `host.remote()`, made once per host and shared).
    public init(host: InventoryHost, remote: any Remote) {
        self.init(name: host.name, address: host.ssh.address, remote: remote, baseDirectory: host.baseDirectory)
    }
}

extension ClusterContext {
    /// One node per host of `inventory`, in its order, each with a new SSH remote of its own
    /// (`InventoryHost.remote()`; its session opens on first use and closes when the last
    /// reference goes, or by `SSHRemote.close()`).
    public init(inventory: Inventory, parameters: [String: String] = [:]) {
        self.init(nodes: inventory.hosts.map { ClusterNode(host: $0, remote: $0.remote()) }, parameters: parameters)
    }
}
