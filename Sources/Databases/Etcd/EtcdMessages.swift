import Foundation
import Workload
/// The JSON bodies of etcd 3.4's v3 gateway (`/v3/...`) that the etcd client uses, as the gateway
/// writes them: proto field names (`range_end`, `create_revision`, `request_put`, `TTL`, `ID`),
/// `bytes` fields (keys, values, lock names) in base64, 64-bit integers as decimal strings, and
/// fields with their default value (false, 0, empty) left out.

/// `POST /v3/kv/range`: one key, or every key in [key, range_end).
struct RangeRequest: Encodable, Equatable {
    var key: String
    var rangeEnd: String?
    /// Answered by the member from its own state, without the leader (may be stale); nil (left
    /// out) for etcd's default, linearizable reads.
    var serializable: Bool?

    enum CodingKeys: String, CodingKey {
        case key
        case rangeEnd = "range_end"
        case serializable
    }
}

/// The answer to a range: the keys found (none: `kvs` left out).
struct RangeResponse: Decodable, Equatable {
    var kvs: [KeyValue]?
}

/// One key and its value, both base64 (an empty value is left out), and the revision of its
/// last change (a decimal string).
struct KeyValue: Decodable, Equatable {
    var key: String
    var value: String?
    var modRevision: String?

    init(key: String, value: String?, modRevision: String? = nil) {
        self.key = key
        self.value = value
        self.modRevision = modRevision
    }

    enum CodingKeys: String, CodingKey {
        case key, value
        case modRevision = "mod_revision"
    }
}

/// `POST /v3/kv/put`; also the put inside a txn.
struct PutRequest: Encodable, Equatable {
    var key: String
    var value: String
}

/// `POST /v3/kv/txn` with compares and the puts done when they all hold.
struct TxnRequest: Encodable, Equatable {
    var compare: [Compare]
    var success: [RequestOp]
}

/// A txn compare: the key's value equals `value`, or its create revision equals
/// `createRevision` (0: the key does not exist).
struct Compare: Encodable, Equatable {
    var key: String
    var target: String
    var result = "EQUAL"
    var value: String?
    var createRevision: String?
    var modRevision: String?

    enum CodingKeys: String, CodingKey {
        case key, target, result, value
        case createRevision = "create_revision"
        case modRevision = "mod_revision"
    }

    /// The key was last changed at `revision` ("0": it does not exist).
    static func modified(key: String, at revision: String) -> Compare {
        Compare(key: key, target: "MOD", modRevision: revision)
    }

    static func valueEquals(key: String, value: String) -> Compare {
        Compare(key: key, target: "VALUE", value: value)
    }

    static func missing(key: String) -> Compare {
        Compare(key: key, target: "CREATE", createRevision: "0")
    }
}

/// One request of a txn branch: a put or a range.
struct RequestOp: Encodable, Equatable {
    var requestPut: PutRequest?
    var requestRange: RangeRequest?

    init(requestPut: PutRequest) { self.requestPut = requestPut }
    init(requestRange: RangeRequest) { self.requestRange = requestRange }

    enum CodingKeys: String, CodingKey {
        case requestPut = "request_put"
        case requestRange = "request_range"
    }
}

/// The answer to a txn: `succeeded` is left out when the compares failed; `responses`, one per
/// request of the branch taken (ranges carry what they found).
struct TxnResponse: Decodable, Equatable {
    var succeeded: Bool?
    var responses: [ResponseOp]?

    struct ResponseOp: Decodable, Equatable {
        var responseRange: RangeResponse?

        enum CodingKeys: String, CodingKey {
            case responseRange = "response_range"
        }
    }
}

/// `POST /v3/lease/grant` with a TTL in seconds (ID 0: etcd picks one).
struct LeaseGrantRequest: Encodable, Equatable {
    var ttl: Int64

    enum CodingKeys: String, CodingKey {
        case ttl = "TTL"
    }
}

/// A lease by its ID (a decimal string): the answer to a grant (whose `TTL` is not needed), and
/// the body of `POST /v3/lease/revoke`, which ends the lease and deletes the keys attached to it.
struct LeaseID: Codable, Equatable {
    var id: String

    enum CodingKeys: String, CodingKey {
        case id = "ID"
    }
}

/// `POST /v3/lock/lock`: waits until the lock `name` is ours, held as long as `lease` lives.
struct LockRequest: Encodable, Equatable {
    var name: String
    var lease: String
}

/// The key that stands for our hold of the lock (base64); unlocking deletes it.
struct LockResponse: Decodable, Equatable {
    var key: String
}

/// `POST /v3/lock/unlock`.
struct UnlockRequest: Encodable, Equatable {
    var key: String
}

/// Any gateway answer whose body is not needed (put, unlock, revoke).
struct IgnoredResponse: Decodable, Equatable {}

/// The body of a gateway error (HTTP status other than 200): the gRPC status code and message.
struct GatewayErrorBody: Decodable, Equatable {
    var error: String?
    var message: String?
    var code: Int?
}

extension GatewayErrorBody {
    /// gRPC codes etcd returns only for requests it did not apply (bad arguments, missing lease,
    /// too many requests before proposing, …). Unavailable, DeadlineExceeded, Unknown, Internal
    /// and the rest (timeouts, leader changes, lost leaders) may follow a proposal that commits.
    static let definiteCodes: Set<Int> = [3, 5, 6, 7, 8, 9, 11, 12, 16]

    /// What an etcd gateway answer other than 200 means: `rejected` when etcd says why it refused
    /// (definite for `definiteCodes` and a lease that does not exist), `unknown` otherwise.
    @Sendable static func rejection(status: UInt, body: Data) -> CallError {
        let error = try? JSONDecoder().decode(GatewayErrorBody.self, from: body)
        guard let code = error?.code else {
            return .unknown("HTTP status \(status): \(String(decoding: body.prefix(200), as: UTF8.self))")
        }
        let message = error?.message ?? error?.error ?? ""
        return .rejected(message: "etcd error \(code): \(message)",
                         definite: definiteCodes.contains(code) || message.contains("requested lease not found"))
    }
}
