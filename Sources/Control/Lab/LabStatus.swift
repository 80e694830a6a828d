import Foundation

/// What of a lab exists, host by host.
public struct LabStatus: Sendable, CustomStringConvertible {
    public struct Host: Sendable {
        public var name: String
        public var address: String
        public var namespace: Bool
        public var link: Bool
        /// The pid of the host's sshd, when it runs.
        public var sshdPid: Int32?
        /// Whether sshd accepted a TCP connection just now.
        public var answers: Bool
        public var healthy: Bool { namespace && link && sshdPid != nil && answers }
    }

    /// The configuration recorded by `lab up`, or nil when there is no lab.
    public var config: LabConfig?
    public var bridge: Bool
    public var hosts: [Host]
    public var inventory: String?

    /// True when every part of a recorded lab is there and every sshd answers.
    public var healthy: Bool { config != nil && bridge && inventory != nil && hosts.allSatisfy(\.healthy) }

    public var description: String {
        guard let config else { return "no lab" }
        var lines = ["lab \(config.prefix): subnet \(config.subnet), \(config.nodes) hosts, folder \(config.directory)",
                     "bridge \(config.bridge): \(bridge ? "up" : "missing")"]
        for host in hosts {
            let sshd = host.sshdPid.map { "sshd pid \($0)" } ?? "sshd not running"
            lines.append("\(host.name) \(host.address): netns \(host.namespace ? "ok" : "missing"), "
                         + "link \(host.link ? "ok" : "missing"), \(sshd), \(host.answers ? "answers on :22" : "no answer on :22")")
        }
        lines.append("inventory: \(inventory ?? "missing")")
        lines.append(healthy ? "healthy" : "NOT healthy (run `faultline lab up` to rebuild, `faultline lab down` to remove)")
        return lines.joined(separator: "\n")
    }
}

extension Lab {
    /// Looks at the recorded lab (if any): namespaces, links, sshd processes, whether sshd answers.
    public func status() async throws -> LabStatus {
        guard let state = LabFiles(config: config).readState() else {
            return LabStatus(config: nil, bridge: false, hosts: [], inventory: nil)
        }
        let lab = state.config
        let shell = LabShell()
        let namespaces = try await shell.namespaces()
        let links = try await shell.links()
        var hosts: [LabStatus.Host] = []
        for node in lab.allNodes {
            let pid = LabProcesses.livePid(pidFile: node.pidFile, marker: node.sshdConfig)
            let address = node.address
            var answers = false
            if pid != nil {
                answers = (try? await onOwnThread(name: "faultline-lab-probe") {
                    let fd = try TCPConnect.connect(host: address, port: 22, timeout: .milliseconds(300), label: address)
                    close(fd)
                    return true
                }) == true
            }
            hosts.append(.init(name: node.name, address: node.address, namespace: namespaces.contains(node.namespace),
                               link: links[node.veth] == lab.linkAlias, sshdPid: pid, answers: answers))
        }
        let inventory = FileManager.default.fileExists(atPath: lab.inventoryPath) ? lab.inventoryPath : nil
        return LabStatus(config: lab, bridge: links[lab.bridge] == lab.linkAlias, hosts: hosts, inventory: inventory)
    }
}
