import Foundation

/// A host that Faultline runs commands on and moves files to and from.
///
/// Contract, for every implementation:
/// - `run` executes `request.command` as one shell command line (`sh -c` semantics) on the host and
///   returns its exit status once the command has finished and all of its output was delivered.
///   A non-zero exit status or a death by signal is a *result*, never a thrown error.
/// - Output is handed to `output` in chunks, in order, as it arrives, one call at a time, on a thread
///   owned by the transport (never Swift's cooperative pool). The buffer is only valid during the
///   call: copy what you keep. The handler must return quickly and must not wait on this remote.
/// - Transport failures throw `RemoteError` naming the host, the command and the reason: the host
///   cannot be reached within the connect timeout, the host key is refused, authentication fails,
///   the connection is lost while the command runs (outcome unknown), or `request.timeout` expires
///   (`RemoteError.Kind.timedOut`; the outcome is unknown, and the remote command is ended).
/// - Cancelling the calling task ends the wait like a timeout does.
/// - Implementations are safe to call from many tasks at once; calls may run concurrently.
public protocol Remote: Sendable {
    /// The host's name, as used in messages and in the inventory.
    var name: String { get }

    /// Runs `request` on the host, streaming its output to `output`.
    func run(_ request: ExecRequest, output: @escaping OutputHandler) async throws -> ExitStatus

    /// Copies the local file at `localPath` to `remotePath` on the host, keeping its permission bits.
    /// The destination is replaced atomically (written under a temporary name, then renamed).
    func upload(_ localPath: String, to remotePath: String, options: TransferOptions) async throws

    /// Copies `remotePath` on the host to the local `localPath`, keeping its permission bits.
    /// The destination is replaced atomically.
    func download(_ remotePath: String, to localPath: String, options: TransferOptions) async throws
}

/// Which of a command's output streams a chunk belongs to.
public enum OutputStreamKind: Sendable, Equatable {
    case stdout
    case stderr
}

/// Receives output chunks; see `Remote.run` for when and where it is called.
public typealias OutputHandler = @Sendable (OutputStreamKind, UnsafeRawBufferPointer) -> Void

/// What a command reads on its standard input.
public enum ExecInput: Sendable, Equatable {
    /// Nothing: standard input is at end of file right away.
    case none
    /// These bytes.
    case bytes([UInt8])
    /// The contents of a local file, read in chunks as the remote consumes them.
    case file(String)
    /// Bytes written while the command runs, until the stream is finished.
    case stream(StreamedInput)
}

/// One command to run on a host.
public struct ExecRequest: Sendable, Equatable {
    /// A shell command line, run by `sh -c` on the host. Build it with `ShellQuote` when it carries
    /// arguments.
    public var command: String
    /// How long to wait for the command to finish; `nil` waits for ever.
    public var timeout: Duration?
    /// Run the command as root through `sudo -n` (a no-op where the login user is root already).
    public var sudo: Bool
    /// What the command reads on standard input.
    public var input: ExecInput

    public init(_ command: String, timeout: Duration? = nil, sudo: Bool = false, input: ExecInput = .none) {
        self.command = command
        self.timeout = timeout
        self.sudo = sudo
        self.input = input
    }

    /// A request that runs the program `argv[0]` with arguments, each quoted for the shell.
    public init(argv: [String], timeout: Duration? = nil, sudo: Bool = false, input: ExecInput = .none) {
        self.init(ShellQuote.join(argv), timeout: timeout, sudo: sudo, input: input)
    }
}

/// How a command ended.
public struct ExitStatus: Sendable, Equatable, CustomStringConvertible {
    /// The exit code; 0 when the command was killed by a signal (SSH reports no code then).
    public var code: Int32
    /// The name of the signal that killed the command ("KILL", "TERM", …), if one did.
    public var signal: String?

    public init(code: Int32, signal: String? = nil) {
        self.code = code
        self.signal = signal
    }

    /// True when the command exited by itself with code 0.
    public var isSuccess: Bool { code == 0 && signal == nil }

    public var description: String {
        if let signal { return "killed by SIG\(signal)" }
        return "exit \(code)"
    }
}

/// A finished command with all of its output.
public struct ExecResult: Sendable, Equatable {
    public var host: String
    public var command: String
    public var status: ExitStatus
    public var stdout: [UInt8]
    public var stderr: [UInt8]

    public init(host: String, command: String, status: ExitStatus, stdout: [UInt8], stderr: [UInt8]) {
        self.host = host
        self.command = command
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }

    /// Standard output decoded as UTF-8 (invalid bytes replaced).
    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    /// Standard error decoded as UTF-8 (invalid bytes replaced).
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
}

/// Options for `upload` and `download`.
public struct TransferOptions: Sendable, Equatable {
    /// How long the whole transfer may take; `nil` waits for ever.
    public var timeout: Duration?
    /// Read or write the remote file as root through `sudo -n`.
    public var sudo: Bool

    public init(timeout: Duration? = nil, sudo: Bool = false) {
        self.timeout = timeout
        self.sudo = sudo
    }
}

extension Remote {
    /// Runs `request` and collects its whole output (held once, in the result).
    public func exec(_ request: ExecRequest) async throws -> ExecResult {
        let collector = OutputCollector()
        let status = try await run(request, output: collector.handler)
        let (out, err) = collector.take()
        return ExecResult(host: name, command: request.command, status: status, stdout: out, stderr: err)
    }

    /// Runs the shell command line `command` and collects its output.
    public func exec(_ command: String, timeout: Duration? = nil, sudo: Bool = false) async throws -> ExecResult {
        try await exec(ExecRequest(command, timeout: timeout, sudo: sudo))
    }

    public func upload(_ localPath: String, to remotePath: String) async throws {
        try await upload(localPath, to: remotePath, options: TransferOptions())
    }

    public func download(_ remotePath: String, to localPath: String) async throws {
        try await download(remotePath, to: localPath, options: TransferOptions())
    }
}

/// Accumulates the chunks of one command's output. The transport calls `handler` serially (see
/// `Remote.run`), and `take` is called after `run` returned, so a lock is all the safety needed.
final class OutputCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var stdout: [UInt8] = []
    private var stderr: [UInt8] = []

    var handler: OutputHandler {
        { [self] kind, bytes in
            lock.withLock {
                switch kind {
                case .stdout: stdout.append(contentsOf: bytes)
                case .stderr: stderr.append(contentsOf: bytes)
                }
            }
        }
    }

    func take() -> ([UInt8], [UInt8]) {
        lock.withLock {
            defer { stdout = []; stderr = [] }
            return (stdout, stderr)
        }
    }
}
