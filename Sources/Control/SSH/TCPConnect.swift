import Foundation
import RemoteCore

/// A TCP connect that gives up after a timeout (a blocking `connect` to a host that drops packets
/// hangs for minutes): non-blocking connect, then `poll`.
enum TCPConnect {
    static func connect(host: String, port: Int, timeout: Duration, label: String) throws -> Int32 {
        let deadline = Deadline.after(timeout)!
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let first = list else {
            throw RemoteError(.unreachable, host: label, reason: "cannot resolve \(host): \(String(cString: gai_strerror(rc)))")
        }
        defer { freeaddrinfo(list) }
        var lastReason = "no address"
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            entry = info.pointee.ai_next
            do {
                return try attempt(info.pointee, deadline: deadline, timeout: timeout)
            } catch let reason as ConnectFailure {
                lastReason = reason.text
            }
        }
        throw RemoteError(.unreachable, host: label, reason: lastReason)
    }

    private struct ConnectFailure: Error { var text: String }

    private static func attempt(_ info: addrinfo, deadline: Deadline, timeout: Duration) throws -> Int32 {
        let fd = socket(info.ai_family, info.ai_socktype | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue),
                        info.ai_protocol)
        guard fd >= 0 else { throw ConnectFailure(text: "socket: \(errnoText())") }
        var ok = false
        defer { if !ok { close(fd) } }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        if Glibc.connect(fd, info.ai_addr, info.ai_addrlen) != 0 {
            guard errno == EINPROGRESS else { throw ConnectFailure(text: "connect: \(errnoText())") }
            var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            var ready: Int32
            repeat { ready = poll(&pfd, 1, deadline.millisecondsLeft) } while ready < 0 && errno == EINTR
            guard ready > 0 else { throw ConnectFailure(text: "connect did not finish within \(timeout)") }
            var soError: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &length)
            guard soError == 0 else { throw ConnectFailure(text: "connect: \(errnoText(soError))") }
        }
        ok = true
        return fd
    }
}
