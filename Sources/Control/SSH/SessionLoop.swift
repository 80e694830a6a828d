import CLibSSH2
import Foundation
import Logging
import RemoteCore

/// The thread that owns one host's SSH session. Commands are submitted from any thread; the loop
/// opens the session when there is work (and again after it broke), runs up to `maxChannels`
/// commands at once on channels of that session, and sleeps in `poll` on the socket and a wake-up
/// eventfd. All libssh2 calls for the session happen on this one thread.
final class SessionLoop: @unchecked Sendable {
    let config: SSHHostConfig
    private let wake = WakeSignal()

    private let lock = NSLock()
    private var submitted: [ChannelJob] = []   // guarded by lock
    private var shuttingDown = false           // guarded by lock
    private var running = false                // guarded by lock
    private var exitWaiters: [CheckedContinuation<Void, Never>] = []  // guarded by lock

    // Loop thread only.
    private var connection: SSHConnection?
    private var waiting: [ChannelJob] = []
    private var active: [ChannelJob] = []
    private var buffer = [UInt8](repeating: 0, count: 65536)
    private var nextKeepalive: Deadline?
    /// When the session last showed life: bytes from the server, or a job getting on.
    private var lastSignOfLife = Deadline.now()

    init(config: SSHHostConfig) {
        self.config = config
    }

    /// Hands `job` to the loop (starting its thread if needed).
    func submit(_ job: ChannelJob) {
        let accepted: Bool = lock.withLock {
            guard !shuttingDown else { return false }
            submitted.append(job)
            if !running {
                running = true
                LiveLoops.shared.insert(self)
                let thread = Thread { [self] in
                    loop()
                    LiveLoops.shared.remove(self)
                }
                thread.name = "faultline-ssh-\(config.name)"
                thread.start()
            }
            return true
        }
        if accepted {
            wake.signal()
        } else {
            job.abandon(RemoteError(.closed, host: config.label, command: job.displayCommand, reason: "remote is closed"))
        }
    }

    /// Wakes the loop so that it notices a cancelled job.
    func poke() { wake.signal() }

    /// Fails what is pending, says goodbye to the server and ends the thread (without waiting).
    func shutdown() {
        lock.withLock { shuttingDown = true }
        wake.signal()
    }

