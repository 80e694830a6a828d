import Foundation
import Workload

/// One command of raftkv's client API (`POST /kv`).
struct RaftKVCommand: Encodable, Equatable {
    var op: String
    var key: String?
    var value: String?
    /// For `cas`: the value the key must hold; JSON `null` (encoded explicitly): "only if absent".
    var expected: String??
    var prefix: String?
    /// For `txn`: the steps, `{"f": "r"|"w"|"append", "key": …, "value": …}`.
    var ops: [Step]?

    struct Step: Encodable, Equatable {
        var f: String
        var key: String
        var value: String?
    }

    static func get(_ key: String) -> RaftKVCommand { RaftKVCommand(op: "get", key: key) }
    static func put(_ key: String, _ value: String) -> RaftKVCommand { RaftKVCommand(op: "put", key: key, value: value) }
    static func cas(_ key: String, expected: String?, _ value: String) -> RaftKVCommand {
        RaftKVCommand(op: "cas", key: key, value: value, expected: .some(expected))
    }
    static func scan(_ prefix: String) -> RaftKVCommand { RaftKVCommand(op: "scan", prefix: prefix) }
    static func txn(_ steps: [Step]) -> RaftKVCommand { RaftKVCommand(op: "txn", ops: steps) }

    private enum CodingKeys: String, CodingKey { case op, key, value, expected, prefix, ops }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(op, forKey: .op)
        try c.encodeIfPresent(key, forKey: .key)
        try c.encodeIfPresent(value, forKey: .value)
        if let expected { try c.encode(expected, forKey: .expected) }
        try c.encodeIfPresent(prefix, forKey: .prefix)
        try c.encodeIfPresent(ops, forKey: .ops)
    }
}

/// raftkv's answer to a command with status 200.
struct RaftKVAnswer: Decodable, Equatable {
    struct Pair: Decodable, Equatable {
        var key: String
        var value: String
    }

    var ok: Bool
    var found: Bool?
    var value: String?
    var kvs: [Pair]?
    /// For `txn`: per step, what it read (nil: absent, and for writes).
    var results: [String?]?
}

/// The body of a raftkv error answer.
struct RaftKVErrorBody: Decodable {
    var error: String

    /// What an answer other than 200 means: 503 (`no-leader`, `not-leader`: never proposed) and
    /// 400 (malformed) are definite refusals; 504 (`timeout`: may have been proposed) and anything
    /// else leave the outcome unknown.
    @Sendable static func rejection(status: UInt, body: Data) -> CallError {
        let error = (try? JSONDecoder().decode(RaftKVErrorBody.self, from: body))?.error
            ?? String(decoding: body.prefix(200), as: UTF8.self)
        switch status {
        case 503, 400: return .rejected(message: "raftkv \(status): \(error)", definite: true)
        default: return .unknown("raftkv \(status): \(error)")
        }
    }
}
