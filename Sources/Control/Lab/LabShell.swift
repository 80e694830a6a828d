import Foundation
import RemoteCore

/// Runs the lab's local commands (ip, ssh-keygen, sshd) and turns failures into `LabError`.
struct LabShell: Sendable {
    private let local = LocalRemote(name: "localhost")

    /// Runs `argv`, returns its stdout; throws `LabError.commandFailed` on a non-zero exit.
    @discardableResult
    func run(_ argv: [String], input: ExecInput = .none) async throws -> String {
        let result = try await local.exec(ExecRequest(argv: argv, timeout: .seconds(30), input: input))
        guard result.status.isSuccess else {
            throw LabError.commandFailed(command: ShellQuote.join(argv), status: "\(result.status)",
                                         stderr: result.stderrText.trimmed)
        }
        return result.stdoutText
    }

    /// Runs `ip -batch -` with `lines` (in namespace `namespace` when given).
    func ipBatch(_ lines: [String], namespace: String? = nil) async throws {
        guard !lines.isEmpty else { return }
        let argv = ["ip"] + (namespace.map { ["-n", $0] } ?? []) + ["-batch", "-"]
        try await run(argv, input: .bytes(Array((lines.joined(separator: "\n") + "\n").utf8)))
    }

    /// Names of network namespaces.
    func namespaces() async throws -> Set<String> {
        let text = try await run(["ip", "-j", "netns", "list"])
        guard let entries = try JSONSerialization.jsonObject(with: Data(text.utf8).isEmpty ? Data("[]".utf8) : Data(text.utf8)) as? [[String: Any]] else {
            return []
        }
        return Set(entries.compactMap { $0["name"] as? String })
    }

    /// Links of the root namespace: name → alias ("" when none).
    func links() async throws -> [String: String] {
        let text = try await run(["ip", "-j", "link", "show"])
        guard let entries = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]] else { return [:] }
        var links: [String: String] = [:]
        for entry in entries {
            if let name = entry["ifname"] as? String { links[name] = entry["ifalias"] as? String ?? "" }
        }
        return links
    }

    /// IPv4 addresses of the root namespace with their link: (address, prefix length, link).
    func addresses() async throws -> [(String, Int, String)] {
        let text = try await run(["ip", "-j", "-4", "addr", "show"])
        guard let entries = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]] else { return [] }
        var found: [(String, Int, String)] = []
        for entry in entries {
            let link = entry["ifname"] as? String ?? "?"
            for info in entry["addr_info"] as? [[String: Any]] ?? [] {
                if let local = info["local"] as? String, let length = info["prefixlen"] as? Int {
                    found.append((local, length, link))
                }
            }
        }
        return found
    }

    /// Checks that the programs the lab runs are installed, naming the Debian package otherwise.
    func requireTools() throws {
        guard geteuid() == 0 else {
            throw LabError.missingTool("root: the lab makes network namespaces, links and sshd processes (run as root)")
        }
        let tools: [(String, String)] = [("/usr/sbin/sshd", "openssh-server"), ("/usr/bin/ssh-keygen", "openssh-client"),
                     ("/usr/bin/unshare", "util-linux"), ("/usr/bin/hostname", "hostname")]
        for (path, package) in tools where access(path, X_OK) != 0 {
            throw LabError.missingTool("\(path) (apt-get install \(package))")
        }
        let ipPaths: [String] = ["/usr/sbin/ip", "/usr/bin/ip", "/sbin/ip", "/bin/ip"]
        guard ipPaths.contains(where: { access($0, X_OK) == 0 }) else {
            throw LabError.missingTool("ip (apt-get install iproute2)")
        }
    }
}
