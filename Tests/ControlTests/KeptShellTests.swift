import Foundation
import LabHarness
import RemoteCore
import Testing
@testable import Control

/// The kept shell of an SSH remote (`SSHRemote.keepShell`) against a real sshd in the lab.
@Suite("Kept shell against the lab", .serialized, .enabled(if: LabSupport.available, "needs root and network namespaces"),
       .timeLimit(.minutes(2)), .lab(LabHarness.config("ks", octet: 131, nodes: 1)))
struct KeptShellTests {
    /// `$$` of the shell that ran a command: the kept shell's pid for every command it runs
    /// (a subshell keeps `$$`), a new one for each command on a channel of its own.
    private func shellPID(_ remote: SSHRemote) async throws -> String {
        try await remote.exec("echo $$", timeout: .seconds(10)).stdoutText
    }

    @Test("commands run in one kept shell: output, stderr and exit codes as on a channel; exit and syntax errors end only the command")
    func commands() async throws {
        let n1 = try LabFixture.host("n1").remote()
        defer { Task { await n1.close() } }
        #expect(try await shellPID(n1) != (try await shellPID(n1)))   // channels: a new shell each
        n1.keepShell()
        let kept = try await shellPID(n1)
        #expect(try await shellPID(n1) == kept)
        let both = try await n1.exec("printf out; echo err >&2; exit 3")
        #expect(both.stdoutText == "out" && both.stderrText == "err\n" && both.status == ExitStatus(code: 3))
        #expect(try await n1.exec("if then fi").status.code != 0)
        #expect(try await n1.exec("cd /; pwd").stdoutText == "/\n")
        #expect(try await n1.exec("hostname", sudo: true).stdoutText == "n1\n")
        let big = try await n1.exec("head -c 300000 /dev/zero | tr '\\0' x")
        #expect(big.stdout.count == 300_000 && big.stdout.allSatisfy { $0 == UInt8(ascii: "x") })
        #expect(try await shellPID(n1) == kept)
        // Commands at once: one goes to the shell, the others to channels; all answer.
        let names = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<6 { group.addTask { try await n1.exec("sleep 0.1; hostname").stdoutText } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(names == Array(repeating: "n1\n", count: 6))
        #expect(try await shellPID(n1) == kept)
    }

    @Test("a timed-out command ends the shell and its command; a dead shell falls back to channels, then starts again")
    func timeoutAndDeath() async throws {
        let n1 = try LabFixture.host("n1").remote()
        defer { Task { await n1.close() } }
        n1.keepShell()
        let first = try await shellPID(n1)
        let marker = "sleep 32.\(Int.random(in: 100...999))"
        let start = ContinuousClock.now
        await #expect { try await n1.exec(marker, timeout: .milliseconds(300)) } throws: { error in
            (error as? RemoteError)?.kind == .timedOut
        }
        #expect(ContinuousClock.now - start < .seconds(10))
        var gone = false
        for _ in 0..<40 where !gone {
            gone = try await n1.exec("pgrep -f '^\(marker)$'").status.code == 1
            if !gone { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(gone)
        #expect(try await n1.exec("kill -0 \(first.trimmingCharacters(in: .whitespacesAndNewlines)) 2>/dev/null").status.code != 0)
        // A new shell (started by the command after the death) takes over.
        var second = ""
        for _ in 0..<20 where second.isEmpty {
            let a = try await shellPID(n1), b = try await shellPID(n1)
            if a == b { second = a } else { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(!second.isEmpty && second != first)
        // The shell killed under a command: that command's outcome is unknown; the next runs.
        await #expect { try await n1.exec("kill -KILL $$", timeout: .seconds(10)) } throws: { error in
            (error as? RemoteError)?.kind == .connectionLost
        }
        #expect(try await n1.exec("hostname").stdoutText == "n1\n")
    }

    @Test("dropShell ends the shell's process; commands go to channels again")
    func drop() async throws {
        let n1 = try LabFixture.host("n1").remote()
        defer { Task { await n1.close() } }
        n1.keepShell()
        let kept = try await shellPID(n1).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try await shellPID(n1).trimmingCharacters(in: .whitespacesAndNewlines) == kept)
        await n1.dropShell()
        #expect(try await n1.exec("kill -0 \(kept) 2>/dev/null").status.code != 0)
        #expect(try await shellPID(n1) != (try await shellPID(n1)))
    }
}
