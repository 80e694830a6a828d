/// A transport failure talking to a host. Its message names the host, the command (when there is
/// one) and the reason, as libssh2 or the system gave it. It never carries key material.
public struct RemoteError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The host could not be reached (connect failed or did not finish within the connect timeout).
        case unreachable
        /// The host's key is not the one in known_hosts, or is missing from it under the strict policy.
        case hostKeyRefused
        /// The host refused our key (or no key / agent identity was accepted).
        case authenticationFailed
        /// The SSH session or a channel failed (protocol error, channel refused, …).
        case transport
        /// The connection broke after the command was sent: it may or may not have run.
        case connectionLost
        /// The command did not finish within its timeout: it may or may not have taken effect.
        case timedOut
        /// The calling task was cancelled while waiting.
        case cancelled
        /// A file transfer failed (missing file, no permission, …).
        case transferFailed
        /// A local system call failed (spawning a process, opening a file, …).
        case local
        /// The remote was closed.
        case closed
    }

    public var kind: Kind
    /// The host's name (and address where known), e.g. "n1 (10.77.0.1:22)".
    public var host: String
    /// The command that was being run, if any.
    public var command: String?
    /// Why it failed, in words.
    public var reason: String

    public init(_ kind: Kind, host: String, command: String? = nil, reason: String) {
        self.kind = kind
        self.host = host
        self.command = command
        self.reason = reason
    }

    /// The host, the command's first line (when it matters) and the reason. A command is left out
    /// when the failure came before it could run (the host out of reach, its key or ours refused):
    /// the host and the reason are what a person needs then. `command` keeps it whole.
    public var description: String {
        switch kind {
        case .unreachable, .hostKeyRefused, .authenticationFailed:
            return "\(host): \(reason)"
        default:
            guard let command else { return "\(host): \(reason)" }
            let lines = command.split(separator: "\n", omittingEmptySubsequences: false)
            let shown = lines.count > 1 ? lines[0] + " …" : command[...]
            return "\(host): `\(shown)`: \(reason)"
        }
    }
}
