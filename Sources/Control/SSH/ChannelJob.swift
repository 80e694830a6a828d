import CLibSSH2
import Foundation
import RemoteCore

/// One command on one SSH channel, as a state machine that the session's thread advances without
/// ever blocking: every step returns as soon as libssh2 says EAGAIN.
///
/// A call that got EAGAIN with its packet half-written (`SSHConnection.hasHalfSentPacket`) holds
/// the session: it is made again before anything else sends, by this job (which tries nothing else
/// first, and is not freed before) and by the others (the loop steps only this job meanwhile).
final class ChannelJob: @unchecked Sendable {
    enum State { case opening, starting, running, closing, waitingClosed, freeing, released }
    /// A libssh2 call that may leave a packet half-written: in `.running` one of write, eof and
    /// read; in the other states, the state's own call.
    enum Call { case open, startup, write, eof, read, close, waitClosed, free }

    /// The command line sent to the host, and the one the caller gave (for messages).
    let command: String
    let displayCommand: String
    let deadline: Deadline?
    /// Only establishes the session (for `SSHRemote.connect()`), runs nothing.
    let connectOnly: Bool
    private let output: OutputHandler
    private let input: InputFeeder

    // Set once before submission, then used by the loop thread only.
    var continuation: CheckedContinuation<ExitStatus, Error>?
    private(set) var state: State = .opening
    private var channel: OpaquePointer?
    private var inputDone = false
    /// Once the exec request may have reached the server, a broken connection makes the outcome
    /// unknown and the command must not be sent again.
    private(set) var mayHaveStarted = false
    var attempts = 0
    /// When the server was first asked for this job's channel (on the current session).
    private var openingSince: Deadline?
    /// The call whose packet is half-written: it must be made again before anything else sends.
    private(set) var halfSent: Call?
    private var halfSentSince: Deadline?

    private let cancelLock = NSLock()
    private var cancelRequested = false

    init(command: String, displayCommand: String, input: ExecInput, deadline: Deadline?,
         connectOnly: Bool = false, host: String, output: @escaping OutputHandler) throws {
        self.command = command
        self.displayCommand = displayCommand
        self.deadline = deadline
        self.connectOnly = connectOnly
        self.output = output
        self.input = try InputFeeder(input, host: host, command: displayCommand)
    }

    /// Called from any thread: asks the loop to give up on this job.
    func requestCancel() { cancelLock.withLock { cancelRequested = true } }
    var isCancelRequested: Bool { cancelLock.withLock { cancelRequested } }

    /// True once the caller has had its answer.
    var isAnswered: Bool { continuation == nil }
    /// True once nothing on the session refers to this job any more.
    var isReleased: Bool { state == .released }

    /// Answers the caller with an error. A channel that is open is then closed quietly (once a
    /// half-written packet is out: `step` sees to both).
    func abandon(_ error: Error) {
        answer(.failure(error))
        if halfSent == nil { state = channel == nil ? .released : .freeing }
    }

    /// Forgets a channel that died with its session, so the job can run on a new session.
    func resetForRetry() {
        channel = nil
        state = .opening
        inputDone = false
        openingSince = nil
        halfSent = nil
        halfSentSince = nil
    }

    /// Since when this job has waited on the server: for the answer to its channel request, or
    /// to take the rest of a half-written packet. Nil when it does not.
    var waitingOnServerSince: Deadline? {
        [state == .opening ? openingSince : nil, halfSentSince].compactMap { $0 }.min()
    }

    /// Forgets a channel that died with its session (the session frees it).
    func dropChannel() {
        channel = nil
        state = .released
        halfSent = nil
        halfSentSince = nil
    }

    /// Notes whether `call`, which returned `rc`, left its packet half-written.
    private func track(_ call: Call, _ rc: Int, _ connection: SSHConnection) {
        halfSent = rc == Int(LIBSSH2_ERROR_EAGAIN) && connection.hasHalfSentPacket ? call : nil
        halfSentSince = halfSent == nil ? nil : halfSentSince ?? Deadline.now()
    }

    /// Advances as far as possible without blocking. Returns whether anything happened.
    /// Throws `SSHFailure` for failures of the channel or the session.
    func step(_ connection: SSHConnection, buffer: inout [UInt8]) throws -> Bool {
        let held = halfSent != nil
        var progressed = try advance(connection, buffer: &buffer)
        if held && halfSent == nil { progressed = true }  // the session is free for the others
        return progressed
    }

