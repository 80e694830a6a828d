/// One client command, in the JSON shape of the HTTP API (`{"op":"put","key":"k","value":"v"}`);
/// writes are stored in the log in the same shape.
public enum KVCommand: Codable, Sendable, Equatable {
    case get(key: String)
    case put(key: String, value: String)
    /// Swap to `value` only if the current value is `expected` (`nil`: only if absent).
    case cas(key: String, expected: String?, value: String)
    case delete(key: String)
    case scan(prefix: String)
    /// Steps applied together, as one log entry (`{"op":"txn","ops":[{"f":"r","key":"k"},
    /// {"f":"append","key":"k","value":"5"}]}`); a transaction of reads only is a read.
    case txn(ops: [TxnStep])

    /// One step of a transaction: `r` reads the key, `w` sets it to `value`, `append` adds
    /// `value` to the key's space-separated list (creating it).
    public struct TxnStep: Codable, Sendable, Equatable {
        public var f: String
        public var key: String
        public var value: String?

        public init(f: String, key: String, value: String? = nil) {
            self.f = f
            self.key = key
            self.value = value
        }
    }

    /// Reads are served through the read index; only writes go through the log.
    public var isRead: Bool {
        switch self {
        case .get, .scan: true
        case .put, .cas, .delete: false
        case .txn(let ops): ops.allSatisfy { $0.f == "r" }
        }
    }

    private enum Keys: String, CodingKey { case op, key, value, expected, prefix, ops }

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
        case "txn":
            let ops = try c.decode([TxnStep].self, forKey: .ops)
            for step in ops {
                guard step.f == "r" || ((step.f == "w" || step.f == "append") && step.value != nil) else {
                    throw DecodingError.dataCorruptedError(
                        forKey: .ops, in: c, debugDescription: "a txn step is r, or w or append with a value, not \(step.f)")
                }
            }
            self = .txn(ops: ops)
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .op, in: c, debugDescription: "op must be get, put, cas, delete, scan or txn, not \(op)")
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
        case .txn(let ops):
            try c.encode("txn", forKey: .op)
            try c.encode(ops, forKey: .ops)
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
    /// A txn: per step, what it read (nil: absent); writes have nil.
    case txn([String?])

    public struct KeyValue: Codable, Sendable, Equatable {
        public var key: String
        public var value: String
    }

    private enum Keys: String, CodingKey { case ok, found, value, kvs, results }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        let ok = try c.decode(Bool.self, forKey: .ok)
        if let results = try c.decodeIfPresent([String?].self, forKey: .results) {
            self = .txn(results)
        } else if let kvs = try c.decodeIfPresent([KeyValue].self, forKey: .kvs) {
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
        case .txn(let results):
            try c.encode(true, forKey: .ok)
            try c.encode(results, forKey: .results)
        }
    }
}
