import RemoteCore

/// One long-running process on one host, controlled through a pid file it writes itself: start
/// detached, stop (TERM, then KILL), kill, pause, resume, look at its state and its log. All of it
/// runs as `sh` scripts through the host's `Remote`, so it works on any host Faultline reaches
/// (see `DaemonScripts` for how each step is made safe).
///
/// Contract: a signal goes only to the pid in `pidFile`, and only while `/proc/PID/cmdline` starts
/// with `binary` and contains `marker` as a whole argument — never to a process found by name.
/// Failures throw `DaemonError` (the script ran and said why) or `RemoteError` (transport).
public struct RemoteDaemon: Sendable, Equatable {
    /// The absolute path of the program; the daemon's argv[0].
    public var binary: String
    /// One argument of the daemon's command line that no other process on the host has, e.g.
    /// `--data-dir=/srv/n1/etcd/data`. Hosts of the local lab share one process table: this is what
    /// tells the nodes' daemons apart.
    public var marker: String
    /// Where the daemon's pid is written.
    public var pidFile: String
    /// Where its stdout and stderr go (appended).
    public var logFile: String
    /// Further directories to create before starting (the pid and log files' folders always are).
    public var directories: [String]
    /// Variables added to the daemon's environment. `LD_PRELOAD` is left out when the library it
    /// names cannot be read on the host (a missing preload would only print an error).
    public var environment: [String: String]
    /// How long a command on the host may take before it counts as failed (outcome unknown).
    public var commandTimeout: Duration

    public init(binary: String, marker: String, pidFile: String, logFile: String, directories: [String] = [],
                environment: [String: String] = [:], commandTimeout: Duration = .seconds(30)) {
        self.binary = binary
        self.marker = marker
        self.pidFile = pidFile
        self.logFile = logFile
        self.directories = directories
        self.environment = environment
        self.commandTimeout = commandTimeout
    }

    /// What runs, as `/proc` shows it.
    public enum State: Sendable, Equatable {
        /// Our daemon runs with this pid; `state` is its letter in `/proc/PID/stat` (`T`: stopped).
        case running(pid: Int32, state: Character)
        case notRunning
    }

    /// Starts `binary arguments…` unless it runs already; returns its pid once the process exists
    /// (not once it serves: that is the caller's to check). `arguments` must contain `marker`.
    /// `freshLog` empties the log first; otherwise output is appended (a restart keeps the history).
    @discardableResult
    public func start(_ arguments: [String], on remote: any Remote, freshLog: Bool,
                      wait: Duration = .seconds(5)) async throws -> Int32 {
        guard arguments.contains(marker) else {
            throw DaemonError(action: "start", message: "the arguments lack the marker \(marker)")
        }
        let output = try await run("start", DaemonScripts.start(self, arguments: arguments, freshLog: freshLog, wait: wait), on: remote)
        guard let pid = Int32(output.trimmingWhitespace) else {
            throw DaemonError(action: "start", message: "unexpected output: \(output)")
        }
        return pid
    }

    /// Stops the daemon if it runs (SIGCONT, SIGTERM, after `grace` SIGKILL), waits until it is
    /// gone, then removes `paths` (recursively) and the pid file. Succeeds when nothing runs.
    public func stop(on remote: any Remote, grace: Duration = .seconds(10), removing paths: [String] = []) async throws {
        _ = try await run("stop", DaemonScripts.stop(self, grace: grace, removing: paths), on: remote)
    }

    /// SIGKILL; returns once the process is gone (absent or a zombie). Succeeds when nothing runs.
    public func kill(on remote: any Remote) async throws {
        _ = try await run("kill", DaemonScripts.kill(self), on: remote)
    }

    /// SIGSTOP; returns once the process is in state `T`. Throws when the daemon does not run.
    public func pause(on remote: any Remote) async throws {
        _ = try await run("pause", DaemonScripts.pause(self), on: remote)
    }

    /// SIGCONT; returns once the process has left state `T`. Succeeds when nothing runs.
    public func resume(on remote: any Remote) async throws {
        _ = try await run("resume", DaemonScripts.resume(self), on: remote)
    }

    /// Whether our daemon runs, and its state letter.
    public func state(on remote: any Remote) async throws -> State {
        let words = try await run("status", DaemonScripts.status(self), on: remote).split(separator: " ")
        if words.count == 3, words[0] == "running", let pid = Int32(words[1]), let letter = words[2].first {
            return .running(pid: pid, state: letter)
        }
        return .notRunning
    }

    /// The log when it is short, otherwise its first 5 and last `lines` lines (with `[…]` between);
    /// empty when it cannot be read.
    public func logExcerpt(on remote: any Remote, lines: Int = 20) async -> String {
        (try? await remote.exec(DaemonScripts.logExcerpt(self, lines: lines), timeout: commandTimeout).stdoutText) ?? ""
    }

    /// Runs `script` for this daemon with its functions (`ourpid`, `state`, …) defined first and
    /// returns its stdout; a non-zero exit throws `DaemonError` with what it printed.
    public func run(_ action: String, _ script: String, on remote: any Remote) async throws -> String {
        let result = try await remote.exec(script, timeout: commandTimeout)
        guard result.status.isSuccess else {
            let said = (result.stderrText + result.stdoutText).trimmingWhitespace
            throw DaemonError(action: action, message: "\(result.status)" + (said.isEmpty ? "" : ": \(said)"))
        }
        return result.stdoutText
    }

    /// `run`, again every second while it fails, until it succeeds or `limit` has passed (then
    /// its last error is thrown). For member changes a cluster refuses for a while after a start
    /// or another change (etcd: "unhealthy cluster" until its members have been connected 5 s).
    public func runRetrying(_ action: String, _ script: String, on remote: any Remote, for limit: Duration = .seconds(30)) async throws -> String {
        let deadline = ContinuousClock.now + limit
        while true {
            do { return try await run(action, script, on: remote) } catch {
                guard ContinuousClock.now < deadline else { throw error }
            }
            try await Task.sleep(for: .seconds(1))
        }
    }

    /// `body` preceded by this daemon's shell functions (see `DaemonScripts`).
    func script(_ body: String) -> String { DaemonScripts.prelude(self) + body }
}

/// A daemon control script ran and failed; `message` is what it said.
public struct DaemonError: Error, Sendable, Equatable, CustomStringConvertible {
    public var action: String
    public var message: String

    public init(action: String, message: String) {
        self.action = action
        self.message = message
    }

    public var description: String { "\(action): \(message)" }
}
