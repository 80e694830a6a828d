import Foundation
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
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw InventoryError(file: file, line: 1, message: "the inventory is empty; expected a mapping with a `hosts` list")
            }
            root = node
        } catch let error as YamlError {
            throw syntaxError(error)
        }
        let top = try mapping(root, "the inventory (a mapping with `hosts` and optional `defaults`)")
        try rejectUnknown(root, allowed: ["hosts", "defaults"], in: "the inventory")
        let defaults = try top["defaults"].map { try mapping($0, "`defaults` as a mapping of host fields") } ?? [:]
        if let node = top["defaults"] {
            try rejectUnknown(node, allowed: Self.hostFields.subtracting(["name", "address"]), in: "`defaults`")
        }
        guard let hostsNode = top["hosts"] else {
            throw error(root, "expected a `hosts` list")
        }
        guard let list = hostsNode.sequence, !list.isEmpty else {
            throw error(hostsNode, "expected `hosts` to be a non-empty list of hosts")
        }
        var hosts: [InventoryHost] = []
        var seen: [String: Int] = [:]
        for item in list {
            let host = try parseHost(item, defaults: defaults)
            if let first = seen[host.name] {
                throw error(item, "duplicate host name `\(host.name)` (first defined on line \(first))")
            }
            seen[host.name] = host.line
            hosts.append(host)
        }
        return Inventory(hosts: hosts, source: file)
    }

    private typealias Fields = [String: Node]

    private func parseHost(_ node: Node, defaults: Fields) throws -> InventoryHost {
        let own = try mapping(node, "a host: a mapping with at least `name` and `address`")
        try rejectUnknown(node, allowed: Self.hostFields, in: "a host")
        let fields = defaults.merging(own) { _, host in host }
        let name = try string(own["name"], in: node, "`name`: the host's name")
        guard name.range(of: #"^[A-Za-z0-9][A-Za-z0-9._-]*$"#, options: .regularExpression) != nil else {
            throw error(own["name"]!, "expected `name` made of letters, digits, '.', '_' or '-', got `\(name)`")
        }
        let address = try string(own["address"], in: node, "`address`: a host name or IP address")
        let key = try fields["key"].map { try path(string($0, in: node, "`key`: a private key file")) }
        let knownHosts = try fields["known_hosts"].map { try path(string($0, in: node, "`known_hosts`: a file")) }
            ?? path("~/.ssh/known_hosts")
        let ssh = SSHHostConfig(
            name: name, address: address,
            port: try integer(fields["port"], in: node, "`port`: a TCP port 1-65535", range: 1...65535) ?? 22,
            user: try fields["user"].map { try string($0, in: node, "`user`: a login name") } ?? "root",
            identity: key.map { .keyFile($0) } ?? .agent(socket: nil),
            knownHostsFile: knownHosts,
            hostKeyPolicy: try policy(fields["host_key_policy"]) ?? .strict,
            sudo: try boolean(fields["sudo"], "`sudo`: true or false") ?? false,
            connectTimeout: try duration(fields["connect_timeout"], "`connect_timeout`") ?? .seconds(5),
            keepaliveSeconds: Int(try duration(fields["keepalive"], "`keepalive`")?.components.seconds ?? 15),
            maxChannels: try integer(fields["max_channels"], in: node, "`max_channels`: 1-64", range: 1...64) ?? 8)
        let base = try fields["base_dir"].map { try string($0, in: node, "`base_dir`: an absolute path") } ?? "/var/lib/faultline"
        guard base.hasPrefix("/") else {
            throw error(fields["base_dir"]!, "expected `base_dir` to be an absolute path on the host, got `\(base)`")
        }
        return InventoryHost(ssh: ssh, baseDirectory: base, line: node.mark?.line ?? 0)
    }

    // MARK: field readers

    private func mapping(_ node: Node, _ expected: String) throws -> Fields {
        guard let mapping = node.mapping else { throw error(node, "expected \(expected)") }
        var fields: Fields = [:]
        for (key, value) in mapping {
            guard let name = key.scalar?.string else { throw error(key, "expected a field name") }
            if fields[name] != nil { throw error(key, "field `\(name)` is given twice") }
            fields[name] = value
        }
        return fields
    }

    /// Throws for the first key of mapping `node` that is not in `allowed`, at the key's line.
    private func rejectUnknown(_ node: Node, allowed: Set<String>, in place: String) throws {
        for (key, _) in node.mapping ?? [:] {
            guard let name = key.scalar?.string, !allowed.contains(name) else { continue }
            throw error(key, "unknown field `\(name)` in \(place); expected one of \(allowed.sorted().joined(separator: ", "))")
        }
    }

    private func string(_ node: Node?, in parent: Node, _ expected: String) throws -> String {
        guard let node else { throw error(parent, "missing \(expected)") }
        guard let value = node.scalar?.string, !value.isEmpty else { throw error(node, "expected \(expected)") }
        return value
    }

    private func integer(_ node: Node?, in parent: Node, _ expected: String, range: ClosedRange<Int>) throws -> Int? {
        guard let node else { return nil }
        guard let value = node.scalar.flatMap({ Int($0.string) }), range.contains(value) else {
            throw error(node, "expected \(expected), got `\(node.scalar?.string ?? "a non-scalar")`")
        }
        return value
    }

    private func boolean(_ node: Node?, _ expected: String) throws -> Bool? {
        guard let node else { return nil }
        switch node.scalar?.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error(node, "expected \(expected), got `\(node.scalar?.string ?? "a non-scalar")`")
        }
    }

    private func policy(_ node: Node?) throws -> HostKeyPolicy? {
        guard let node else { return nil }
        guard let policy = node.scalar.flatMap({ HostKeyPolicy(rawValue: $0.string) }) else {
            throw error(node, "expected `host_key_policy` to be strict or accept-new, got `\(node.scalar?.string ?? "a non-scalar")`")
        }
        return policy
    }

    private func duration(_ node: Node?, _ field: String) throws -> Duration? {
        guard let node else { return nil }
        guard let value = node.scalar.flatMap({ DurationText.parse($0.string) }), value > .zero else {
            throw error(node, "expected \(field) to be a duration such as 500ms, 5s or 1m, got `\(node.scalar?.string ?? "a non-scalar")`")
        }
        return value
    }

    private func path(_ value: String) throws -> String {
        if value.hasPrefix("~/") {
            let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
            return home + value.dropFirst(1)
        }
        if value.hasPrefix("/") { return value }
        return (directory as NSString).appendingPathComponent(value)
    }

    // MARK: errors

    private func error(_ node: Node, _ message: String) -> InventoryError {
        InventoryError(file: file, line: node.mark?.line, message: message)
    }

    private func syntaxError(_ error: YamlError) -> InventoryError {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            // The context ("while scanning a quoted scalar") points where the trouble began.
            guard let context else {
                return InventoryError(file: file, line: mark.line, message: "not valid YAML: \(problem)")
            }
            return InventoryError(file: file, line: context.mark.line,
                                  message: "not valid YAML: \(problem) \(context.text) (from line \(context.mark.line) to \(mark.line))")
        default:
            return InventoryError(file: file, line: nil, message: "not valid YAML: \(error)")
        }
    }
}

/// Durations written as text: "250ms", "5s", "2m", "1h", or a plain number of seconds.
public enum DurationText {
    public static func parse(_ text: String) -> Duration? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        for (suffix, scale) in units where trimmed.hasSuffix(suffix) {
            guard let number = Double(trimmed.dropLast(suffix.count)), number >= 0 else { return nil }
            return .milliseconds(Int64((number * scale * 1000).rounded()))
        }
        guard let seconds = Double(trimmed), seconds >= 0 else { return nil }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }
}
