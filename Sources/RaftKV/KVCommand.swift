/// One client command, in the JSON shape of the HTTP API (`{"op":"put","key":"k","value":"v"}`);
/// writes are stored in the log in the same shape.
public enum KVCommand: Codable, Sendable, Equatable {
    case get(key: String)
    case put(key: String, value: String)
    /// Swap to `value` only if the current value is `expected` (`nil`: only if absent).
    case cas(key: String, expected: String?, value: String)
    case delete(key: String)
    case scan(prefix: String)

    /// Reads are served through the read index; only writes go through the log.
    public var isRead: Bool {
        switch self {
        case .get, .scan: true
        case .put, .cas, .delete: false
        }
    }

    private enum Keys: String, CodingKey { case op, key, value, expected, prefix }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        let op = try c.decode(String.self, forKey: .op)
        switch op {
        case "get": self = .get(key: try c.decode(String.self, forKey: .key))
        case "put":
            self = .put(key: try c.decode(String.self, forKey: .key), value: try c.decode(String.self, forKey: .value))
        case "cas":
            guard c.contains(.expected) else {
                throw DecodingError.keyNotFound(
                    Keys.expected, .init(codingPath: c.codingPath, debugDescription: "cas needs \"expected\" (null: only if absent)"))
            }
            self = .cas(
                key: try c.decode(String.self, forKey: .key),
                expected: try c.decodeIfPresent(String.self, forKey: .expected),
                value: try c.decode(String.self, forKey: .value))
        case "delete": self = .delete(key: try c.decode(String.self, forKey: .key))
        case "scan": self = .scan(prefix: try c.decode(String.self, forKey: .prefix))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .op, in: c, debugDescription: "op must be get, put, cas, delete or scan, not \(op)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        switch self {
        case .get(let key):
            try c.encode("get", forKey: .op)
            try c.encode(key, forKey: .key)
        case .put(let key, let value):
            try c.encode("put", forKey: .op)
            try c.encode(key, forKey: .key)
            try c.encode(value, forKey: .value)
        case .cas(let key, let expected, let value):
            try c.encode("cas", forKey: .op)
            try c.encode(key, forKey: .key)
            try c.encode(expected, forKey: .expected)
            try c.encode(value, forKey: .value)
        case .delete(let key):
            try c.encode("delete", forKey: .op)
            try c.encode(key, forKey: .key)
        case .scan(let prefix):
            try c.encode("scan", forKey: .op)
            try c.encode(prefix, forKey: .prefix)
        }
    }
}

/// What a command did, in the JSON shape of the HTTP API's answers.
public enum KVResult: Codable, Sendable, Equatable {
    /// A write that took effect.
    case ok
    /// A get: the value, or nil when the key is absent.
    case value(String?)
    /// A cas that did not swap: the current value, or nil when absent.
    case casRefused(current: String?)
    case scan([KeyValue])

    public struct KeyValue: Codable, Sendable, Equatable {
        public var key: String
        public var value: String
    }

    private enum Keys: String, CodingKey { case ok, found, value, kvs }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        let ok = try c.decode(Bool.self, forKey: .ok)
        if let kvs = try c.decodeIfPresent([KeyValue].self, forKey: .kvs) {
            self = .scan(kvs)
        } else if let found = try c.decodeIfPresent(Bool.self, forKey: .found) {
            let value = found ? try c.decode(String.self, forKey: .value) : nil
            self = ok ? .value(value) : .casRefused(current: value)
        } else {
            self = .ok
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        switch self {
        case .ok:
            try c.encode(true, forKey: .ok)
        case .value(let value), .casRefused(current: let value):
            if case .casRefused = self { try c.encode(false, forKey: .ok) } else { try c.encode(true, forKey: .ok) }
            try c.encode(value != nil, forKey: .found)
            if let value { try c.encode(value, forKey: .value) }
        case .scan(let kvs):
            try c.encode(true, forKey: .ok)
            try c.encode(kvs, forKey: .kvs)
        }
    }
}
