import NIOHTTP1

/// An answer to an HTTP request: status and JSON body.
struct HTTPReply: Sendable {
    var status: HTTPResponseStatus
    var body: [UInt8]

    init(_ status: HTTPResponseStatus, json: String) {
        self.status = status
        self.body = Array(json.utf8)
    }

    init(_ status: HTTPResponseStatus, body: [UInt8]) {
        self.status = status
        self.body = body
    }

    static func error(_ status: HTTPResponseStatus, _ code: String) -> HTTPReply {
        HTTPReply(status, json: #"{"error":"\#(code)"}"#)
    }

    /// 503: the command was certainly not proposed.
    static let noLeader = error(.serviceUnavailable, "no-leader")
    static let notLeader = error(.serviceUnavailable, "not-leader")
    /// 504: the command may have been proposed; its outcome is unknown.
    static let timeout = error(.gatewayTimeout, "timeout")
}
