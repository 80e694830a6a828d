import Foundation
import LabHarness
import Testing
@testable import Control

/// The control tests' labs, made through `LabHarness` (CI runs as root, so they run there for real).
enum LabSupport {
    static let available = LabHarness.available()

    /// The tests' own lab, apart from a user's default lab (fl, 10.77.0.0/24) and from another
    /// test run on the same machine at the same time (another worktree, CI).
    static let config = labConfig("t", nodes: 5)

    /// This run's number, 0–249 (see `LabHarness.run`).
    static let run = LabHarness.run

    /// A lab named `f<letter><run>` in 10.<78 + letter's place>.<run>.0/24.
    static func labConfig(_ letter: Character, nodes: Int) -> LabConfig {
        LabHarness.config("f\(letter)", octet: 78 + Int(letter.asciiValue! - Character("t").asciiValue!), nodes: nodes)
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
        try await LabHarness.withLab(config) { lab in
            try await LabFixture.$current.withValue(lab) { try await function() }
        }
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
