import Foundation

/// The files of the lab: its state record, keys, sshd configs, known_hosts and inventory.
struct LabFiles {
    let config: LabConfig

    /// What `lab up` records before it makes anything, so `lab down` knows what to remove.
    struct State: Codable, Equatable {
        var madeBy: String
        var config: LabConfig
    }

    static let marker = "faultline lab"

    func readState() -> State? {
        guard let data = FileManager.default.contents(atPath: config.stateFile),
              let state = try? JSONDecoder().decode(State.self, from: data), state.madeBy == Self.marker else { return nil }
        return state
    }

    /// Creates the lab folder and records the state. Refuses a folder that exists without a state
    /// record unless it is empty.
    func create() throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: config.directory), readState() == nil,
           !((try? fm.contentsOfDirectory(atPath: config.directory)) ?? []).isEmpty {
            throw LabError.notOurs("\(config.directory) exists and holds no \(config.stateFile)")
        }
        try fm.createDirectory(atPath: config.directory, withIntermediateDirectories: true,
                               attributes: [.posixPermissions: 0o755])
        let data = try JSONEncoder().encode(State(madeBy: Self.marker, config: config))
        try data.write(to: URL(fileURLWithPath: config.stateFile))
        for node in config.allNodes {
            try fm.createDirectory(atPath: node.sshdDirectory, withIntermediateDirectories: true)
            try fm.createDirectory(atPath: node.baseDirectory, withIntermediateDirectories: true)
        }
    }

    /// Removes the lab folder, which must hold the lab's state record.
    func remove() throws {
        guard readState() != nil else { return }
        try FileManager.default.removeItem(atPath: config.directory)
    }

    func sshdConfig(_ node: LabNode) -> String {
        """
        # Written by `faultline lab up` for host \(node.name); removed by `faultline lab down`.
        ListenAddress \(node.address):22
        HostKey \(node.hostKey)
        PidFile \(node.pidFile)
        AuthorizedKeysFile \(config.authorizedKeys)
        PermitRootLogin prohibit-password
        PubkeyAuthentication yes
        PasswordAuthentication no
        KbdInteractiveAuthentication no
        UsePAM no
        StrictModes no
        UseDNS no
        PrintMotd no
        MaxSessions 32
        MaxStartups 64:30:128
        LogLevel INFO
        # bash sources ~/.bashrc for commands from sshd (stdin is a socket) unless SHLVL says it
        # is nested; this machine's root .bashrc costs ~300 ms a command (pyenv init).
        SetEnv SHLVL=1

        """
    }

    /// known_hosts lines for every node, from their public host keys.
    func knownHosts() throws -> String {
        try config.allNodes.map { node in
            let pub = try String(contentsOfFile: node.hostKey + ".pub", encoding: .utf8)
            let fields = pub.split(separator: " ")
            guard fields.count >= 2 else { throw LabError.sshdFailed("unreadable \(node.hostKey).pub") }
            return "\(node.address) \(fields[0]) \(fields[1])\n"
        }.joined()
    }

    func inventory() -> String {
        var text = """
        # Faultline inventory written by `faultline lab up` (prefix \(config.prefix), subnet \(config.subnet)).
        defaults:
          user: root
          port: 22
          key: \(yaml(config.clientKey))
          known_hosts: \(yaml(config.knownHosts))
          host_key_policy: strict
          connect_timeout: 2s
          max_channels: 16
        hosts:

        """
        for node in config.allNodes {
            text += "  - name: \(node.name)\n    address: \(node.address)\n    base_dir: \(yaml(node.baseDirectory))\n"
        }
        return text
    }

    private func yaml(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
    }

    static func write(_ text: String, to path: String, mode: Int = 0o644) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
    }
}
