import CLibSSH2
import Foundation
import Logging

/// libssh2's global state, and what its error codes mean for us.
enum SSHLibrary {
    private static let once: Void = {
        let rc = libssh2_init(0)
        precondition(rc == 0, "libssh2_init failed: \(rc)")
    }()

    static func initialize() { _ = once }

    static let logger = Logger(label: "faultline.control.ssh")

    /// Errors after which the session cannot be used any more: the connection is gone or garbled.
    static func breaksSession(_ code: Int32) -> Bool {
        switch code {
        case LIBSSH2_ERROR_SOCKET_NONE, LIBSSH2_ERROR_BANNER_RECV, LIBSSH2_ERROR_BANNER_SEND,
             LIBSSH2_ERROR_INVALID_MAC, LIBSSH2_ERROR_KEX_FAILURE, LIBSSH2_ERROR_SOCKET_SEND,
             LIBSSH2_ERROR_KEY_EXCHANGE_FAILURE, LIBSSH2_ERROR_TIMEOUT, LIBSSH2_ERROR_DECRYPT,
             LIBSSH2_ERROR_SOCKET_DISCONNECT, LIBSSH2_ERROR_PROTO, LIBSSH2_ERROR_SOCKET_TIMEOUT,
             LIBSSH2_ERROR_SOCKET_RECV, LIBSSH2_ERROR_ENCRYPT, LIBSSH2_ERROR_BAD_SOCKET:
            return true
        default:
            return false
        }
    }
}

/// A libssh2 call that failed: its code and libssh2's own words.
struct SSHFailure: Error {
    var code: Int32
    var message: String
    var breaksSession: Bool { SSHLibrary.breaksSession(code) }
}
