import CSystemShims
import Foundation
import RemoteCore

/// Runs a shell command line as a child of this process (in a process group of its own), feeding its
/// standard input and reading stdout and stderr together, on a thread of its own.
enum LocalProcess {
    /// See `Remote.run` for the contract; `host` names this machine in errors.
    static func run(command: String, input: ExecInput, timeout: Duration?, host: String,
                    output: @escaping OutputHandler) async throws -> ExitStatus {
        ControlRuntime.initialize()
        let cancel = WakeSignal()
        let inputWritten = WakeSignal()
        if case .stream(let stream) = input {
            stream.onInput { inputWritten.signal() }
            inputWritten.signal()   // what was written before the hook
        }
        let deadline = Deadline.after(timeout)
        return try await withTaskCancellationHandler {
            try await onOwnThread(name: "faultline-local") {
                let child = try Child.spawn(command: command, input: input, host: host)
                return try child.drive(deadline: deadline, cancel: cancel, inputWritten: inputWritten, output: output)
            }
        } onCancel: {
            cancel.signal()
        }
    }
}

/// One spawned child and the parent's ends of its pipes. Used by one thread only.
private final class Child {
    let pid: pid_t
    let command: String
    let host: String
    var stdinFD: Int32
    var stdoutFD: Int32
    var stderrFD: Int32
    var input: InputFeeder

    private init(pid: pid_t, command: String, host: String, fds: (Int32, Int32, Int32), input: InputFeeder) {
        self.pid = pid
        self.command = command
        self.host = host
        (stdinFD, stdoutFD, stderrFD) = fds
        self.input = input
    }

    static func spawn(command: String, input: ExecInput, host: String) throws -> Child {
        let feeder = try InputFeeder(input, host: host, command: command)
        var inPipe: [Int32] = [-1, -1], outPipe: [Int32] = [-1, -1], errPipe: [Int32] = [-1, -1]
        guard faultline_pipe_cloexec(&inPipe) == 0, faultline_pipe_cloexec(&outPipe) == 0, faultline_pipe_cloexec(&errPipe) == 0 else {
            throw RemoteError(.local, host: host, command: command, reason: "pipe: \(errnoText())")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)  // ignored here, but the child must get the default back
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setsigmask(&attr, &mask)
        posix_spawnattr_setpgroup(&attr, 0)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let words: [String] = ["/bin/sh", "-c", command]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, "/bin/sh", &actions, &attr, argv, environ)
        close(inPipe[0]); close(outPipe[1]); close(errPipe[1])
        guard rc == 0 else {
            close(inPipe[1]); close(outPipe[0]); close(errPipe[0])
            throw RemoteError(.local, host: host, command: command, reason: "posix_spawn: \(errnoText(rc))")
        }
        for fd in [inPipe[1], outPipe[0], errPipe[0]] {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
        return Child(pid: pid, command: command, host: host, fds: (inPipe[1], outPipe[0], errPipe[0]), input: feeder)
    }

    /// Pumps input and output until both outputs reach end of file, then reaps the child.
    /// `inputWritten` is signalled when a streamed input has more (polled instead of stdin then).
    func drive(deadline: Deadline?, cancel: WakeSignal, inputWritten: WakeSignal, output: OutputHandler) throws -> ExitStatus {
        defer { closeAll() }
        var buffer = [UInt8](repeating: 0, count: 65536)
        if input.isFinished { closeStdin() }
        while stdoutFD >= 0 || stderrFD >= 0 {
            if cancel.isSignalled { return try abandon(.cancelled, "cancelled") }
            if let deadline, deadline.hasPassed { return try abandon(.timedOut, "timed out") }
            var fds = [pollfd(fd: cancel.fd, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: inputWritten.fd, events: Int16(POLLIN), revents: 0)]
            if stdinFD >= 0 && !input.awaitsWriter { fds.append(pollfd(fd: stdinFD, events: Int16(POLLOUT), revents: 0)) }
            if stdoutFD >= 0 { fds.append(pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0)) }
            if stderrFD >= 0 { fds.append(pollfd(fd: stderrFD, events: Int16(POLLIN), revents: 0)) }
            _ = poll(&fds, nfds_t(fds.count), deadline?.millisecondsLeft ?? -1)
            if fds[1].revents != 0 { inputWritten.drain() }
            try feedInput()
            pump(&stdoutFD, .stdout, &buffer, output)
            pump(&stderrFD, .stderr, &buffer, output)
        }
        closeStdin()
        return reap()
    }

    private func feedInput() throws {
        guard stdinFD >= 0 else { return }
        switch input.write(to: stdinFD) {
        case .finished, .peerGone: closeStdin()
        case .pending: break
        case .failed(let reason):
            throw RemoteError(.local, host: host, command: command, reason: reason)
        }
    }

    private func pump(_ fd: inout Int32, _ kind: OutputStreamKind, _ buffer: inout [UInt8], _ output: OutputHandler) {
        guard fd >= 0 else { return }
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                buffer.withUnsafeBytes { output(kind, UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
                continue
            }
            if n < 0 && (errno == EAGAIN || errno == EINTR) { return }
            close(fd)
            fd = -1
            return
        }
    }

    private func abandon(_ kind: RemoteError.Kind, _ reason: String) throws -> ExitStatus {
        kill(-pid, SIGKILL)
        _ = reap()
        throw RemoteError(kind, host: host, command: command, reason: reason)
    }

    private func reap() -> ExitStatus {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let termsig = status & 0x7f
        if termsig != 0 { return ExitStatus(code: 0, signal: SignalName.of(termsig)) }
        return ExitStatus(code: (status >> 8) & 0xff)
    }

    private func closeStdin() {
        if stdinFD >= 0 { close(stdinFD); stdinFD = -1 }
    }

    private func closeAll() {
        closeStdin()
        if stdoutFD >= 0 { close(stdoutFD); stdoutFD = -1 }
        if stderrFD >= 0 { close(stderrFD); stderrFD = -1 }
        input.close()
    }
}
