import Foundation
import RemoteCore
import Synchronization

/// A host reached over SSH (libssh2): one session per host, opened on first use and re-opened
/// transparently when it breaks (sshd restarted, host rebooted); up to `maxChannels` commands run
/// at once on channels of that session. See `Remote` for the contract of `run`.
///
/// A command that had not reached the server when the session broke is sent again on the new
/// session; one that may have started is answered `connectionLost` (its outcome is unknown).
/// A server that leaves a channel request unanswered (or written data untaken) while the session
/// shows no sign of life for `connectTimeout` is taken for gone (a vanished host sends no reset)
/// and the session is re-opened the same way; a busy or slow session is left alone.
/// A timeout closes the channel, and the host ends the command a second later (`timeout -k`).
///
/// After `keepShell()`, commands without input go to a shell kept running on the host
/// (`KeptShell`) while it is free; a busy shell leaves them to channels as above, and a shell
/// that ended is started again (at most `keptShellRestarts` times) while they run on channels.
public final class SSHRemote: Remote, ShellKeeping {
    public let config: SSHHostConfig
    private let loop: SessionLoop
    private let kept = Mutex<(shell: KeptShell?, wanted: Bool, restarts: Int)>((nil, false, 0))
    /// How often a kept shell that ended is started again.
    static let keptShellRestarts = 3

    public init(_ config: SSHHostConfig) {
        ControlRuntime.initialize()
        self.config = config
        loop = SessionLoop(config: config)
    }

    deinit { loop.shutdown() }

    public var name: String { config.name }

    public func run(_ request: ExecRequest, output: @escaping OutputHandler) async throws -> ExitStatus {
        if request.input == .none, rootShell || !request.sudo, let shell = keptShell(),
           let status = try await shell.run(request, output: output) {
            return status
        }
        return try await runOnChannel(request, output: output)
    }

    /// The kept shell runs as root when the login is root or every command is run with sudo.
    private var rootShell: Bool { config.user == "root" || config.sudo }

    /// Starts the kept shell now (see the type's notes).
    public func keepShell() {
        kept.withLock { k in
            k.wanted = true
            k.restarts = 0
            if k.shell?.isRunning != true { k.shell = newShell() }
        }
    }

    /// Ends the kept shell and waits for it; commands go to channels of their own again.
    public func dropShell() async {
        let shell = kept.withLock { k in
            defer { k.wanted = false; k.shell = nil }
            return k.shell
        }
        await shell?.close()
    }

    /// The kept shell when wanted; one that ended is replaced (and nil returned: this command
    /// goes to a channel while the new shell starts).
    private func keptShell() -> KeptShell? {
        kept.withLock { k in
            guard k.wanted, let shell = k.shell else { return nil }
            if shell.isRunning { return shell }
            if k.restarts < Self.keptShellRestarts {
                k.restarts += 1
                k.shell = newShell()
            }
            return nil
        }
    }

    private func newShell() -> KeptShell {
        KeptShell(host: config.label, root: rootShell,
                  start: { [weak self] request, output in
                      guard let self else { throw RemoteError(.closed, host: "?", command: request.command, reason: "remote is gone") }
                      return try await self.runOnChannel(request, output: output)
                  },
                  exec: { [weak self] command in
                      _ = try? await self?.runOnChannel(ExecRequest(command, timeout: .seconds(10), sudo: true), output: { _, _ in })
                  })
    }

    /// Runs `request` on a channel of its own.
    private func runOnChannel(_ request: ExecRequest, output: @escaping OutputHandler) async throws -> ExitStatus {
        var effective = request
        effective.sudo = request.sudo || config.sudo
        if case .stream(let stream) = request.input { stream.onInput { [loop] in loop.poke() } }
        let command = RemoteCommandLine.build(effective, loginIsRoot: config.user == "root", killAfterTimeout: true)
        let job = try ChannelJob(command: command, displayCommand: request.command, input: request.input,
                                 deadline: Deadline.after(request.timeout), host: config.label, output: output)
        return try await submit(job)
    }

    /// Opens the session now (otherwise the first command does): checks that the host is reachable,
    /// its key is known and our key is accepted.
    public func connect() async throws {
        let job = try ChannelJob(command: "", displayCommand: "(connect)", input: .none,
                                 deadline: Deadline.after(config.connectTimeout * 3), connectOnly: true,
                                 host: config.label, output: { _, _ in })
        _ = try await submit(job)
    }

    /// Fails commands still waiting, says goodbye to the server and ends the session's thread;
    /// returns when the thread has ended. The remote cannot be used afterwards. (Dropping the
    /// last reference does the same without waiting.)
    public func close() async {
        await dropShell()
        await loop.shutdownAndWait()
    }

    private func submit(_ job: ChannelJob) async throws -> ExitStatus {
        try Task.checkCancellation()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                job.continuation = continuation
                loop.submit(job)
            }
        } onCancel: { [loop] in
            job.requestCancel()
            loop.poke()
        }
    }
}
