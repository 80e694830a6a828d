import Foundation
import History

/// One line an adapter wrote on its stdout, read: a reply (`read_ok`, `write_ok`, …, `error`) to
/// the request `inReplyTo`. Follows Maelstrom's message shape: `{"src", "dest", "body": {"type",
/// "in_reply_to", …}}`; a line that is only the body is accepted too.
public struct AdapterReply: Sendable, Equatable {
    public var type: String
    public var inReplyTo: Int
    /// `value` of a `read_ok`, or `txn` of a `txn_ok` (nil when absent).
    public var value: Value?
    /// `code` and `text` of an `error`.
    public var code: Int?
    public var text: String?

    /// Reads one line; throws a message saying what was expected.
    public static func parse(_ line: Substring) throws(AdapterProtocolError) -> AdapterReply {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw AdapterProtocolError("expected a JSON object on one line")
        }
        let body = (object["body"] as? [String: Any]) ?? object
        guard let type = body["type"] as? String else { throw AdapterProtocolError("expected a `type` in the body") }
        guard let id = (body["in_reply_to"] as? NSNumber)?.intValue else {
            throw AdapterProtocolError("expected `in_reply_to`: the `msg_id` of the request answered")
        }
        var reply = AdapterReply(type: type, inReplyTo: id)
        if let v = body["value"] ?? body["txn"] {
            guard let value = Self.value(v) else { throw AdapterProtocolError("expected `value` to be null, a boolean, an integer, a string or a list of them") }
            reply.value = value
        }
        if type == "error" {
            guard let code = (body["code"] as? NSNumber)?.intValue else { throw AdapterProtocolError("expected an error's `code` (an integer)") }
            reply.code = code
            reply.text = body["text"] as? String
        }
        return reply
    }

    static func value(_ json: Any) -> Value? {
        switch json {
        case is NSNull: return .null
        case let s as String: return .string(s)
        case let n as NSNumber:
            switch JSONNumberKind(n) {
            case .boolean: return .bool(n.boolValue)
            case .integer: return .int(n.intValue)
            case .fraction: return nil
            }
        case let a as [Any]:
            var values: [Value] = []
            for item in a {
                guard let v = value(item) else { return nil }
                values.append(v)
            }
            return .array(values)
        default: return nil
        }
    }
}

/// An adapter broke the protocol: what was expected.
public struct AdapterProtocolError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Maelstrom's error codes, and which are definite (the operation certainly did not happen).
public enum AdapterErrorCode {
    /// 0 timeout and 13 crash are indefinite; so is any code not listed (custom codes ≥ 1000
    /// among them), as Maelstrom treats unknown codes.
    public static let definite: Set<Int> = [1, 10, 11, 12, 14, 20, 21, 22, 30]
    public static let names: [Int: String] = [
        0: "timeout", 1: "node-not-found", 10: "not-supported", 11: "temporarily-unavailable", 12: "malformed-request",
        13: "crash", 14: "abort", 20: "key-does-not-exist", 21: "key-already-exists", 22: "precondition-failed",
        30: "txn-conflict",
    ]
    /// 20: a read of a key never written reads nil.
    public static let keyDoesNotExist = 20
}

/// What kind of JSON number `JSONSerialization` gave: it boxes `true`, `false`, integers and
/// fractions all as `NSNumber`, told apart by their Objective-C type code.
public enum JSONNumberKind: Sendable, Equatable {
    case boolean, integer, fraction

    public init(_ number: NSNumber) {
        switch String(cString: number.objCType) {
        case "c", "B": self = .boolean
        case "f", "d": self = .fraction
        default: self = .integer
        }
    }
}
