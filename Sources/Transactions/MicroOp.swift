import History

/// One step of a transaction, as Jepsen writes it: `[:append k v]`, `[:w k v]` or `[:r k v]`.
///
/// A read's value is what it returned: for list-append the list (`.array`, or `.null` for a key
/// never appended to), for rw-register the register's value (`.null` for the initial state).
/// It is `nil` when unknown: in an invocation, and in a transaction whose outcome is unknown.
public enum MicroOp: Hashable, Sendable {
    /// list-append: add `value` at the end of the list at `key`.
    case append(key: Value, value: Value)
    /// rw-register: set the register at `key` to `value`.
    case write(key: Value, value: Value)
    /// Read the list or register at `key`; `value` is what it returned, nil when unknown.
    case read(key: Value, value: Value?)

    /// The key the step works on.
    public var key: Value {
        switch self {
        case .append(let k, _), .write(let k, _), .read(let k, _): return k
        }
    }

    /// Jepsen's name of the step: `append`, `w` or `r`.
    public var f: String {
        switch self {
        case .append: return "append"
        case .write: return "w"
        case .read: return "r"
        }
    }

    /// True for an append or a write.
    public var isWrite: Bool {
        if case .read = self { return false }
        return true
    }
}

extension MicroOp: CustomStringConvertible {
    /// `[append 5 1]`, `[w 5 1]`, `[r 5 [1 2]]` (`[r 5 ?]` for a read whose result is unknown);
    /// long lists are shortened in the middle.
    public var description: String {
        switch self {
        case .append(let k, let v): return "[append \(k) \(v)]"
        case .write(let k, let v): return "[w \(k) \(v)]"
        case .read(let k, let v): return "[r \(k) \(v.map(ValueText.short) ?? "?")]"
        }
    }
}

/// Renderings of values for explanations.
enum ValueText {
    /// The value's text; a list longer than 8 elements shows its first 2 and last 4 elements
    /// and its length, `[1 2 … 9 10 11 12] (12 elements)`.
    static func short(_ value: Value) -> String {
        guard case .array(let a) = value, a.count > 8 else { return value.description }
        let head = a.prefix(2).map(\.description).joined(separator: " ")
        let tail = a.suffix(4).map(\.description).joined(separator: " ")
        return "[\(head) … \(tail)] (\(a.count) elements)"
    }
}
