/// A value carried by an operation: what was written, read, compared or returned.
///
/// The same shape is used by every history format. EDN keywords become `.string` without the
/// leading colon; EDN vectors and lists and JSON arrays become `.array`.
public enum Value: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case string(String)
    case array([Value])

    /// The integer inside, if this is an integer.
    public var int: Int? { if case .int(let v) = self { return v } else { return nil } }
    /// The string inside, if this is a string.
    public var string: String? { if case .string(let v) = self { return v } else { return nil } }
    /// The elements, if this is an array.
    public var array: [Value]? { if case .array(let v) = self { return v } else { return nil } }
    /// True for `.null`.
    public var isNull: Bool { self == .null }
}

extension Value: CustomStringConvertible {
    /// A compact, JSON-like rendering for messages and reports.
    public var description: String {
        switch self {
        case .null: return "nil"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .string(let s): return "\"\(s)\""
        case .array(let a): return "[" + a.map(\.description).joined(separator: " ") + "]"
        }
    }
}

// Not ExpressibleByNilLiteral on purpose: `cond ? value : nil` in a function returning
// `Value?` would quietly become `.null` instead of `nil`.
extension Value: ExpressibleByIntegerLiteral, ExpressibleByStringLiteral,
    ExpressibleByArrayLiteral
{
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: Value...) { self = .array(elements) }
}
