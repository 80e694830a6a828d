import History

/// Acknowledged adds a set lost, named as such: per key, the adds that completed ok before the
/// key's last ok read was invoked and that this read does not return. Any one of them makes the
/// history non-linearizable under `SetModel`; this says how much was lost ("lost: 37 acknowledged
/// adds") where the counterexample shows only one operation that cannot be placed.
public struct SetLoss: Sendable, Equatable {
    /// The set (key); nil for adds and reads without a key.
    public var key: Value?
    /// The elements lost, in the order their adds completed.
    public var elements: [Value]

    public init(key: Value?, elements: [Value]) {
        self.key = key
        self.elements = elements
    }

    /// The losses of every key whose last ok read misses acknowledged adds, by key order of first
    /// appearance; empty when no read does.
    public static func find(in operations: [HistoryOperation]) -> [SetLoss] {
        var keys: [Value?] = []
        var lastRead: [Value?: HistoryOperation] = [:]
        for op in operations where op.f == "read" && op.outcome == .ok {
            if lastRead[op.key] == nil { keys.append(op.key) }
            if op.invokeIndex > lastRead[op.key]?.invokeIndex ?? -1 { lastRead[op.key] = op }
        }
        var lost: [Value?: [(Int, Value)]] = [:]
        for op in operations where op.f == "add" && op.outcome == .ok {
            guard let read = lastRead[op.key], let done = op.completeIndex, done < read.invokeIndex,
                  case .array(let seen) = read.output, !seen.contains(op.input) else { continue }
            lost[op.key, default: []].append((done, op.input))
        }
        return keys.compactMap { key in
            lost[key].map { SetLoss(key: key, elements: $0.sorted { $0.0 < $1.0 }.map(\.1)) }
        }
    }

    /// `lost: 37 acknowledged adds (key 0: 20, key 1: 17), each acknowledged before the final
    /// read began and missing from it, e.g. 5, 9, 12`; nil without losses.
    public static func sentence(_ losses: [SetLoss]) -> String? {
        let total = losses.reduce(0) { $0 + $1.elements.count }
        guard total > 0 else { return nil }
        let perKey = losses.compactMap { loss in loss.key.map { "key \($0): \(loss.elements.count)" } }
        let examples = losses.flatMap(\.elements).prefix(5).map(\.description).joined(separator: ", ")
        return "lost: \(total) acknowledged add\(total == 1 ? "" : "s")"
            + (perKey.isEmpty ? "" : " (\(perKey.joined(separator: ", ")))")
            + ", each acknowledged before the final read began and missing from it, e.g. \(examples)."
    }

    /// Puts the losses' sentence first in an invalid result's explanation.
    public static func explain(_ result: inout CheckResult, _ operations: [HistoryOperation]) {
        guard result.verdict == .invalid, result.counterexample != nil,
              let sentence = sentence(find(in: operations)) else { return }
        result.counterexample!.explanation.insert(sentence, at: 0)
    }
}
