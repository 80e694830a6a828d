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
        case .txn(let ops):
            var results: [String?] = []
            results.reserveCapacity(ops.count)
            for step in ops {
                switch step.f {
                case "r":
                    results.append(data[step.key])
                case "append":
                    data[step.key] = data[step.key].map { $0 + " " + (step.value ?? "") } ?? step.value
                    results.append(nil)
                default:
                    data[step.key] = step.value
                    results.append(nil)
                }
            }
            return .txn(results)
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

    /// Answers a get, scan or read-only txn from the current state (writes are answered with `.ok` unapplied).
    public func read(_ command: KVCommand) -> KVResult {
        switch command {
        case .get(let key):
            return .value(data[key])
        case .scan(let prefix):
            let kvs = data.filter { $0.key.hasPrefix(prefix) }.sorted { $0.key < $1.key }
            return .scan(kvs.map { KVResult.KeyValue(key: $0.key, value: $0.value) })
        case .txn(let ops) where command.isRead:
            return .txn(ops.map { data[$0.key] })
        default:
            return .ok
        }
    }
}
