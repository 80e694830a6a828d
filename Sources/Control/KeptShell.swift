import Foundation
import RemoteCore
import Synchronization

/// One `sh` kept running on a host, fed command lines on its standard input: a command costs
/// one write on a channel already open, instead of a new channel, an exec request and the
/// login shell, `timeout` and `sh -c` started on the host (what a triggered fault waits for).
///
/// One command at a time: `run` answers nil (the caller runs the command as before) while
/// another one runs or once the shell has ended. Each command runs in a subshell through `eval`
/// (an `exit`, a `cd` or a syntax error ends only the subshell) with standard input from
/// `/dev/null`; after it the shell prints a marker with the exit status on stdout and one on
/// stderr, and what came before the markers is the command's output. A command whose timeout
/// passes, or whose caller gives up, ends the shell: its process group is killed through
/// `kill` (the way the host ends a timed-out command on a channel of its own), and the command's
/// outcome is unknown. A shell that ends while a command runs answers it `connectionLost`.
final class KeptShell: Sendable {
    /// Runs the long-lived shell command (a channel of the remote's own, not the kept shell).
    typealias Start = @Sendable (ExecRequest, @escaping OutputHandler) async throws -> ExitStatus
    /// Runs a one-off command on the host as the shell's user (to end a stuck shell).
    typealias Exec = @Sendable (String) async -> Void

    let host: String
    private let input = StreamedInput()
    private let marker: [UInt8]
    private let token: String
    private let state = Mutex(State())
    private let exec: Exec
    private let runner = Mutex<Task<Void, Never>?>(nil)

    private struct Pending {
        var id: Int
        var command: String
        var continuation: CheckedContinuation<ExitStatus?, Error>
        var output: OutputHandler
        var status: Int32?
        var stderrDone = false
        var stdout: [UInt8] = []
        var stderr: [UInt8] = []
    }

    private struct State {
        var ended = false
        /// The shell's pid, from its first line (command 0).
        var pid: Int32?
        var current: Pending?
        var nextID = 1
        var stdout: [UInt8] = []
        var stderr: [UInt8] = []
        /// Output of the current command seen before its marker (unparsed output stays in
        /// `stdout`/`stderr` while a marker may begin in it).
        var heldOut: [UInt8] = []
        var heldErr: [UInt8] = []
    }

    /// Starts the shell through `start` (as root when `root`), at once.
    init(host: String, root: Bool, start: @escaping Start, exec: @escaping Exec) {
        self.host = host
        self.exec = exec
        token = "faultline-kept-" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
        marker = Array("\n\(token) ".utf8)
        // Command 0: the shell's pid, for ending it if a command gets stuck.
        input.write(Array("printf '\\n%s 0 %d\\n' \(token) $$; printf '\\n%s 0 \\n' \(token) >&2\n".utf8))
        let request = ExecRequest("exec sh", sudo: root, input: .stream(input))
        let task = Task { [self] in
            let why: String
            do {
                let status = try await start(request) { [self] kind, bytes in received(kind, Array(bytes)) }
                why = "the kept shell ended (\(status))"
            } catch {
                why = "the kept shell's channel failed (\(error))"
            }
            ended(why)
        }
        runner.withLock { $0 = task }
    }

    /// True until the shell has ended.
    var isRunning: Bool { state.withLock { !$0.ended } }

