import AsyncHTTPClient
import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#endif

/// Why a call to etcd's gateway did not succeed, sorted by what it says about the request's effect.
enum EtcdCallError: Error, Sendable, Equatable {
    /// The request never left: no connection could be made (refused, connect timeout) or the
    /// deadline had passed before it could be sent.
    case notSent(String)
    /// etcd answered with an error; `code` is the gRPC status code.
    case rejected(code: Int, message: String)
    /// No telling: the deadline passed after the request may have been sent, the connection was
    /// lost, or the answer could not be read.
    case unknown(String)

    /// gRPC codes etcd returns only for requests it did not apply (bad arguments, missing lease,
    /// too many requests before proposing, …). Unavailable, DeadlineExceeded, Unknown, Internal
    /// and the rest (timeouts, leader changes, lost leaders) may follow a proposal that commits.
    static let definiteCodes: Set<Int> = [3, 5, 6, 7, 8, 9, 11, 12, 16]

    /// True when the request certainly did not take effect.
    var certainlyWithoutEffect: Bool {
        switch self {
        case .notSent: return true
        case .rejected(let code, let message):
            return Self.definiteCodes.contains(code) || message.contains("requested lease not found")
        case .unknown: return false
        }
    }

    /// Words for the history's error field.
    var message: String {
        switch self {
        case .notSent(let why): return "not sent: \(why)"
        case .rejected(let code, let message): return "etcd error \(code): \(message)"
        case .unknown(let why): return why
        }
    }

    /// Sorts an error thrown by the HTTP client: errors of making a connection (which the pool
    /// reports only for requests it never sent) are `notSent`, everything else `unknown`.
    init(transport error: any Error) {
        if let e = error as? HTTPClientError,
            e == .connectTimeout || e == .getConnectionFromPoolTimeout
        {
            self = .notSent(String(describing: e))
        } else if error is NIOConnectionError {
            self = .notSent(String(describing: error))
        } else if let e = error as? IOError, e.errnoCode == ECONNREFUSED {
            // Only a connect can be refused; a reset on an open connection is ECONNRESET.
            self = .notSent(String(describing: e))
        } else if let e = error as? ChannelError, case .connectTimeout = e {
            self = .notSent(String(describing: e))
        } else {
            self = .unknown(String(describing: error))
        }
    }
}
