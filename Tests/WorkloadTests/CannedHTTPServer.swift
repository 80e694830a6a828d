import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A tiny HTTP server on 127.0.0.1 for the client's error paths: it accepts connections, reads a
/// request, then sends `response` (raw HTTP) or, when nil, closes the connection without a word.
final class CannedHTTPServer: Sendable {
    let port: Int
    private let fd: Int32

    init(response: String?) {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let fd = fd
        withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                precondition(bind(fd, $0, length) == 0 && listen(fd, 16) == 0)
                precondition(getsockname(fd, $0, &length) == 0)
            }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread {
            while true {
                let connection = accept(fd, nil, nil)
                guard connection >= 0 else { return }
                var buffer = [UInt8](repeating: 0, count: 65536)
                _ = read(connection, &buffer, buffer.count)
                if let response { _ = response.utf8CString.withUnsafeBufferPointer { write(connection, $0.baseAddress, $0.count - 1) } }
                close(connection)
            }
        }
    }

    var url: String { "http://127.0.0.1:\(port)" }

    /// Stops accepting (the accept thread ends).
    func stop() {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }

    /// An HTTP response with a JSON body, closing the connection (so the next request opens a new
    /// one instead of racing the close).
    static func json(status: String, _ body: String) -> String {
        "HTTP/1.1 \(status)\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
    }
}
