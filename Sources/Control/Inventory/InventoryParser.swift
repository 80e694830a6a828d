import Foundation
import SpecFiles
import Yams

/// Reads inventory YAML into `Inventory`, checking every field, with file:line in every error.
struct InventoryParser {
    let text: String
    let file: String
    let directory: String

    private static let hostFields: Set<String> = [
        "name", "address", "port", "user", "key", "known_hosts", "host_key_policy", "sudo", "base_dir",
        "connect_timeout", "keepalive", "max_channels",
    ]

    func parse() throws -> Inventory {
        let root = try yaml.root(text, expected: "a mapping with a `hosts` list")
        let top = try yaml.mapping(root, "the inventory (a mapping with `hosts` and optional `defaults`)")
        try yaml.rejectUnknown(root, allowed: ["hosts", "defaults"], in: "the inventory")
        let defaults = try top["defaults"].map { try yaml.mapping($0, "`defaults` as a mapping of host fields") } ?? [:]
        if let node = top["defaults"] {
            try yaml.rejectUnknown(node, allowed: Self.hostFields.subtracting(["name", "address"]), in: "`defaults`")
        }
        guard let hostsNode = top["hosts"] else {
            throw yaml.error(root, "expected a `hosts` list")
        }
        guard let list = hostsNode.sequence, !list.isEmpty else {
            throw yaml.error(hostsNode, "expected `hosts` to be a non-empty list of hosts")
        }
        var hosts: [InventoryHost] = []
        var seen: [String: Int] = [:], addresses: [String: (name: String, line: Int)] = [:]
        for item in list {
            let host = try parseHost(item, defaults: defaults)
            if let first = seen[host.name] {
                throw yaml.error(item, "duplicate host name `\(host.name)` (first defined on line \(first))")
            }
            // Every database listens on the same ports on each host, and faults aim at addresses
            // (a partition of one would cut off both): two hosts cannot share one.
            if let first = addresses[host.ssh.address] {
                throw yaml.error(item, "host `\(host.name)` has the address \(host.ssh.address) of host `\(first.name)` (line \(first.line)); each host needs its own address")
            }
            seen[host.name] = host.line
            addresses[host.ssh.address] = (host.name, host.line)
            hosts.append(host)
        }
        return Inventory(hosts: hosts, source: file)
    }

    private typealias Fields = YAMLReader.Fields

    private var yaml: YAMLReader { YAMLReader(file: file, directory: directory) }

    private func parseHost(_ node: Node, defaults: Fields) throws -> InventoryHost {
        let own = try yaml.mapping(node, "a host: a mapping with at least `name` and `address`")
        try yaml.rejectUnknown(node, allowed: Self.hostFields, in: "a host")
        let fields = defaults.merging(own) { _, host in host }
        let name = try yaml.string(own["name"], in: node, "`name`: the host's name")
        guard name.range(of: #"^[A-Za-z0-9][A-Za-z0-9._-]*$"#, options: .regularExpression) != nil else {
            throw yaml.error(own["name"]!, "expected `name` made of letters, digits, '.', '_' or '-', got `\(name)`")
        }
        let address = try yaml.string(own["address"], in: node, "`address`: a host name or IP address")
        let key = try fields["key"].map { yaml.path(try yaml.string($0, in: node, "`key`: a private key file")) }
        let knownHosts = try fields["known_hosts"].map { yaml.path(try yaml.string($0, in: node, "`known_hosts`: a file")) }
            ?? yaml.path("~/.ssh/known_hosts")
        let ssh = SSHHostConfig(
            name: name, address: address,
            port: try yaml.integer(fields["port"], in: node, "`port`: a TCP port 1-65535", range: 1...65535) ?? 22,
            user: try fields["user"].map { try yaml.string($0, in: node, "`user`: a login name") } ?? "root",
            identity: key.map { .keyFile($0) } ?? .agent(socket: nil),
            knownHostsFile: knownHosts,
            hostKeyPolicy: try policy(fields["host_key_policy"]) ?? .strict,
            sudo: try yaml.boolean(fields["sudo"], "`sudo`: true or false") ?? false,
            connectTimeout: try yaml.duration(fields["connect_timeout"], "`connect_timeout`") ?? .seconds(5),
            keepaliveSeconds: Int(try yaml.duration(fields["keepalive"], "`keepalive`")?.components.seconds ?? 15),
            maxChannels: try yaml.integer(fields["max_channels"], in: node, "`max_channels`: 1-64", range: 1...64) ?? 8)
        let base = try fields["base_dir"].map { try yaml.string($0, in: node, "`base_dir`: an absolute path") } ?? "/var/lib/faultline"
        guard base.hasPrefix("/") else {
            throw yaml.error(fields["base_dir"]!, "expected `base_dir` to be an absolute path on the host, got `\(base)`")
        }
        return InventoryHost(ssh: ssh, baseDirectory: base, line: node.mark?.line ?? 0)
    }

    private func policy(_ node: Node?) throws -> HostKeyPolicy? {
        guard let node else { return nil }
        guard let policy = node.scalar.flatMap({ HostKeyPolicy(rawValue: $0.string) }) else {
            throw yaml.error(node, "expected `host_key_policy` to be strict or accept-new, got `\(node.scalar?.string ?? "a non-scalar")`")
        }
        return policy
    }
}
