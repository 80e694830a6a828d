import Foundation
import SpecFiles

/// The hosts a run touches, as read from an inventory YAML file:
///
/// ```yaml
/// defaults:                 # optional; any host field except name and address
///   user: root              # default root
///   port: 22                # default 22
///   key: ~/.ssh/id_ed25519  # private key file; without one the ssh-agent is used
///   known_hosts: ~/.ssh/known_hosts   # default ~/.ssh/known_hosts
///   host_key_policy: strict # strict (default) | accept-new
///   sudo: false             # run every command through sudo -n
///   base_dir: /var/lib/faultline      # per host: data, logs, pids (default /var/lib/faultline)
///   connect_timeout: 5s     # 500ms, 5s, 1m, or plain seconds
///   keepalive: 15s
///   max_channels: 8         # commands at once on the host's session (below sshd's MaxSessions)
/// hosts:
///   - name: n1
///     address: 10.77.0.1
///     base_dir: /tmp/faultline-lab-fl/n1/base
/// ```
/// Relative paths are taken from the inventory file's folder; `~/` from `$HOME`.
public struct Inventory: Sendable, Equatable {
    public var hosts: [InventoryHost]
    /// The file it was read from (or a description).
    public var source: String

    public init(hosts: [InventoryHost], source: String) {
        self.hosts = hosts
        self.source = source
    }

    /// Reads and checks the inventory at `path`. Throws `InventoryError` (file:line and what was
    /// expected) for anything that is not a valid inventory.
    public static func load(path: String) throws -> Inventory {
        let text = try InputFileText.read(path: path, what: "inventory file")
        let directory = (path as NSString).deletingLastPathComponent
        return try InventoryParser(text: text, file: path,
                                   directory: directory.isEmpty ? "." : directory).parse()
    }

    /// Parses inventory YAML given as text; `directory` anchors relative paths.
    public static func parse(yaml: String, source: String = "<inventory>", directory: String = ".") throws -> Inventory {
        try InventoryParser(text: yaml, file: source, directory: directory).parse()
    }

    /// One SSH remote per host, in the inventory's order. Each opens its session on first use;
    /// share them rather than making more, so each host keeps one session.
    public func remotes() -> [SSHRemote] {
        hosts.map { $0.remote() }
    }

    /// The hosts named in `names`, in the inventory's order; all hosts for an empty list.
    /// Throws `InventoryError` naming the names that are not in the inventory.
    public func select(_ names: [String]) throws -> [InventoryHost] {
        guard !names.isEmpty else { return hosts }
        let known = Set(hosts.map(\.name))
        let unknown = names.filter { !known.contains($0) }
        guard unknown.isEmpty else {
            throw InventoryError(file: source, line: nil, message:
                "no host named \(unknown.joined(separator: ", ")) (hosts: \(hosts.map(\.name).joined(separator: ", ")))")
        }
        let wanted = Set(names)
        return hosts.filter { wanted.contains($0.name) }
    }
}

/// One host of an inventory.
public struct InventoryHost: Sendable, Equatable {
    /// How to reach it.
    public var ssh: SSHHostConfig
    /// The folder on the host under which Faultline keeps its data, logs and pid files.
    public var baseDirectory: String
    /// The line of the inventory that defines it.
    public var line: Int

    public init(ssh: SSHHostConfig, baseDirectory: String, line: Int) {
        self.ssh = ssh
        self.baseDirectory = baseDirectory
        self.line = line
    }

    public var name: String { ssh.name }

    /// A remote for this host (its session opens on first use).
    public func remote() -> SSHRemote { SSHRemote(ssh) }
}

/// An inventory that cannot be used: where (file and line) and what was expected there.
public typealias InventoryError = InputFileError
