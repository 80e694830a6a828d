import Foundation
import RemoteCore
import Testing
@testable import Control

/// The SSH remote against real sshd processes in the lab's namespaces.
@Suite("SSH remote against the lab", .serialized, .enabled(if: LabSupport.available, "needs root and network namespaces"),
       .timeLimit(.minutes(2)), .lab())
struct SSHRemoteTests {
    @Test("true, false, a signal: exit statuses are results")
    func exitStatuses() async throws {
        let n1 = try LabFixture.host("n1").remote()
        #expect(try await n1.exec("true").status == ExitStatus(code: 0))
        #expect(try await n1.exec("false").status == ExitStatus(code: 1))
        #expect(try await n1.exec("exit 42").status == ExitStatus(code: 42))
        let killed = try await n1.exec("kill -9 $$").status
        #expect(killed.signal == "KILL" && !killed.isSuccess)
        let both = try await n1.exec("echo out; echo err >&2")
        #expect(both.stdoutText == "out\n" && both.stderrText == "err\n")
        #expect(try await n1.exec("hostname").stdoutText == "n1\n")
    }

    @Test("10 MB of output arrive whole, also streamed, and stdin goes through")
    func largeOutput() async throws {
        let n2 = try LabFixture.host("n2").remote()
        let size = 10 * 1024 * 1024
        let result = try await n2.exec("head -c \(size) /dev/urandom | tee /dev/stderr | sha256sum", timeout: .seconds(60))
        #expect(result.status.isSuccess)
        #expect(result.stderr.count == size)
        let localSum = try await LocalRemote().exec(ExecRequest("sha256sum", input: .bytes(result.stderr)))
        #expect(localSum.stdoutText == result.stdoutText)
        let counter = ByteCounter()
        let status = try await n2.run(ExecRequest("head -c \(size) /dev/zero")) { kind, bytes in
            counter.add(kind, bytes.count)
        }
        #expect(status.isSuccess && counter.stdout == size && counter.stderr == 0)
        let echoed = try await n2.exec(ExecRequest("cat", input: .bytes([UInt8](repeating: 7, count: 3 << 20))))
        #expect(echoed.stdout.count == 3 << 20)
    }

