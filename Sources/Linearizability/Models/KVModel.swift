import Foundation
import History

/// One key of a key-value map (histories are split by key): get, put, append, cas, delete.
///
/// - `get`: ok output is the value read; unknown gets are left out.
/// - `put v` sets the value; `delete` resets it to the initial value.
/// - `append x` concatenates strings (or appends to a list; on an empty key it sets `x`).
/// - `cas [old new]` is legal only when the value is `old`.
/// Appends are monotone: while only appends and gets remain, a value that is not a prefix of a
/// later get's result is a dead end (see `MonotoneModel`).
public struct KVModel: MonotoneModel {
    public enum Input: Sendable, Hashable {
        case get
        case put(Value)
        case append(Value)
        case cas(expected: Value, new: Value)
        case delete
    }
    public typealias Output = Value?

    public let initialState: Value
    public var name: String { "kv" }

    public init(initial: Value = .string("")) {
        self.initialState = initial
    }

    @inline(__always)
    public func entry(for op: HistoryOperation) throws(ModelError) -> (input: Input, output: Output)? {
        switch op.f {
        case "get", "read":
            return op.outcome == .ok ? (.get, op.output) : nil
        case "put", "write": return (.put(op.input), nil)
        case "append": return (.append(op.input), nil)
        case "delete": return (.delete, nil)
        case "cas":
            let (expected, new) = try op.casArguments()
            return (.cas(expected: expected, new: new), nil)
        default:
            throw ModelError(op, "expected get, put, append, cas or delete for model kv")
        }
    }

    @inline(__always)
    public func step(_ state: Value, _ input: Input, _ output: Value?) -> Value? {
        switch input {
        case .get: return output == state ? state : nil
        case .put(let v): return v
        case .append(let x): return Self.appending(x, to: state)
        case .cas(let e, let n): return e == state ? n : nil
        case .delete: return initialState
        }
    }

    static func appending(_ x: Value, to state: Value) -> Value {
        switch (state, x) {
        case (.string(let s), .string(let t)): return .string(s + t)
        case (.array(let a), _): return .array(a + [x])
        case (.null, _): return x
        default: return .array([state, x])
        }
    }

    public func isMonotone(_ input: Input) -> Bool {
        switch input {
        case .get, .append: return true
        default: return false
        }
    }

    public func isObservation(_ input: Input, _ output: Value?) -> Bool {
        if case .get = input, output != nil { return true }
        return false
    }

    public func canStillObserve(_ input: Input, _ output: Value?, from state: Value) -> Bool {
        guard case .get = input, let seen = output else { return true }
        switch (state, seen) {
        case (.string(let s), .string(let t)): return Self.utf8(of: t, at: 0, startsWith: s)
        case (.array(let a), .array(let b)): return b.starts(with: a)
        default: return true
        }
    }

    /// `previous` was a prefix of the get's result: after an append it still is if the appended
    /// part comes next in the result, compared in place (the search asks this for every candidate,
    /// and building the new value to compare it whole cost a string or array per candidate).
    public func canStillObserve(_ input: Input, _ output: Value?, afterApplying applied: Input,
                                _ appliedOutput: Value?, to previous: Value) -> Bool {
        guard case .get = input, let seen = output else { return true }
        guard case .append(let x) = applied else {
            guard let next = step(previous, applied, appliedOutput) else { return true }
            return canStillObserve(input, output, from: next)
        }
        switch (previous, x, seen) {
        case (.string(let s), .string(let t), .string(let r)):
            return Self.utf8(of: r, at: s.utf8.count, startsWith: t)
        case (.array(let a), _, .array(let b)):
            return b.count > a.count && b[a.count] == x
        default:
            return canStillObserve(input, output, from: Self.appending(x, to: previous))
        }
    }

    /// Whether the UTF-8 bytes of `whole` from `offset` on begin with those of `part`: one `memcmp`
    /// for native strings (`starts(with:)` over the UTF-8 views went a byte at a time).
    static func utf8(of whole: String, at offset: Int, startsWith part: String) -> Bool {
        let compared = whole.utf8.withContiguousStorageIfAvailable { w in
            part.utf8.withContiguousStorageIfAvailable { p in
                if p.isEmpty { return true }
                guard offset <= w.count - p.count else { return false }
                return memcmp(w.baseAddress! + offset, p.baseAddress!, p.count) == 0
            }
        }
        if let compared, let compared { return compared }
        return whole.utf8.dropFirst(offset).starts(with: part.utf8)
    }

    public func isReadOnly(_ input: Input, _ output: Value?) -> Bool {
        if case .get = input { return true }
        return false
    }

    public func describe(state: Value) -> String { state.description }

    public func describe(input: Input, output: Value?) -> String {
        switch input {
        case .get: return "get → \(output.map(\.description) ?? "?")"
        case .put(let v): return "put \(v)"
        case .append(let v): return "append \(v)"
        case .cas(let e, let n): return "cas \(e)→\(n)"
        case .delete: return "delete"
        }
    }
}
