import Foundation
import Testing
@testable import Control

/// Whether this machine can run the lab: root, sshd installed, and network namespaces that can be
/// made (CI runs as root, so the lab tests run there for real).
enum LabSupport {
    static let available: Bool = {
        guard geteuid() == 0, access("/usr/sbin/sshd", X_OK) == 0, access("/usr/bin/ssh-keygen", X_OK) == 0 else {
            return false
        }
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/bin/sh")
        probe.arguments = ["-c", "ip netns add fltprobe$$ && ip netns del fltprobe$$"]
        guard (try? probe.run()) != nil else { return false }
        probe.waitUntilExit()
        return probe.terminationStatus == 0
    }()

    /// The tests' own lab, apart from a user's default lab (fl, 10.77.0.0/24) and from another
    /// test run on the same machine at the same time (another worktree, CI).
    static let config = labConfig("t", nodes: 5)

    /// This run's number, 0–249: it picks the labs' names and subnets, so that concurrent runs
    /// use distinct ones.
    static let run = Int(getpid()) % 250

    /// A lab named `f<letter><run>` in 10.<78 + letter's place>.<run>.0/24.
    static func labConfig(_ letter: Character, nodes: Int) -> LabConfig {
        let octet = 78 + Int(letter.asciiValue! - Character("t").asciiValue!)
        return LabConfig(prefix: "f\(letter)\(run)", subnet: "10.\(octet).\(run).0/24", nodes: nodes)
    }

    /// An address in the tests' lab subnet that no host has.
    static var unusedAddress: String { "10.78.\(run).200" }
}

/// Brings the tests' lab up around a whole suite and takes it down afterwards, also when a test
/// failed or threw. Tests reach it through `LabFixture.lab`.
struct LabScope: SuiteTrait, TestScoping {
    let config: LabConfig

    var isRecursive: Bool { false }

    func provideScope(for test: Test, testCase: Test.Case?,
                      performing function: @Sendable () async throws -> Void) async throws {
        let lab = Lab(config: config)
        do {
            _ = try await lab.up()
            try await LabFixture.$current.withValue(lab) { try await function() }
        } catch {
            _ = try? await lab.down()
            throw error
        }
        _ = try await lab.down()
    }
}

extension Trait where Self == LabScope {
    /// Runs the suite against a lab made for it.
    static func lab(_ config: LabConfig = LabSupport.config) -> Self { LabScope(config: config) }
}

enum LabFixture {
    @TaskLocal static var current: Lab?

    static var lab: Lab {
        get throws { try #require(current, "the suite needs the .lab() trait") }
    }

    /// The lab's hosts as SSH remotes.
    static func remotes() throws -> [SSHRemote] {
        try lab.inventory().hosts.map { $0.remote() }
    }

    static func host(_ name: String) throws -> InventoryHost {
        try #require(try lab.inventory().hosts.first { $0.name == name })
    }
}

/// Runs a local shell command and returns its stdout (test helper).
func sh(_ command: String) async throws -> String {
    let result = try await LocalRemote().exec(command, timeout: .seconds(30))
    try #require(result.status.isSuccess, "`\(command)`: \(result.stderrText)")
    return result.stdoutText
}

/// Runs `body`, then `cleanup`, also when `body` threw.
func ensuring(_ body: () async throws -> Void, finally cleanup: () async -> Void) async throws {
    do {
        try await body()
    } catch {
        await cleanup()
        throw error
    }
    await cleanup()
}
