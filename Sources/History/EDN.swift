/// A value read from EDN text (the data syntax of Clojure, in which Jepsen and Knossos write
/// histories).
indirect enum EDN: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    /// A number with a fraction, exponent, ratio or `M` suffix, as written.
    case float(String)
    case string(String)
    /// A character literal such as `\a` or `\newline`, as the character itself.
    case char(String)
    /// A keyword, without its leading colon.
    case keyword(String)
    case symbol(String)
    case vector([EDN])
    case list([EDN])
    case set([EDN])
    case map([EDNEntry])
    /// A tagged element `#tag value`, e.g. `#inst "…"`.
    case tagged(String, EDN)

    /// The same data as a `Value`: keywords and symbols become `.string` without the colon,
    /// vectors, lists and sets become `.array`, a map becomes `.array` of `[key, value]` pairs,
    /// a non-integer number `.string` of its text, a tagged element its value.
    var value: Value {
        switch self {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let v): return .int(v)
        case .float(let s), .string(let s), .char(let s), .keyword(let s), .symbol(let s):
            return .string(s)
        case .vector(let items), .list(let items), .set(let items): return .array(items.map(\.value))
        case .map(let entries): return .array(entries.map { .array([$0.key.value, $0.value.value]) })
        case .tagged(_, let v): return v.value
        }
    }

    /// EDN text for this value, as Clojure's `pr-str` would write it (for messages and error
    /// fields).
    var text: String {
        switch self {
        case .null: return "nil"
        case .bool(let b): return b ? "true" : "false"
        case .int(let v): return String(v)
        case .float(let s), .symbol(let s): return s
        case .string(let s):
            var out = "\""
            for c in s.unicodeScalars {
                switch c {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\t": out += "\\t"
                case "\r": out += "\\r"
                default: out.unicodeScalars.append(c)
                }
            }
            return out + "\""
        case .char(let s):
            switch s {
            case "\n": return "\\newline"
            case " ": return "\\space"
            case "\t": return "\\tab"
            case "\r": return "\\return"
            default: return "\\" + s
            }
        case .keyword(let s): return ":" + s
        case .vector(let items): return "[" + items.map(\.text).joined(separator: " ") + "]"
        case .list(let items): return "(" + items.map(\.text).joined(separator: " ") + ")"
        case .set(let items): return "#{" + items.map(\.text).joined(separator: " ") + "}"
        case .map(let entries):
            return "{" + entries.map { $0.key.text + " " + $0.value.text }.joined(separator: ", ") + "}"
        case .tagged(let tag, let v): return "#" + tag + " " + v.text
        }
    }

    /// A short name of the kind of value, for messages ("a vector", "the keyword :read").
    var kindDescription: String {
        switch self {
        case .null: return "nil"
        case .bool: return "a boolean"
        case .int: return "an integer"
        case .float: return "a non-integer number"
        case .string: return "a string"
        case .char: return "a character"
        case .keyword(let k): return "the keyword :\(k)"
        case .symbol(let s): return "the symbol \(s)"
        case .vector: return "a vector"
        case .list: return "a list"
        case .set: return "a set"
        case .map: return "a map"
        case .tagged(let tag, _): return "a #\(tag) element"
        }
    }
}

/// A key and value of an EDN map, with where the value starts (for messages about it).
struct EDNEntry: Equatable, Sendable {
    var key: EDN
    var value: EDN
    var valuePosition: EDNPosition
}

/// A place in the text: line (from 1), and byte offsets of the place and of its line's start.
struct EDNPosition: Equatable, Sendable {
    var line: Int
    var offset: Int
    var lineStart: Int
}
