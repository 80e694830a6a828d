import CLibSSH2
import Foundation
import RemoteCore

/// One TCP connection and the libssh2 session on it, handshaken, host-key checked and
/// authenticated. Used only by the thread of the `SessionLoop` that made it.
final class SSHConnection {
    let session: OpaquePointer
    let socket: Int32
    let config: SSHHostConfig
    /// Counts reads that returned bytes (see shim.h): tells the loop whether packets arrived.
    let receiveCounter: UnsafeMutablePointer<UInt>

    private init(session: OpaquePointer, socket: Int32, config: SSHHostConfig, counter: UnsafeMutablePointer<UInt>) {
        self.session = session
        self.socket = socket
        self.config = config
        self.receiveCounter = counter
    }

    deinit {
        libssh2_session_free(session)
        Glibc.close(socket)
        receiveCounter.deallocate()
    }

    /// Connects, shakes hands, checks the host key and logs in, each step within the connect timeout.
    static func open(_ config: SSHHostConfig) throws -> SSHConnection {
        ControlRuntime.initialize()
        let socket = try TCPConnect.connect(host: config.address, port: config.port,
                                            timeout: config.connectTimeout, label: config.label)
        let counter = UnsafeMutablePointer<UInt>.allocate(capacity: 1)
        counter.initialize(to: 0)
        guard let session = libssh2_session_init_ex(nil, nil, nil, UnsafeMutableRawPointer(counter)) else {
            Glibc.close(socket)
            counter.deallocate()
            throw RemoteError(.transport, host: config.label, reason: "libssh2_session_init_ex failed")
        }
        let connection = SSHConnection(session: session, socket: socket, config: config, counter: counter)
        faultline_ssh2_install_socket_callbacks(session)
        libssh2_session_set_blocking(session, 0)
        let deadline = Deadline.after(config.connectTimeout)!
        try connection.retrying("SSH handshake", until: deadline) { libssh2_session_handshake(session, socket) }
        try HostKeyCheck(connection: connection).verify()
        try connection.authenticate(until: Deadline.after(config.connectTimeout)!)
        if config.keepaliveSeconds > 0 {
            libssh2_keepalive_config(session, 1, UInt32(config.keepaliveSeconds))
        }
        return connection
    }

    /// libssh2's last error on this session.
    func lastFailure(_ code: Int32? = nil) -> SSHFailure {
        var message: UnsafeMutablePointer<CChar>?
        var length: Int32 = 0
        let last = libssh2_session_last_error(session, &message, &length, 0)
        let text = message.map { String(cString: $0) } ?? "unknown error"
        return SSHFailure(code: code ?? last, message: "\(text.isEmpty ? "failed" : text) (libssh2 error \(code ?? last))")
    }

    /// Waits until the socket is ready in the direction(s) libssh2 is blocked on.
    func waitForSocket(until deadline: Deadline) -> Bool {
        var fd = pollfd(fd: socket, events: pollEvents(), revents: 0)
        return poll(&fd, 1, deadline.millisecondsLeft) > 0
    }

    /// True while a packet is only partly written to the socket. libssh2 writes one packet at a
    /// time: the call that got EAGAIN while writing it must be made again, with the same arguments,
    /// before any other call that sends on this session. Another packet would fail with
    /// LIBSSH2_ERROR_BAD_USE, which some calls report as LIBSSH2_ERROR_SOCKET_SEND (a channel
    /// read's window adjustment: "Unable to send transfer-window adjustment packet, deferring").
    var hasHalfSentPacket: Bool {
        libssh2_session_block_directions(session) & LIBSSH2_SESSION_BLOCK_OUTBOUND != 0
    }

    /// True when the socket takes a small write at once.
    var isWritable: Bool {
        var fd = pollfd(fd: socket, events: Int16(POLLOUT), revents: 0)
        return poll(&fd, 1, 0) > 0 && fd.revents & Int16(POLLOUT) != 0
    }

    /// The `poll` events for what libssh2 last blocked on (reading when it does not say).
    func pollEvents() -> Int16 {
        let directions = libssh2_session_block_directions(session)
        var events: Int16 = 0
        if directions & LIBSSH2_SESSION_BLOCK_INBOUND != 0 { events |= Int16(POLLIN) }
        if directions & LIBSSH2_SESSION_BLOCK_OUTBOUND != 0 { events |= Int16(POLLOUT) }
        return events == 0 ? Int16(POLLIN) : events
    }

    /// Calls `body` until it stops returning EAGAIN, waiting on the socket in between.
    func retrying(_ what: String, until deadline: Deadline, _ body: () -> Int32) throws {
        while true {
            let rc = body()
            if rc == 0 { return }
            if rc != LIBSSH2_ERROR_EAGAIN {
                throw RemoteError(.transport, host: config.label, reason: "\(what) failed: \(lastFailure(rc).message)")
            }
            if !waitForSocket(until: deadline) && deadline.hasPassed {
                throw RemoteError(.unreachable, host: config.label,
                                  reason: "\(what) did not finish within \(config.connectTimeout)")
            }
        }
    }

    /// Sends a goodbye if it can within a second, without waiting for anything else.
    func disconnect() {
        let deadline = Deadline.after(.seconds(1))!
        try? retrying("disconnect", until: deadline) {
            libssh2_session_disconnect_ex(session, SSH_DISCONNECT_BY_APPLICATION, "faultline: done", "")
        }
    }

    private func authenticate(until deadline: Deadline) throws {
        switch config.identity {
        case .keyFile(let path):
            try authenticate(keyFile: path, until: deadline)
        case .agent(let socket):
            try SSHAgentAuth(connection: self, socket: socket).authenticate(until: deadline)
        }
    }

    private func authenticate(keyFile path: String, until deadline: Deadline) throws {
        guard access(path, R_OK) == 0 else {
            throw RemoteError(.authenticationFailed, host: config.label,
                              reason: "cannot read key file \(path): \(errnoText())")
        }
        let publicPath = access(path + ".pub", R_OK) == 0 ? path + ".pub" : nil
        let user = config.user
        do {
            try retrying("public key authentication", until: deadline) {
                libssh2_userauth_publickey_fromfile_ex(session, user, UInt32(user.utf8.count), publicPath, path, nil)
            }
        } catch let error as RemoteError where error.kind == .transport {
            throw RemoteError(.authenticationFailed, host: config.label,
                              reason: "login as \(user) with key file \(path) refused: \(lastFailure().message)")
        }
    }
}
