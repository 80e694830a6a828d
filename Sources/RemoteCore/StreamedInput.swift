import Synchronization

/// Standard input written while the command runs (`ExecInput.stream`): a kept shell's command
/// lines. Bytes are buffered until the transport takes them; `finish` ends the input (the
/// command sees end of file once everything written was taken).
public final class StreamedInput: Sendable, Equatable {
    private struct State {
        var bytes: [UInt8] = []
        var finished = false
        var wake: (@Sendable () -> Void)?
    }
    private let state = Mutex(State())

    public init() {}

    /// Appends `bytes` to the input; ignored once finished.
    public func write(_ bytes: [UInt8]) {
        let wake: (@Sendable () -> Void)? = state.withLock { s in
            guard !s.finished else { return nil }
            s.bytes += bytes
            return s.wake
        }
        wake?()
    }

    /// Ends the input after what was written.
    public func finish() {
        let wake = state.withLock { s in
            s.finished = true
            return s.wake
        }
        wake?()
    }

    /// For transports: `wake` is called after each `write` and on `finish` (from the writer's
    /// thread), so the transport looks for input again.
    public func onInput(_ wake: @escaping @Sendable () -> Void) {
        state.withLock { $0.wake = wake }
    }

    /// For transports: takes what was written so far, and whether the input has ended.
    public func take() -> (bytes: [UInt8], finished: Bool) {
        state.withLock { s in
            defer { s.bytes = [] }
            return (s.bytes, s.finished)
        }
    }

    public static func == (a: StreamedInput, b: StreamedInput) -> Bool { a === b }
}

/// A remote that can keep one shell running on its host and send it the commands it runs, so
/// that a command costs one write instead of a new channel and a new process (`SSHRemote`).
public protocol ShellKeeping: Remote {
    /// Starts the kept shell (unless it runs) and sends it commands from now on; a command
    /// that arrives while the shell is busy or gone runs as before.
    func keepShell()
    /// Ends the kept shell (end of input, then its process ended if it lingers) and waits for
    /// it; commands run as before afterwards.
    func dropShell() async
}
