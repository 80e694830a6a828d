import AsyncHTTPClient
import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#endif

/// Why a call to a node's HTTP API did not succeed, sorted by what it says about the request's
/// effect.
public enum CallError: Error, Sendable, Equatable {
    /// The request never left: no connection could be made (refused, connect timeout) or the
    /// deadline had passed before it could be sent.
    case notSent(String)
    /// The node answered with an error; `definite` when the API guarantees that such a refusal
    /// comes only for requests it did not apply.
    case rejected(message: String, definite: Bool)
    /// No telling: the deadline passed after the request may have been sent, the connection was
    /// lost, or the answer could not be read.
    case unknown(String)

    /// True when the request certainly did not take effect.
    public var certainlyWithoutEffect: Bool {
        switch self {
        case .notSent: return true
        case .rejected(_, let definite): return definite
        case .unknown: return false
        }
    }

    /// Words for the history's error field.
    public var message: String {
        switch self {
        case .notSent(let why): return "not sent: \(why)"
        case .rejected(let message, _): return message
        case .unknown(let why): return why
        }
    }

    /// Sorts an error thrown by the HTTP client: errors of making a connection (which the pool
    /// reports only for requests it never sent) are `notSent`, everything else `unknown`.
    public init(transport error: any Error) {
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
