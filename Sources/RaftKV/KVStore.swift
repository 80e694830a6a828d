/// The key-value state machine: committed log entries are applied to it in log order.
public struct KVStore: Sendable, Equatable {
    public private(set) var data: [String: String] = [:]

    public init() {}

    /// Applies a write (or answers a read) and says what it did. The same command on the same
    /// state always gives the same result, so every replica computes the same answers.
    public mutating func apply(_ command: KVCommand) -> KVResult {
        switch command {
        case .get, .scan:
            return read(command)
        case .put(let key, let value):
            data[key] = value
            return .ok
        case .cas(let key, let expected, let value):
            guard data[key] == expected else { return .casRefused(current: data[key]) }
            data[key] = value
            return .ok
        case .delete(let key):
            data[key] = nil
            return .ok
        }
    }

    /// Answers a get or scan from the current state (writes are answered with `.ok` unapplied).
    public func read(_ command: KVCommand) -> KVResult {
        switch command {
        case .get(let key):
            return .value(data[key])
        case .scan(let prefix):
            let kvs = data.filter { $0.key.hasPrefix(prefix) }.sorted { $0.key < $1.key }
            return .scan(kvs.map { KVResult.KeyValue(key: $0.key, value: $0.value) })
        default:
            return .ok
        }
    }
}