    private func advance(_ connection: SSHConnection, buffer: inout [UInt8]) throws -> Bool {
        var progressed = false
        while true {
            // Abandoned while a packet was half-written: that packet is out now.
            if isAnswered && halfSent == nil && [.opening, .starting, .running].contains(state) {
                state = channel == nil ? .released : .freeing
            }
            switch state {
            case .opening:
                if connectOnly {
                    answer(.success(ExitStatus(code: 0)))
                    state = .released
                    return true
                }
                let opened = libssh2_channel_open_ex(connection.session, "session", 7,
                                                     UInt32(2 * 1024 * 1024), 32768, nil, 0)
                let code = opened == nil ? libssh2_session_last_errno(connection.session) : 0
                track(.open, Int(code), connection)
                guard let opened else {
                    if code == LIBSSH2_ERROR_EAGAIN {
                        if openingSince == nil { openingSince = Deadline.now() }
                        return progressed
                    }
                    throw connection.lastFailure(code)
                }
                channel = opened
                state = .starting
            case .starting:
                mayHaveStarted = true
                let rc = command.withCString {
                    libssh2_channel_process_startup(channel, "exec", 4, $0, UInt32(strlen($0)))
                }
                track(.startup, Int(rc), connection)
                if rc == LIBSSH2_ERROR_EAGAIN { return progressed }
                if rc < 0 { throw connection.lastFailure(rc) }
                state = .running
            case .running:
                progressed = try pump(connection, buffer: &buffer) || progressed
                if halfSent != nil { return progressed }
                if isAnswered { continue }  // abandoned: the channel is freed (above)
                guard libssh2_channel_eof(channel) == 1 else { return progressed }
                state = .closing
            case .closing:
                let rc = libssh2_channel_close(channel)
                track(.close, Int(rc), connection)
                if rc == LIBSSH2_ERROR_EAGAIN { return progressed }
                if rc < 0 && SSHLibrary.breaksSession(rc) { throw connection.lastFailure(rc) }
                state = .waitingClosed
            case .waitingClosed:
                let rc = libssh2_channel_wait_closed(channel)
                track(.waitClosed, Int(rc), connection)
                if rc == LIBSSH2_ERROR_EAGAIN { return progressed }
                if rc < 0 && SSHLibrary.breaksSession(rc) { throw connection.lastFailure(rc) }
                answer(.success(exitStatus(connection)))
                state = .freeing
            case .freeing:
                let rc = libssh2_channel_free(channel)
                track(.free, Int(rc), connection)
                if rc == LIBSSH2_ERROR_EAGAIN { return progressed }
                channel = nil
                state = .released
                return true
            case .released:
                return progressed
            }
            progressed = true
        }
    }

    /// Feeds standard input and drains stdout and stderr, as far as the channel allows. Stops at a
    /// call that leaves its packet half-written, and begins with it next time.
    private func pump(_ connection: SSHConnection, buffer: inout [UInt8]) throws -> Bool {
        var progressed = false
        if halfSent != .read {
            progressed = try feedInput(connection)
            if halfSent != nil || isAnswered { return progressed }
        }
        for stream: Int32 in [0, SSH_EXTENDED_DATA_STDERR] {
            while true {
                // A read may first send a window adjustment; either stream's read finishes one.
                let n = buffer.withUnsafeMutableBytes { raw in
                    libssh2_channel_read_ex(channel, stream, raw.baseAddress!.assumingMemoryBound(to: CChar.self), raw.count)
                }
                track(.read, n, connection)
                if halfSent != nil { return progressed }
                if n > 0 {
                    progressed = true
                    if !isAnswered {
                        buffer.withUnsafeBytes {
                            output(stream == 0 ? .stdout : .stderr, UnsafeRawBufferPointer(rebasing: $0[0..<n]))
                        }
                    }
                    continue
                }
                if n < 0 && n != LIBSSH2_ERROR_EAGAIN { throw connection.lastFailure(Int32(n)) }
                break
            }
        }
        return progressed
    }

    private func feedInput(_ connection: SSHConnection) throws -> Bool {
        guard !inputDone else { return false }
        var sessionFailure: SSHFailure?
        var wrote = false
        let progress = input.feed { chunk in
            // Abandoned: only the half-written packet still goes out.
            if wrote && isAnswered { return -Int(EAGAIN) }
            let n = libssh2_channel_write_ex(channel, 0, chunk.baseAddress!.assumingMemoryBound(to: CChar.self), chunk.count)
            track(.write, n, connection)
            if n > 0 { wrote = true; return n }
            if n == LIBSSH2_ERROR_EAGAIN { return -Int(EAGAIN) }
            if SSHLibrary.breaksSession(Int32(n)) { sessionFailure = connection.lastFailure(Int32(n)) }
            return -Int(EPIPE)  // the channel is closing: the command stopped reading
        }
        if let sessionFailure { throw sessionFailure }
        switch progress {
        case .pending:
            return wrote
        case .peerGone:
            inputDone = true
        case .failed(let reason):
            if isAnswered { return wrote }  // abandoned, the input is closed: nothing more to send
            throw SSHFailure(code: 0, message: reason)
        case .finished:
            if isAnswered && halfSent != .eof { return wrote }
            let rc = libssh2_channel_send_eof(channel)
            track(.eof, Int(rc), connection)
            if rc == LIBSSH2_ERROR_EAGAIN { return wrote }
            if rc < 0 && SSHLibrary.breaksSession(rc) { throw connection.lastFailure(rc) }
            inputDone = true
            input.close()
        }
        return true
    }

    private func exitStatus(_ connection: SSHConnection) -> ExitStatus {
        let code = libssh2_channel_get_exit_status(channel)
        var signal: UnsafeMutablePointer<CChar>?
        var signalLength = 0
        libssh2_channel_get_exit_signal(channel, &signal, &signalLength, nil, nil, nil, nil)
        guard let signal else { return ExitStatus(code: code) }
        defer { libssh2_free(connection.session, signal) }
        let name = String(cString: signal)
        return ExitStatus(code: code, signal: name.isEmpty ? nil : name)
    }

    private func answer(_ result: Result<ExitStatus, Error>) {
        guard let continuation else { return }
        self.continuation = nil
        input.close()
        continuation.resume(with: result)
    }
}