    @Test("channels streaming stdin and stdout at once share a session; others open meanwhile")
    func busySession() async throws {
        var config = try LabFixture.host("n4").ssh
        config.connectTimeout = .seconds(1)  // a busy session must not pass for a silent host
        let n4 = SSHRemote(config)
        let size = 4 << 20
        try await ensuring({
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 1...4 {
                    group.addTask {
                        let input = [UInt8](repeating: UInt8(i), count: size)
                        let echoed = try await n4.exec(ExecRequest("cat", timeout: .seconds(60), input: .bytes(input)))
                        #expect(echoed.status.isSuccess && echoed.stdout == input)
                    }
                }
                for _ in 1...6 {
                    group.addTask {
                        let name = try await n4.exec("hostname").stdoutText
                        #expect(name == "n4\n")
                    }
                }
                try await group.waitForAll()
            }
        }, finally: { await n4.close() })
    }

    @Test("upload and download keep content (sha256) and mode")
    func upAndDownload() async throws {
        let host = try LabFixture.host("n3")
        let n3 = host.remote()
        let local = NSTemporaryDirectory() + "faultline-transfer-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: local, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: local) }
        _ = try await sh("head -c 5000000 /dev/urandom > \(local)/payload && chmod 751 \(local)/payload")
        let remotePath = host.baseDirectory + "/payload copy"
        try await n3.upload(local + "/payload", to: remotePath)
        let localSum = try await sh("sha256sum < \(local)/payload").split(separator: " ")[0]
        let remote = try await n3.exec("sha256sum < \(ShellQuote.quote(remotePath)); stat -c %a \(ShellQuote.quote(remotePath))")
        let lines = remote.stdoutText.split(separator: "\n")
        #expect(lines.first?.split(separator: " ").first == localSum)
        #expect(lines.last == "751")
        try await n3.download(remotePath, to: local + "/back")
        #expect(try await sh("sha256sum < \(local)/back").split(separator: " ")[0] == localSum)
        #expect(try await sh("stat -c %a \(local)/back").trimmed == "751")
        await #expect { try await n3.download(host.baseDirectory + "/nope", to: local + "/x") } throws: { error in
            let error = error as? RemoteError
            return error?.kind == .transferFailed && error?.description.contains("n3") == true
        }
    }

    @Test("a changed host key is refused, naming host and SHA256 fingerprint; accept-new adds only new keys")
    func hostKeys() async throws {
        let host = try LabFixture.host("n4")
        let lab = try LabFixture.lab
        let dir = lab.config.directory + "/hostkey-test"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try await sh("ssh-keygen -q -t ed25519 -N '' -f \(dir)/other")
        let other = try await sh("cut -d' ' -f1,2 \(dir)/other.pub").trimmed
        try "\(host.ssh.address) \(other)\n".write(toFile: dir + "/changed", atomically: true, encoding: .utf8)
        let real = try await sh("ssh-keygen -lf \(lab.config.directory)/n4/sshd/ssh_host_ed25519_key.pub | cut -d' ' -f2").trimmed

        var changed = host.ssh
        changed.knownHostsFile = dir + "/changed"
        await #expect { try await SSHRemote(changed).exec("true") } throws: { error in
            guard let error = error as? RemoteError else { return false }
            return error.kind == .hostKeyRefused && error.description.contains("n4 (\(host.ssh.address):22)")
                && error.description.contains(real) && error.description.contains("MISMATCH")
        }
        changed.hostKeyPolicy = .acceptNew
        await #expect(throws: RemoteError.self) { try await SSHRemote(changed).exec("true") }

        var unknown = host.ssh
        unknown.knownHostsFile = dir + "/empty"
        await #expect { try await SSHRemote(unknown).exec("true") } throws: { error in
            (error as? RemoteError)?.kind == .hostKeyRefused
        }
        unknown.hostKeyPolicy = .acceptNew
        #expect(try await SSHRemote(unknown).exec("true").status.isSuccess)
        unknown.hostKeyPolicy = .strict
        #expect(try await SSHRemote(unknown).exec("true").status.isSuccess)
    }

    @Test("login through an ssh-agent holding the lab's key")
    func agentLogin() async throws {
        let lab = try LabFixture.lab
        let socket = lab.config.directory + "/agent.sock"
        let started = try await sh("ssh-agent -a \(socket) -s")
        let fields = started.split(separator: ";").map(\.trimmed)
        let pid = try #require(fields.first { $0.hasPrefix("SSH_AGENT_PID=") }?.dropFirst("SSH_AGENT_PID=".count))
        try await ensuring({
            _ = try await sh("SSH_AUTH_SOCK=\(socket) ssh-add -q \(lab.config.clientKey)")
            var config = try LabFixture.host("n2").ssh
            config.identity = .agent(socket: socket)
            #expect(try await SSHRemote(config).exec("hostname").stdoutText == "n2\n")
            config.identity = .agent(socket: lab.config.directory + "/no-agent.sock")
            await #expect { try await SSHRemote(config).exec("true") } throws: { error in
                (error as? RemoteError)?.kind == .authenticationFailed
            }
        }, finally: { _ = try? await sh("kill \(pid)") })
    }

    @Test("an unreachable address fails within the connect timeout")
    func unreachable() async throws {
        var config = try LabFixture.host("n1").ssh
        config.name = "ghost"
        config.address = LabSupport.unusedAddress  // inside the lab's subnet; no namespace has it
        config.connectTimeout = .seconds(1)
        let start = ContinuousClock.now
        await #expect { try await SSHRemote(config).exec("true") } throws: { error in
            guard let error = error as? RemoteError else { return false }
            return error.kind == .unreachable && error.description.contains("ghost (\(LabSupport.unusedAddress):22)")
                && error.command == "true"
        }
        #expect(ContinuousClock.now - start < .seconds(3))
        var closedPort = try LabFixture.host("n1").ssh
        closedPort.port = 2222
        await #expect { try await SSHRemote(closedPort).exec("true") } throws: { error in
            (error as? RemoteError)?.reason.contains("refused") == true
        }
    }

    @Test("a killed and restarted sshd is reconnected to transparently")
    func reconnect() async throws {
        let lab = try LabFixture.lab
        let n5 = try LabFixture.host("n5").remote()
        #expect(try await n5.exec("hostname").stdoutText == "n5\n")
        try await lab.killSSHD(node: "n5")
        try await lab.startSSHD(node: "n5")
        #expect(try await n5.exec("hostname").stdoutText == "n5\n")
        #expect(try await n5.exec("echo again").stdoutText == "again\n")
    }

    @Test("a host that silently drops the session is detected, and reached again once back",
          .enabled(if: access("/usr/sbin/iptables", X_OK) == 0))
    func silentPeer() async throws {
        let host = try LabFixture.host("n3")
        var config = host.ssh
        config.connectTimeout = .seconds(1)
        let n3 = SSHRemote(config)
        #expect(try await n3.exec("true").status.isSuccess)
        let rule = "INPUT -p tcp --dport 22 -j DROP"
        let namespace = "\(try LabFixture.lab.config.prefix)-n3"
        _ = try await sh("ip netns exec \(namespace) iptables -A \(rule)")
        try await ensuring({
            let start = ContinuousClock.now
            await #expect { try await n3.exec("true") } throws: { error in
                (error as? RemoteError)?.kind == .unreachable
            }
            #expect(ContinuousClock.now - start < .seconds(4))
        }, finally: { _ = try? await sh("ip netns exec \(namespace) iptables -D \(rule)") })
        #expect(try await n3.exec("hostname").stdoutText == "n3\n")
    }

    @Test("a timeout answers timedOut and the host ends the command")
    func timeout() async throws {
        let n1 = try LabFixture.host("n1").remote()
        let marker = "sleep 31.\(Int.random(in: 100...999))"
        await #expect { try await n1.exec(marker, timeout: .milliseconds(300)) } throws: { error in
            (error as? RemoteError)?.kind == .timedOut
        }
        #expect(try await n1.exec("true").status.isSuccess)
        var gone = false
        for _ in 0..<40 where !gone {
            gone = try await n1.exec("pgrep -f '^\(marker)$'").status.code == 1
            if !gone { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(gone)
    }

    @Test("5 hosts in parallel, several channels on one session")
    func parallel() async throws {
        let remotes = try LabFixture.remotes()
        let outcomes = await ParallelExec.run(ExecRequest("hostname"), on: remotes)
        #expect(outcomes.map { (try? $0.result.get())?.stdoutText } == ["n1\n", "n2\n", "n3\n", "n4\n", "n5\n"])
        let n1 = remotes[0]
        let start = ContinuousClock.now
        let echoes = try await withThrowingTaskGroup(of: String.self) { group in
            for i in 0..<12 { group.addTask { try await n1.exec("sleep 0.5; echo \(i)").stdoutText } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(echoes == Set((0..<12).map { "\($0)\n" }))
        #expect(ContinuousClock.now - start < .seconds(4))  // one after another would take 6 s
    }
}

final class ByteCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var counts: [OutputStreamKind: Int] = [:]
    func add(_ kind: OutputStreamKind, _ n: Int) { lock.withLock { counts[kind, default: 0] += n } }
    var stdout: Int { lock.withLock { counts[.stdout] ?? 0 } }
    var stderr: Int { lock.withLock { counts[.stderr] ?? 0 } }
}
