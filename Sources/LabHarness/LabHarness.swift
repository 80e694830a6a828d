import Control
import Foundation

/// A lab of its own for a test suite or a benchmark: whether this machine can make one, a name
/// and subnet that no other run on the machine uses at the same time, and a scope that takes the
/// lab down again whatever happens inside.
public enum LabHarness {
    /// True when this process can make a lab — root, `sshd` and `ssh-keygen` installed, network
    /// namespaces can be made — and every path in `executables` is an executable file.
    public static func available(requiring executables: [String] = []) -> Bool {
        guard geteuid() == 0 else { return false }
        let tools = ["/usr/sbin/sshd", "/usr/bin/ssh-keygen"] + executables
        guard tools.allSatisfy({ access($0, X_OK) == 0 }) else { return false }
        return namespacesWork
    }

    private static let namespacesWork: Bool = {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/bin/sh")
        probe.arguments = ["-c", "ip netns add flprobe$$ && ip netns del flprobe$$"]
        probe.standardOutput = FileHandle.nullDevice
        probe.standardError = FileHandle.nullDevice
        guard (try? probe.run()) != nil else { return false }
        probe.waitUntilExit()
        return probe.terminationStatus == 0
    }()

    /// This process's number, 0–249, from its pid: two runs at once (two worktrees, CI) get
    /// different labs.
    public static let run = Int(getpid()) % 250

    /// A lab named `<letters><run>` (letters: 1–3 lower-case letters, so the prefix stays within
    /// six characters) in `10.<octet>.<run>.0/24`. Give every suite and benchmark its own letters
    /// and octet.
    public static func config(_ letters: String, octet: Int, nodes: Int) -> LabConfig {
        LabConfig(prefix: "\(letters)\(run)", subnet: "10.\(octet).\(run).0/24", nodes: nodes)
    }

    /// Brings the lab up (anew, after removing a stale one of the same name), runs `body`, then
    /// takes the lab down — also when `body` throws, in which case that error is rethrown.
    public static func withLab<T: Sendable>(_ config: LabConfig, _ body: (Lab) async throws -> T) async throws -> T {
        let lab = Lab(config: config)
        _ = try await lab.down()
        let value: T
        do {
            _ = try await lab.up()
            value = try await body(lab)
        } catch {
            _ = try? await lab.down()
            throw error
        }
        _ = try await lab.down()
        return value
    }
}
