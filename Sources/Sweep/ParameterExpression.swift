import Foundation

/// An arithmetic expression over database parameters, as a sweep's `derived` section writes it:
/// numbers, parameter names, `+ - * /` and parentheses (`election-timeout / 10`).
///
/// Names may contain `-` between letters or digits (`election-timeout`); a subtraction needs
/// spaces around its `-`. A result that is a whole number is written without a fraction
/// (`30`, not `30.0`), because database flags mostly take integers.
public struct ParameterExpression: Sendable, Equatable {
    indirect enum Node: Sendable, Equatable {
        case number(Double)
        case name(String)
        case binary(Character, Node, Node)
    }

    public struct SyntaxError: Error, Equatable {
        public var message: String
    }

    let root: Node
    public let text: String

    public init(_ text: String) throws(SyntaxError) {
        var parser = Parser(tokens: try Self.tokens(text))
        let node = try parser.sum()
        guard parser.position == parser.tokens.count else {
            throw SyntaxError(message: "unexpected `\(parser.tokens[parser.position])` in `\(text)`")
        }
        self.root = node
        self.text = text
    }

    /// The parameter names the expression reads.
    public var names: Set<String> {
        func walk(_ n: Node) -> Set<String> {
            switch n {
            case .number: return []
            case .name(let s): return [s]
            case .binary(_, let a, let b): return walk(a).union(walk(b))
            }
        }
        return walk(root)
    }

    /// The value with `values` for the names; throws for a name without a numeric value or a
    /// division by zero.
    public func evaluate(_ values: [String: String]) throws(SyntaxError) -> String {
        let v = try Self.value(root, values)
        if v.rounded() == v, abs(v) < 1e15 { return String(Int(v)) }
        return String(format: "%.6g", v)
    }

    private static func value(_ n: Node, _ values: [String: String]) throws(SyntaxError) -> Double {
        switch n {
        case .number(let d): return d
        case .name(let s):
            guard let text = values[s], let d = Double(text) else {
                throw SyntaxError(message: "`\(s)` has no numeric value here (`\(values[s] ?? "unset")`)")
            }
            return d
        case .binary(let op, let a, let b):
            let x = try value(a, values), y = try value(b, values)
            switch op {
            case "+": return x + y
            case "-": return x - y
            case "*": return x * y
            default:
                guard y != 0 else { throw SyntaxError(message: "division by zero") }
                return x / y
            }
        }
    }

    enum Token: Equatable, CustomStringConvertible {
        case number(Double), name(String), op(Character), open, close
        var description: String {
            switch self {
            case .number(let d): return String(d)
            case .name(let s): return s
            case .op(let c): return String(c)
            case .open: return "("
            case .close: return ")"
            }
        }
    }

    static func tokens(_ text: String) throws(SyntaxError) -> [Token] {
        var out: [Token] = []
        var i = text.startIndex
        func isWord(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }
        while i < text.endIndex {
            let c = text[i]
            if c.isWhitespace { i = text.index(after: i); continue }
            if c.isNumber || c == "." {
                var j = i
                while j < text.endIndex, text[j].isNumber || text[j] == "." { j = text.index(after: j) }
                guard let d = Double(text[i..<j]) else { throw SyntaxError(message: "bad number `\(text[i..<j])`") }
                out.append(.number(d))
                i = j
            } else if c.isLetter {
                var j = i
                while j < text.endIndex {
                    let next = text.index(after: j)
                    if isWord(text[j]) { j = next; continue }
                    // `-` inside a name only when a letter or digit follows it directly.
                    if text[j] == "-", next < text.endIndex, isWord(text[next]), isWord(text[text.index(before: j)]) { j = next; continue }
                    break
                }
                out.append(.name(String(text[i..<j])))
                i = j
            } else if "+-*/".contains(c) {
                out.append(.op(c))
                i = text.index(after: i)
            } else if c == "(" || c == ")" {
                out.append(c == "(" ? .open : .close)
                i = text.index(after: i)
            } else {
                throw SyntaxError(message: "unexpected `\(c)`; expected numbers, parameter names, + - * / and parentheses")
            }
        }
        return out
    }

    /// Recursive descent: sum := product (('+'|'-') product)*; product := atom (('*'|'/') atom)*.
    struct Parser {
        let tokens: [Token]
        var position = 0

        mutating func sum() throws(SyntaxError) -> Node {
            try chain("+-") { p throws(SyntaxError) in try p.chain("*/") { p throws(SyntaxError) in try p.atom() } }
        }

        /// `operand (op operand)*` for the operators in `ops`, left-associative.
        mutating func chain(_ ops: String, _ operand: (inout Parser) throws(SyntaxError) -> Node) throws(SyntaxError) -> Node {
            var left = try operand(&self)
            while position < tokens.count, case .op(let c) = tokens[position], ops.contains(c) {
                position += 1
                left = .binary(c, left, try operand(&self))
            }
            return left
        }

        mutating func atom() throws(SyntaxError) -> Node {
            guard position < tokens.count else { throw SyntaxError(message: "the expression ends too early") }
            let t = tokens[position]
            position += 1
            switch t {
            case .number(let d): return .number(d)
            case .name(let s): return .name(s)
            case .open:
                let inner = try sum()
                guard position < tokens.count, tokens[position] == .close else { throw SyntaxError(message: "missing `)`") }
                position += 1
                return inner
            default: throw SyntaxError(message: "unexpected `\(t)`")
            }
        }
    }
}
