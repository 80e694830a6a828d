import Foundation
import History

/// Where each workload keeps its data in a key-value store (etcd, raftkv), and how values are
/// written there.
///
/// Under `prefix` (default `faultline/`): a register is the key `register/<key>` holding its
/// value; a set is one key per element, `set/<key>/<element>` holding the element, so adds never
/// conflict and a final read is one range over `set/<key>/`; a lock is the lock name
/// `lock/<key>` (etcd's lock API adds `/<lease id>` for each holder or waiter); a transactional
/// workload's list or register is `txn/<key>`, a list stored as its elements separated by spaces.
/// Keys and values are text: integers in decimal, strings as they are.
public struct KeyLayout: Sendable, Hashable {
    public var prefix: String

    public init(prefix: String = "faultline/") {
        self.prefix = prefix
    }

    public func register(_ key: Value?) -> String { prefix + "register/" + Self.text(key ?? .null) }
    public func set(_ key: Value?) -> String { prefix + "set/" + Self.text(key ?? .null) + "/" }
    public func element(_ element: Value, of key: Value?) -> String { set(key) + Self.text(element) }
    public func lock(_ key: Value?) -> String { prefix + "lock/" + Self.text(key ?? .null) }
    /// The key of a transactional workload's list or register `key` (`txn/<key>`).
    public func transactional(_ key: Value) -> String { prefix + "txn/" + Self.text(key) }

    /// A list-append list as stored: its elements' texts separated by spaces.
    public static func text(ofList elements: [Value]) -> String { elements.map { text($0) }.joined(separator: " ") }

    /// A stored list back as its elements (the empty text is the empty list).
    public static func list(fromText text: String) -> [Value] {
        text.split(separator: " ").map { value(fromText: String($0)) }
    }

    /// A value as stored: integers in decimal, strings as they are, anything else as written in
    /// histories.
    public static func text(_ value: Value) -> String {
        switch value {
        case .int(let i): return String(i)
        case .string(let s): return s
        case .null: return "_"
        default: return value.description
        }
    }

    /// A stored text back as a value: an integer if it reads as one, else a string.
    /// The order of a set read's elements: integers by value, anything else by its text.
    public static func elementOrder(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.int(let x), .int(let y)): return x < y
        default: return a.description < b.description
        }
    }

    public static func value(fromText text: String) -> Value {
        Int(text).map(Value.int) ?? .string(text)
    }

    public static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    /// The text of a base64 field; nil if it is not base64.
    public static func text(fromBase64 field: String) -> String? {
        Data(base64Encoded: field).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The end of the range of every key starting with `prefix` (its last byte plus one).
    public static func rangeEnd(ofPrefix prefix: String) -> String {
        var bytes = Array(prefix.utf8)
        while let last = bytes.last, last == 0xFF { bytes.removeLast() }
        guard !bytes.isEmpty else { return Data([0]).base64EncodedString() }
        bytes[bytes.count - 1] += 1
        return Data(bytes).base64EncodedString()
    }
}