    /// Runs `request` in the shell and streams its output; nil when the shell is busy or ended
    /// (the caller runs it another way). The request's `sudo` is the caller's to match.
    func run(_ request: ExecRequest, output: @escaping OutputHandler) async throws -> ExitStatus? {
        try Task.checkCancellation()
        let id = state.withLock { s -> Int? in
            guard !s.ended, s.current == nil else { return nil }
            defer { s.nextID += 1 }
            return s.nextID
        }
        guard let id else { return nil }
        let line = "( eval \(ShellQuote.quote(request.command)) ) </dev/null; s=$?; "
            + "printf '\\n%s \(id) %d\\n' \(token) $s; printf '\\n%s \(id) \\n' \(token) >&2\n"
        let watchdog = request.timeout.map { timeout in
            Task { [self] in
                guard (try? await Task.sleep(for: timeout)) != nil else { return }
                await give(up: id, RemoteError(.timedOut, host: host, command: request.command,
                                               reason: "no answer within the timeout (kept shell); the outcome is unknown"))
            }
        }
        defer { watchdog?.cancel() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let taken = state.withLock { s -> Bool in
                    guard !s.ended, s.current == nil else { return false }
                    s.current = Pending(id: id, command: request.command, continuation: continuation, output: output)
                    return true
                }
                if taken { input.write(Array(line.utf8)) } else { continuation.resume(returning: nil) }
            }
        } onCancel: {
            Task { await self.give(up: id, RemoteError(.cancelled, host: self.host, command: request.command, reason: "cancelled")) }
        }
    }

    /// Ends the input (the shell exits after its command) and waits up to `grace` for the shell
    /// to end; then its process group is killed and its channel closed.
    func close(grace: Duration = .seconds(5)) async {
        input.finish()
        let task = runner.withLock { $0 }
        let waited = Task { await task?.value }
        let deadline = ContinuousClock.now + grace
        while isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        if isRunning { await kill() }
        task?.cancel()
        await waited.value
    }

    /// The command `id` is answered with `error` (unless it was answered already), and the
    /// shell, which may still run it, is ended.
    private func give(up id: Int, _ error: RemoteError) async {
        let pending = state.withLock { s -> Pending? in
            guard s.current?.id == id else { return nil }
            defer { s.current = nil; s.ended = true }
            return s.current
        }
        guard let pending else { return }
        pending.continuation.resume(throwing: error)
        // Apart from the caller's task (cancelled once it has its answer).
        await Task.detached { [self] in
            await kill()
            input.finish()
            runner.withLock { $0 }?.cancel()
        }.value
    }

    /// Kills the shell's process group (the shell and what it runs; daemons it started with
    /// `setsid` are in groups of their own), when the pid it reported still runs `sh`. (dash's
    /// `kill` takes the group as `-SIG -PGID`, without `--`.)
    private func kill() async {
        guard let pid = state.withLock({ $0.pid }) else { return }
        await exec("""
            c=$(tr '\\0' ' ' </proc/\(pid)/cmdline 2>/dev/null) || exit 0
            case "$c" in *sh*) ;; *) exit 0;; esac
            g=$(ps -o pgid= -p \(pid) | tr -d ' ')
            [ -n "$g" ] && kill -KILL -"$g" 2>/dev/null; kill -KILL \(pid) 2>/dev/null; true
            """)
    }

    /// The shell's channel ended: the command under way (if any) has an unknown outcome.
    private func ended(_ why: String) {
        let pending = state.withLock { s -> Pending? in
            s.ended = true
            defer { s.current = nil }
            return s.current
        }
        pending?.continuation.resume(throwing: RemoteError(.connectionLost, host: host, command: pending?.command,
                                                           reason: "\(why) while the command ran; its outcome is unknown"))
    }

    /// Output of the shell (on the transport's thread): command output, or a marker ending it.
    private func received(_ kind: OutputStreamKind, _ bytes: [UInt8]) {
        let done: Pending? = state.withLock { s in
            let stdout = kind == .stdout
            var buffer = (stdout ? s.stdout : s.stderr) + bytes
            var held = stdout ? s.heldOut : s.heldErr
            var finished: Pending?
            while let (id, value, before) = Self.cut(&buffer, marker: marker) {
                held += before
                defer { held = [] }
                if id == 0 {   // the shell's first line: its pid
                    if stdout { s.pid = value }
                    continue
                }
                guard var pending = s.current, pending.id == id else { continue }
                if stdout { (pending.status, pending.stdout) = (value ?? 255, held) } else { (pending.stderrDone, pending.stderr) = (true, held) }
                s.current = pending
                if pending.status != nil, pending.stderrDone {
                    finished = pending
                    s.current = nil
                }
            }
            // Output with no marker in it yet: keep only what may begin one.
            Self.hold(&buffer, into: &held, keeping: marker.count + 48)
            if stdout { (s.stdout, s.heldOut) = (buffer, held) } else { (s.stderr, s.heldErr) = (buffer, held) }
            return finished
        }
        guard let done, let status = done.status else { return }
        if !done.stdout.isEmpty { done.stdout.withUnsafeBytes { done.output(.stdout, $0) } }
        if !done.stderr.isEmpty { done.stderr.withUnsafeBytes { done.output(.stderr, $0) } }
        done.continuation.resume(returning: ExitStatus(code: status))
    }

    /// Cuts the first whole marker line `\nTOKEN ID [VALUE]\n` out of `buffer`: returns its id,
    /// value and the bytes before it (the rest stays in `buffer`); nil when there is none yet.
    static func cut(_ buffer: inout [UInt8], marker: [UInt8]) -> (id: Int, value: Int32?, before: [UInt8])? {
        guard let start = buffer.firstRange(of: marker),
              let end = buffer[start.upperBound...].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        let words = String(decoding: buffer[start.upperBound..<end], as: UTF8.self).split(separator: " ")
        let before = Array(buffer[..<start.lowerBound])
        buffer.removeSubrange(..<(end + 1))
        guard let first = words.first, let id = Int(first) else { return (-1, nil, before) }
        return (id, words.count > 1 ? Int32(words[1]) : nil, before)
    }

    /// Moves all of `buffer` but its last `keeping` bytes (a marker may begin there) to `held`.
    private static func hold(_ buffer: inout [UInt8], into held: inout [UInt8], keeping: Int) {
        guard buffer.count > keeping else { return }
        let cut = buffer.count - keeping
        held += buffer[..<cut]
        buffer.removeSubrange(..<cut)
    }
}
