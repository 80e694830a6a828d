import Foundation

/// Where and under which names the local lab lives. Every object the lab makes carries the
/// prefix: bridge `<prefix>-br`, namespaces and veths `<prefix>-n1…`, folder
/// `/tmp/faultline-lab-<prefix>`. Override with `FAULTLINE_LAB_PREFIX`, `FAULTLINE_LAB_SUBNET`,
/// `FAULTLINE_LAB_DIR` (or the CLI's flags) to run a second lab beside the first.
public struct LabConfig: Sendable, Equatable, Codable {
    /// 1–6 lower-case letters or digits, starting with a letter.
    public var prefix: String
    /// A /24 written "10.77.0.0/24": node i gets .i, the bridge (the controller's side) .254.
    public var subnet: String
    /// Number of hosts, 1–200.
    public var nodes: Int
    /// The lab's folder: keys, sshd configs, logs, the hosts' base folders, the inventory.
    public var directory: String

    public static let defaultPrefix = "fl"
    public static let defaultSubnet = "10.77.0.0/24"

    public init(prefix: String = LabConfig.defaultPrefix, subnet: String = LabConfig.defaultSubnet,
                nodes: Int = 5, directory: String? = nil) {
        self.prefix = prefix
        self.subnet = subnet
        self.nodes = nodes
        self.directory = directory ?? "/tmp/faultline-lab-\(prefix)"
    }

    /// The defaults, overridden by `FAULTLINE_LAB_PREFIX`, `FAULTLINE_LAB_SUBNET`, `FAULTLINE_LAB_DIR`.
    public static func fromEnvironment(nodes: Int = 5,
                                       environment: [String: String] = ProcessInfo.processInfo.environment) -> LabConfig {
        LabConfig(prefix: environment["FAULTLINE_LAB_PREFIX"] ?? defaultPrefix,
                  subnet: environment["FAULTLINE_LAB_SUBNET"] ?? defaultSubnet,
                  nodes: nodes, directory: environment["FAULTLINE_LAB_DIR"])
    }

    /// Throws `LabError.badConfig` saying what is wrong.
    public func validate() throws {
        guard prefix.range(of: #"^[a-z][a-z0-9]{0,5}$"#, options: .regularExpression) != nil else {
            throw LabError.badConfig("prefix `\(prefix)`: expected 1-6 lower-case letters or digits, starting with a letter")
        }
        guard (1...200).contains(nodes) else {
            throw LabError.badConfig("--nodes \(nodes): expected 1 to 200")
        }
        guard network != nil else {
            throw LabError.badConfig("subnet `\(subnet)`: expected a /24 such as 10.77.0.0/24")
        }
        guard directory.hasPrefix("/"), directory.count > 1 else {
            throw LabError.badConfig("directory `\(directory)`: expected an absolute path")
        }
    }

    /// The first three octets, "10.77.0", when `subnet` is a valid /24.
    var network: String? {
        let parts = subnet.split(separator: "/")
        guard parts.count == 2, parts[1] == "24" else { return nil }
        let octets = parts[0].split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets.allSatisfy({ UInt8($0) != nil }), octets[3] == "0" else { return nil }
        return octets[0..<3].joined(separator: ".")
    }

    var bridge: String { "\(prefix)-br" }
    /// The controller's address on the lab: the bridge's, `.254` of the subnet.
    public var bridgeAddress: String { "\(network ?? "?").254" }
    /// The alias written on every link the lab makes: how it recognises its own.
    var linkAlias: String { "faultline-lab:\(prefix)" }
    var stateFile: String { directory + "/lab.json" }
    var inventoryPath: String { directory + "/inventory.yml" }
    var clientKey: String { directory + "/id_ed25519" }
    var knownHosts: String { directory + "/known_hosts" }
    var authorizedKeys: String { directory + "/authorized_keys" }

    func node(_ index: Int) -> LabNode { LabNode(index: index, config: self) }
    var allNodes: [LabNode] { (1...nodes).map(node) }
}

/// One host of the lab and the names of its parts.
struct LabNode: Sendable {
    let index: Int
    let config: LabConfig

    var name: String { "n\(index)" }
    var namespace: String { "\(config.prefix)-n\(index)" }
    /// The root-namespace end of the host's veth (the other end is `eth0` inside).
    var veth: String { "\(config.prefix)-n\(index)" }
    var address: String { "\(config.network ?? "?").\(index)" }
    var directory: String { "\(config.directory)/\(name)" }
    var sshdDirectory: String { directory + "/sshd" }
    var sshdConfig: String { sshdDirectory + "/sshd_config" }
    var hostKey: String { sshdDirectory + "/ssh_host_ed25519_key" }
    var pidFile: String { sshdDirectory + "/sshd.pid" }
    var sshdLog: String { sshdDirectory + "/sshd.log" }
    var baseDirectory: String { directory + "/base" }
}

/// Why the lab could not be made, checked or removed.
public enum LabError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The configuration (prefix, subnet, nodes, directory) is invalid: a usage error.
    case badConfig(String)
    /// A name or address the lab needs is taken by something the lab did not make.
    case notOurs(String)
    /// A tool the lab needs is missing.
    case missingTool(String)
    /// A command failed.
    case commandFailed(command: String, status: String, stderr: String)
    /// sshd on a host did not come up.
    case sshdFailed(String)

    public var description: String {
        switch self {
        case .badConfig(let text): return "bad lab configuration: \(text)"
        case .notOurs(let text): return "refusing to touch what the lab did not make: \(text)"
        case .missingTool(let text): return "missing tool: \(text)"
        case let .commandFailed(command, status, stderr):
            return "`\(command)` failed (\(status))" + (stderr.isEmpty ? "" : ": \(stderr)")
        case .sshdFailed(let text): return "sshd did not start: \(text)"
        }
    }
}
