import Foundation
import RemoteCore

/// The local lab: hosts n1…nN made of Linux network namespaces on one bridge, each with its own
/// address in the lab's /24, its own sshd (own host key, key-only root login, own config, pid file
/// and log) in its own UTS namespace (so `hostname` answers nN), and its own base folder. The
/// namespaces get no default route: traffic stays within the lab's subnet.
///
/// Needs root. The lab only ever touches what it made: names carry its prefix, links carry its
/// alias, and its folder carries a state record written before anything is made — so `down`
/// also cleans up after an interrupted `up`. Names or addresses taken by anything else are refused.
public struct Lab: Sendable {
    public let config: LabConfig
    private let shell = LabShell()
    private var files: LabFiles { LabFiles(config: config) }

    public init(config: LabConfig) {
        self.config = config
    }

    /// What `up` did.
    public struct UpResult: Sendable {
        /// The inventory of the lab's hosts.
        public var inventoryPath: String
        /// True when a healthy lab with the same configuration was there already and was kept.
        public var reused: Bool
    }

    /// Makes the lab, or keeps it when a healthy one with the same configuration exists; a lab that
    /// is broken or configured differently is removed and made anew. `log` hears each step.
    public func up(log: @Sendable (String) -> Void = { _ in }) async throws -> UpResult {
        try config.validate()
        try shell.requireTools()
        if let state = files.readState() {
            if state.config == config, try await status().healthy {
                log("lab \(config.prefix) is up already")
                return UpResult(inventoryPath: config.inventoryPath, reused: true)
            }
            log("removing the previous lab \(state.config.prefix) before making it anew")
            _ = try await Lab(config: state.config).down()
        }
        try await checkFree()
        try files.create()
        log("keys")
        try await makeKeys()
        log("network: bridge \(config.bridge) \(config.bridgeAddress)/24, \(config.nodes) namespaces")
        try await makeNetwork()
        log("sshd on \(config.nodes) hosts")
        try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o755])
        try await withThrowingTaskGroup(of: Void.self) { group in
            for node in config.allNodes { group.addTask { try await startSSHD(node) } }
            try await group.waitForAll()
        }
        try LabFiles.write(files.knownHosts(), to: config.knownHosts)
        try LabFiles.write(files.inventory(), to: config.inventoryPath)
        return UpResult(inventoryPath: config.inventoryPath, reused: false)
    }

    /// Removes everything `up` made — processes in the lab's namespaces (sshd found by its pid file
    /// after checking /proc/PID/cmdline, then whatever else runs inside), veths, namespaces, the
    /// bridge, the folder — and nothing else. Returns what it removed; a lab that is not there is
    /// no error.
    public func down(log: @Sendable (String) -> Void = { _ in }) async throws -> [String] {
        guard let state = files.readState() else {
            log("no lab recorded in \(config.stateFile)")
            return []
        }
        let lab = state.config
        var removed: [String] = []
        let namespaces = try await shell.namespaces()
        for node in lab.allNodes where namespaces.contains(node.namespace) {
            removed += try await stopProcesses(node)
        }
        let links = try await shell.links()
        let veths = lab.allNodes.map(\.veth).filter { links[$0] == lab.linkAlias }
        try await shell.ipBatch(veths.map { "link del \($0)" })
        let ownNamespaces = lab.allNodes.map(\.namespace).filter(namespaces.contains)
        try await shell.ipBatch(ownNamespaces.map { "netns del \($0)" })
        let bridge = links[lab.bridge] == lab.linkAlias ? [lab.bridge] : []
        try await shell.ipBatch(bridge.map { "link del \($0)" })
        try LabFiles(config: lab).remove()
        removed += veths.map { "link \($0)" } + ownNamespaces.map { "netns \($0)" } + bridge.map { "bridge \($0)" }
            + ["folder \(lab.directory)"]
        removed.forEach(log)
        return removed
    }

    /// The inventory `up` wrote.
    public func inventory() throws -> Inventory {
        try Inventory.load(path: config.inventoryPath)
    }

    /// Kills host `name`'s sshd together with every session and process in its namespace, as a
    /// reboot would; `startSSHD` brings sshd back.
    public func killSSHD(node name: String) async throws {
        _ = try await stopProcesses(try node(named: name))
    }

    /// Starts host `name`'s sshd (after `killSSHD`) and waits until it accepts connections.
    public func startSSHD(node name: String) async throws {
        try await startSSHD(try node(named: name))
    }

    private func node(named name: String) throws -> LabNode {
        guard let node = config.allNodes.first(where: { $0.name == name }) else {
            throw LabError.badConfig("no host \(name) in lab \(config.prefix)")
        }
        return node
    }

    // MARK: steps of up

    /// Refuses names and addresses that something else already uses.
    private func checkFree() async throws {
        let namespaces = try await shell.namespaces()
        if let taken = config.allNodes.map(\.namespace).first(where: namespaces.contains) {
            throw LabError.notOurs("network namespace \(taken) exists (set FAULTLINE_LAB_PREFIX to use other names)")
        }
        let links = try await shell.links()
        if let taken = ([config.bridge] + config.allNodes.map(\.veth)).first(where: { links[$0] != nil }) {
            throw LabError.notOurs("link \(taken) exists (set FAULTLINE_LAB_PREFIX to use other names)")
        }
        for (address, length, link) in try await shell.addresses() where Self.overlaps(address, length, config.subnet) {
            throw LabError.notOurs("\(address)/\(length) on \(link) overlaps \(config.subnet) (set FAULTLINE_LAB_SUBNET)")
        }
    }

    static func overlaps(_ address: String, _ length: Int, _ subnet: String) -> Bool {
        func value(_ text: Substring) -> UInt32? {
            let octets = text.split(separator: ".").compactMap { UInt32($0) }
            guard octets.count == 4 else { return nil }
            return octets.reduce(0) { $0 << 8 | $1 }
        }
        guard let a = value(address[...]), let s = value(subnet.split(separator: "/")[0]) else { return false }
        let common = min(length, 24)
        let mask: UInt32 = common == 0 ? 0 : ~UInt32(0) << UInt32(32 - common)
        return a & mask == s & mask
    }

    private func makeKeys() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await keygen(config.clientKey, "faultline-lab-client") }
            for node in config.allNodes {
                group.addTask { try await keygen(node.hostKey, "faultline-lab-\(node.name)") }
            }
            try await group.waitForAll()
        }
        try LabFiles.write(String(contentsOfFile: config.clientKey + ".pub", encoding: .utf8), to: config.authorizedKeys)
        for node in config.allNodes {
            try LabFiles.write(files.sshdConfig(node), to: node.sshdConfig)
        }
    }

    private func keygen(_ path: String, _ comment: String) async throws {
        try await shell.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", path])
    }

    private func makeNetwork() async throws {
        var root = ["link add \(config.bridge) type bridge", "link set dev \(config.bridge) alias \(config.linkAlias)",
                    "addr add \(config.bridgeAddress)/24 dev \(config.bridge)", "link set \(config.bridge) up"]
        for node in config.allNodes {
            root += ["netns add \(node.namespace)",
                     "link add \(node.veth) type veth peer name eth0 netns \(node.namespace)",
                     "link set dev \(node.veth) alias \(config.linkAlias)",
                     "link set \(node.veth) master \(config.bridge) up"]
        }
        try await shell.ipBatch(root)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for node in config.allNodes {
                group.addTask {
                    try await shell.ipBatch(["link set lo up", "addr add \(node.address)/24 dev eth0", "link set eth0 up"],
                                            namespace: node.namespace)
                }
            }
            try await group.waitForAll()
        }
    }

    private func startSSHD(_ node: LabNode) async throws {
        try? FileManager.default.removeItem(atPath: node.pidFile)
        let inner = "hostname \(node.name) && exec /usr/sbin/sshd -f \(ShellQuote.quote(node.sshdConfig)) -E \(ShellQuote.quote(node.sshdLog))"
        try await shell.run(["ip", "netns", "exec", node.namespace, "unshare", "--uts", "sh", "-c", inner])
        let address = node.address
        // sshd listens before it writes its pid file: wait for both.
        let ready = try await onOwnThread(name: "faultline-lab-wait") {
            let deadline = Deadline.after(.seconds(5))!
            var answers = false
            while !deadline.hasPassed {
                if !answers, let fd = try? TCPConnect.connect(host: address, port: 22, timeout: .milliseconds(200), label: address) {
                    close(fd)
                    answers = true
                }
                if answers && LabProcesses.livePid(pidFile: node.pidFile, marker: node.sshdConfig) != nil { return true }
                usleep(5_000)
            }
            return false
        }
        guard ready else {
            let log = (try? String(contentsOfFile: node.sshdLog, encoding: .utf8))?.trimmed ?? ""
            throw LabError.sshdFailed("\(node.name) (\(address):22) does not answer; \(node.sshdLog): \(log.suffix(500))")
        }
    }

    // MARK: steps of down

    /// Stops the node's sshd (pid file, cmdline checked), then every process left in its namespace.
    private func stopProcesses(_ node: LabNode) async throws -> [String] {
        var stopped: [String] = []
        if let pid = LabProcesses.livePid(pidFile: node.pidFile, marker: node.sshdConfig) {
            await LabProcesses.stop(pid, signal: SIGTERM)
            stopped.append("sshd \(pid) of \(node.name)")
        }
        let pids = try await shell.run(["ip", "netns", "pids", node.namespace]).split(separator: "\n").compactMap { pid_t($0.trimmed) }
        for pid in pids where pid > 1 {
            await LabProcesses.stop(pid, signal: SIGKILL)
            stopped.append("process \(pid) in \(node.namespace)")
        }
        return stopped
    }
}
