// The Control target: the Remote implementations (SSH over libssh2, local processes), the inventory and the namespace lab.

import Foundation
import RemoteCore

/// Builds the command line that is actually sent to a host for an `ExecRequest`.
enum RemoteCommandLine {
    /// `request.command`, wrapped in `sudo -n` when asked for and the login is not root, and, when
    /// `killAfterTimeout` is set and the request has a timeout, in `timeout(1)` with a little slack:
    /// the caller gives up at the timeout, and the host ends the command shortly after, so nothing
    /// keeps running unseen.
    static func build(_ request: ExecRequest, loginIsRoot: Bool, killAfterTimeout: Bool) -> String {
        var prefix: [String] = []
        if request.sudo && !loginIsRoot {
            prefix += ["sudo", "-n", "--"]
        }
        if killAfterTimeout, let timeout = request.timeout {
            prefix += ["timeout", "-k", "1", seconds(timeout + .seconds(1))]
        }
        if prefix.isEmpty { return request.command }
        return ShellQuote.join(prefix + ["sh", "-c", request.command])
    }

    static func seconds(_ duration: Duration) -> String {
        let (s, attoseconds) = duration.components
        let millis = attoseconds / 1_000_000_000_000_000
        return millis == 0 ? "\(s)" : String(format: "%lld.%03lld", s, millis)
    }
}

/// A point on the monotonic clock by which something must be done.
struct Deadline: Sendable, Comparable {
    let nanoseconds: UInt64

    static func now() -> Deadline {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Deadline(nanoseconds: UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec))
    }

    /// `duration` from now, or nil (never) for a nil duration.
    static func after(_ duration: Duration?) -> Deadline? {
        guard let duration else { return nil }
        return now().adding(duration)
    }

    /// This point moved `duration` later (negative durations count as zero).
    func adding(_ duration: Duration) -> Deadline {
        let (s, atto) = duration.components
        let ns = UInt64(max(0, s)) * 1_000_000_000 + UInt64(max(0, atto) / 1_000_000_000)
        return Deadline(nanoseconds: nanoseconds &+ ns)
    }

    var hasPassed: Bool { Deadline.now() >= self }

    /// Milliseconds left, rounded up, at least 0: a `poll` timeout.
    var millisecondsLeft: Int32 {
        let now = Deadline.now().nanoseconds
        guard nanoseconds > now else { return 0 }
        return Int32(min(UInt64(Int32.max), (nanoseconds - now + 999_999) / 1_000_000))
    }

    static func < (a: Deadline, b: Deadline) -> Bool { a.nanoseconds < b.nanoseconds }
}

/// Names of signals as SSH reports them ("KILL" for SIGKILL).
enum SignalName {
    static func of(_ number: Int32) -> String {
        let names: [Int32: String] = [
            SIGHUP: "HUP", SIGINT: "INT", SIGQUIT: "QUIT", SIGILL: "ILL", SIGABRT: "ABRT",
            SIGFPE: "FPE", SIGKILL: "KILL", SIGSEGV: "SEGV", SIGPIPE: "PIPE", SIGALRM: "ALRM",
            SIGTERM: "TERM", SIGUSR1: "USR1", SIGUSR2: "USR2", SIGBUS: "BUS",
        ]
        return names[number] ?? "\(number)"
    }
}

/// Runs blocking work on a thread of its own, never on Swift's cooperative pool.
func onOwnThread<T: Sendable>(name: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            continuation.resume(with: Result { try body() })
        }
        thread.name = name
        thread.start()
    }
}
