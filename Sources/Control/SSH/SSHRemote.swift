import Foundation
import RemoteCore

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
public final class SSHRemote: Remote {
    public let config: SSHHostConfig
    private let loop: SessionLoop

    public init(_ config: SSHHostConfig) {
        ControlRuntime.initialize()
        self.config = config
        loop = SessionLoop(config: config)
    }

    deinit { loop.shutdown() }

    public var name: String { config.name }

    public func run(_ request: ExecRequest, output: @escaping OutputHandler) async throws -> ExitStatus {
        var effective = request
        effective.sudo = request.sudo || config.sudo
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