    /// `shutdown`, then waits until the thread has ended.
    func shutdownAndWait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ended: Bool = lock.withLock {
                shuttingDown = true
                if !running { return true }
                exitWaiters.append(continuation)
                return false
            }
            if ended { continuation.resume() } else { wake.signal() }
        }
    }

    private func loop() {
        while true {
            let (incoming, stopping) = lock.withLock {
                defer { submitted = [] }
                return (submitted, shuttingDown)
            }
            waiting += incoming
            if stopping {
                finish()
                let waiters: [CheckedContinuation<Void, Never>] = lock.withLock {
                    running = false
                    defer { exitWaiters = [] }
                    return exitWaiters
                }
                waiters.forEach { $0.resume() }
                return
            }
            expire()
            promote()
            if !active.isEmpty && connection == nil && !establish() { continue }
            if let connection, !active.isEmpty { runPasses(connection) }
            detectSilentPeer()
            keepalive()
            sleep()
        }
    }

    /// Answers every caller that gave up (cancelled) or ran out of time.
    private func expire() {
        for job in waiting + active where !job.isAnswered {
            if job.isCancelRequested {
                job.abandon(RemoteError(.cancelled, host: config.label, command: job.displayCommand, reason: "cancelled"))
            } else if let deadline = job.deadline, deadline.hasPassed {
                job.abandon(RemoteError(.timedOut, host: config.label, command: job.displayCommand,
                                        reason: "no answer within the timeout; the outcome is unknown"))
            }
        }
        waiting.removeAll { $0.isReleased }
    }

    private func promote() {
        active.removeAll { $0.isReleased }
        while active.count < max(1, config.maxChannels) && !waiting.isEmpty {
            active.append(waiting.removeFirst())
        }
    }

    /// Opens the session; on failure answers all jobs with the reason. Returns whether it is open.
    private func establish() -> Bool {
        do {
            connection = try SSHConnection.open(config)
            nextKeepalive = nil
            lastSignOfLife = Deadline.now()
            SSHLibrary.logger.debug("session open", metadata: ["host": "\(config.label)"])
            return true
        } catch {
            for job in active + waiting {
                job.abandon(Self.naming(error, job.displayCommand))
            }
            active = []
            waiting = []
            return false
        }
    }

    /// Steps every active job until a full pass changes nothing and reads nothing from the socket
    /// (a pass may pull packets for jobs it already visited, so any read means another pass).
    /// While a job's packet is half-written, only that job is stepped: nothing else may send.
    private func runPasses(_ connection: SSHConnection) {
        var again = true
        while again && !active.isEmpty {
            let received = connection.receiveCounter.pointee
            var progressed = false
            for job in active {
                if let holder = active.first(where: { $0.halfSent != nil }), holder !== job { continue }
                do {
                    progressed = try job.step(connection, buffer: &buffer) || progressed
                } catch let failure as SSHFailure where failure.breaksSession {
                    sessionBroke(failure)
                    return
                } catch {
                    job.abandon(channelError(error, job))
                }
            }
            promote()
            again = progressed || connection.receiveCounter.pointee != received
            if again { lastSignOfLife = Deadline.now() }
        }
    }

    /// The session is gone: commands that cannot have started go again on a new session (the
    /// transparent reconnect); commands that may have started are answered `connectionLost`.
    private func sessionBroke(_ failure: SSHFailure) {
        SSHLibrary.logger.notice("session lost; will reconnect",
                                 metadata: ["host": "\(config.label)", "reason": "\(failure.message)"])
        connection = nil
        var retry: [ChannelJob] = []
        for job in active where !job.isReleased {
            if job.isAnswered {
                job.dropChannel()
            } else if job.mayHaveStarted || job.attempts >= 2 {
                job.abandon(RemoteError(.connectionLost, host: config.label, command: job.displayCommand,
                                        reason: "connection lost while the command ran (\(failure.message)); its outcome is unknown"))
                job.dropChannel()
            } else {
                job.attempts += 1
                job.resetForRetry()
                retry.append(job)
            }
        }
        active = []
        waiting = retry + waiting
    }

    private func channelError(_ error: Error, _ job: ChannelJob) -> RemoteError {
        if let failure = error as? SSHFailure {
            return RemoteError(.transport, host: config.label, command: job.displayCommand, reason: failure.message)
        }
        return Self.naming(error, job.displayCommand)
    }

    /// `error` as a RemoteError that names `command`.
    private static func naming(_ error: Error, _ command: String) -> RemoteError {
        guard var remoteError = error as? RemoteError else {
            return RemoteError(.transport, host: "?", command: command, reason: "\(error)")
        }
        if remoteError.command == nil { remoteError.command = command }
        return remoteError
    }

    /// A server that a job waits on (to answer a channel request, to take a half-written packet)
    /// while the session shows no sign of life for the connect timeout is taken for gone
    /// (rebooted, cut off: no reset ever comes), so the session is re-opened. A busy or merely
    /// slow session shows life and is left alone.
    private func detectSilentPeer() {
        if let deadline = silenceDeadline(), deadline.hasPassed {
            sessionBroke(SSHFailure(code: LIBSSH2_ERROR_TIMEOUT,
                                    message: "the server, waited on, gave no sign of life within \(config.connectTimeout)"))
        }
    }

    /// When the server is taken for gone if it stays silent; nil when no job waits on it.
    private func silenceDeadline() -> Deadline? {
        guard connection != nil, let since = active.compactMap(\.waitingOnServerSince).min() else { return nil }
        return max(since, lastSignOfLife).adding(config.connectTimeout)
    }

    private func keepalive() {
        guard let connection, config.keepaliveSeconds > 0 else { return }
        if let next = nextKeepalive, !next.hasPassed { return }
        // libssh2 drops a keepalive it could not write whole yet leaves its packet half-written,
        // and nothing can send on the session after that: send one only when nothing else is
        // half-written and the socket takes it at once, else try again in a second.
        guard !connection.hasHalfSentPacket, connection.isWritable else {
            nextKeepalive = Deadline.after(.seconds(1))
            return
        }
        var seconds: Int32 = 0
        let rc = libssh2_keepalive_send(connection.session, &seconds)
        if rc < 0 && rc != LIBSSH2_ERROR_EAGAIN {
            sessionBroke(connection.lastFailure(rc))
            return
        }
        nextKeepalive = Deadline.after(.seconds(Int(max(1, seconds))))
    }

    /// Waits for the socket (when commands run), a wake-up, the next deadline or keepalive.
    private func sleep() {
        // Work waits for a session that is not open (it just broke): go round again at once.
        if connection == nil && !(waiting.isEmpty && active.isEmpty) { return }
        var fds = [pollfd(fd: wake.fd, events: Int16(POLLIN), revents: 0)]
        if let connection, !active.isEmpty {
            fds.append(pollfd(fd: connection.socket, events: connection.pollEvents(), revents: 0))
        }
        var until = (waiting + active).compactMap { $0.isAnswered ? nil : $0.deadline }.min()
        if let silence = silenceDeadline() { until = min(until ?? silence, silence) }
        if connection != nil, let next = nextKeepalive { until = min(until ?? next, next) }
        let rc = poll(&fds, nfds_t(fds.count), until?.millisecondsLeft ?? -1)
        if rc > 0 && fds[0].revents != 0 { wake.drain() }
    }

    private func finish() {
        for job in waiting + active {
            job.abandon(RemoteError(.closed, host: config.label, command: job.displayCommand, reason: "remote was closed"))
            job.dropChannel()
        }
        waiting = []
        active = []
        connection?.disconnect()
        connection = nil
    }
}

/// The session loops whose threads run. At process exit they are ended (and briefly waited for)
/// before OpenSSL's own exit handler tears down the crypto state their threads may be using.
final class LiveLoops: @unchecked Sendable {
    static let shared = LiveLoops()
    private let lock = NSLock()
    private var loops: [ObjectIdentifier: SessionLoop] = [:]
    private var registered = false

    func insert(_ loop: SessionLoop) {
        lock.withLock {
            loops[ObjectIdentifier(loop)] = loop
            if !registered {
                registered = true
                atexit { LiveLoops.shared.endAll(within: .seconds(2)) }
            }
        }
    }

    func remove(_ loop: SessionLoop) {
        _ = lock.withLock { loops.removeValue(forKey: ObjectIdentifier(loop)) }
    }

    private func endAll(within limit: Duration) {
        let running = lock.withLock { Array(loops.values) }
        running.forEach { $0.shutdown() }
        let deadline = Deadline.after(limit)!
        while !deadline.hasPassed && !lock.withLock({ loops.isEmpty }) {
            usleep(2_000)
        }
    }
}
