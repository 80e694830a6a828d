/// A reader of EDN values from UTF-8 bytes, tracking line and column for messages.
///
/// Reads nil, true/false, integers (`N` suffix allowed), other numbers (kept as text), strings
/// with escapes, characters, keywords, symbols, lists, vectors, maps, sets, tagged elements,
/// `#_` discards and `;` comments; commas are whitespace. It reads between `start` and `end`,
/// so a caller can read a value from the middle of a line and stop at the line's end.
struct EDNReader {
    let bytes: [UInt8]
    let end: Int
    let source: String
    /// What the end of the readable range is called in messages.
    let endName: String
    private(set) var i: Int
    private(set) var line: Int
    private(set) var lineStart: Int

    private static let maxDepth = 512

    init(
        bytes: [UInt8], source: String, start: Int = 0, end: Int? = nil, line: Int = 1,
        lineStart: Int = 0, endName: String = "the end of the file"
    ) {
        self.bytes = bytes
        self.end = end ?? bytes.count
        self.source = source
        self.endName = endName
        self.i = start
        self.line = line
        self.lineStart = lineStart
    }

    /// The current place.
    var position: EDNPosition { EDNPosition(line: line, offset: i, lineStart: lineStart) }

    /// True when only whitespace and comments are left (call `skipIgnorable` first).
    var atEnd: Bool { i >= end }

    /// The next byte, if any.
    var peek: UInt8? { i < end ? bytes[i] : nil }

    /// Steps over the next byte, which must not be a newline (e.g. a bracket just peeked at).
    mutating func advance() {
        i += 1
    }

    /// A `HistoryError` at `position` (default: here); the column counts characters from 1.
    func error(_ message: String, at position: EDNPosition? = nil) -> HistoryError {
        let p = position ?? self.position
        return HistoryError(file: source, line: p.line, column: column(of: p), message: message)
    }

    /// The column of `p`, in characters from 1.
    func column(of p: EDNPosition) -> Int {
        var column = 1
        var k = p.lineStart
        while k < min(p.offset, bytes.count) {
            if bytes[k] & 0xC0 != 0x80 { column += 1 }
            k += 1
        }
        return column
    }

    /// How the next character is named in messages.
    var describeHere: String {
        guard i < end else { return endName }
        var k = i + 1
        while k < end && bytes[k] & 0xC0 == 0x80 { k += 1 }
        return describeCharacter(bytes[i..<k])
    }

    @inline(__always)
    private static func isWhitespace(_ c: UInt8) -> Bool {
        c == 0x20 || c == 0x0A || c == 0x09 || c == 0x0D || c == 0x2C || c == 0x0C
    }

    @inline(__always)
    private static func isDelimiter(_ c: UInt8) -> Bool {
        switch c {
        case 0x20, 0x0A, 0x09, 0x0D, 0x2C, 0x0C, UInt8(ascii: "("), UInt8(ascii: ")"),
            UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"),
            UInt8(ascii: "\""), UInt8(ascii: ";"):
            return true
        default: return false
        }
    }

    private mutating func newline() {
        line += 1
        lineStart = i + 1
    }

    /// Skips whitespace (commas included) and `;` comments.
    mutating func skipWhitespace() {
        while i < end {
            let c = bytes[i]
            if c == 0x0A {
                newline()
                i += 1
            } else if Self.isWhitespace(c) {
                i += 1
            } else if c == UInt8(ascii: ";") {
                while i < end && bytes[i] != 0x0A { i += 1 }
            } else {
                return
            }
        }
    }

    /// Skips whitespace, comments and `#_`-discarded values.
    mutating func skipIgnorable() throws(HistoryError) {
        while true {
            skipWhitespace()
            guard i + 1 < end, bytes[i] == UInt8(ascii: "#"), bytes[i + 1] == UInt8(ascii: "_") else {
                return
            }
            i += 2
            _ = try readValue()
        }
    }

    /// Reads the next value, skipping whitespace and comments before it.
    mutating func readValue() throws(HistoryError) -> EDN {
        try readValue(depth: 0)
    }

    private mutating func readValue(depth: Int) throws(HistoryError) -> EDN {
        try skipIgnorable()
        guard i < end else { throw error("expected a value, found \(endName)") }
        let start = position
        let c = bytes[i]
        switch c {
        case UInt8(ascii: "["):
            i += 1
            return .vector(try readItems(closing: UInt8(ascii: "]"), name: "vector", from: start, depth: depth))
        case UInt8(ascii: "("):
            i += 1
            return .list(try readItems(closing: UInt8(ascii: ")"), name: "list", from: start, depth: depth))
        case UInt8(ascii: "{"):
            i += 1
            return try readMap(from: start, depth: depth)
        case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"):
            throw error("expected a value, found \(describeHere) with nothing open to close")
        case UInt8(ascii: "\""):
            return .string(try readString())
        case UInt8(ascii: "\\"):
            return try readChar()
        case UInt8(ascii: ":"):
            i += 1
            let name = readToken()
            guard !name.isEmpty else { throw error("expected a keyword name after ':'", at: start) }
            return .keyword(name)
        case UInt8(ascii: "#"):
            guard i + 1 < end else { throw error("expected a dispatch character after '#'") }
            let d = bytes[i + 1]
            if d == UInt8(ascii: "{") {
                i += 2
                return .set(try readItems(closing: UInt8(ascii: "}"), name: "set", from: start, depth: depth))
            }
            if d == UInt8(ascii: "#") {
                i += 2
                return .float("##" + readToken())
            }
            i += 1
            let tag = readToken()
            guard !tag.isEmpty, !(tag.first!.isNumber) else {
                throw error("expected a tag, a set '#{' or a discard '#_' after '#'", at: start)
            }
            guard depth < Self.maxDepth else { throw error("values nested too deep", at: start) }
            return .tagged(tag, try readValue(depth: depth + 1))
        default:
            let isSign = c == UInt8(ascii: "+") || c == UInt8(ascii: "-")
            let isDigit = c &- 0x30 < 10
            if isDigit || (isSign && i + 1 < end && bytes[i + 1] &- 0x30 < 10) {
                return try readNumber()
            }
            let token = readToken()
            guard !token.isEmpty else {
                throw error("expected a value, found \(describeHere)")
            }
            switch token {
            case "nil": return .null
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: return .symbol(token)
            }
        }
    }

    /// The characters up to the next delimiter.
    private mutating func readToken() -> String {
        let start = i
        while i < end && !Self.isDelimiter(bytes[i]) { i += 1 }
        return String(decoding: bytes[start..<i], as: UTF8.self)
    }

    private mutating func readItems(closing: UInt8, name: String, from open: EDNPosition, depth: Int)
        throws(HistoryError) -> [EDN]
    {
        guard depth < Self.maxDepth else { throw error("values nested too deep", at: open) }
        var items: [EDN] = []
        while true {
            try skipIgnorable()
            guard i < end else {
                throw error(
                    "expected '\(Character(Unicode.Scalar(closing)))' to close the \(name) opened at "
                        + "\(open.line):\(column(of: open)), found \(endName)")
            }
            let c = bytes[i]
            if c == closing {
                i += 1
                return items
            }
            if c == UInt8(ascii: ")") || c == UInt8(ascii: "]") || c == UInt8(ascii: "}") {
                throw error(
                    "expected '\(Character(Unicode.Scalar(closing)))' to close the \(name) opened at "
                        + "\(open.line):\(column(of: open)), found \(describeHere)")
            }
            items.append(try readValue(depth: depth + 1))
        }
    }

    private mutating func readMap(from open: EDNPosition, depth: Int) throws(HistoryError) -> EDN {
        guard depth < Self.maxDepth else { throw error("values nested too deep", at: open) }
        var entries: [EDNEntry] = []
        while true {
            try skipIgnorable()
            guard i < end else {
                throw error(
                    "expected '}' to close the map opened at \(open.line):\(column(of: open)), "
                        + "found \(endName)")
            }
            let c = bytes[i]
            if c == UInt8(ascii: "}") {
                i += 1
                return .map(entries)
            }
            if c == UInt8(ascii: ")") || c == UInt8(ascii: "]") {
                throw error(
                    "expected '}' to close the map opened at \(open.line):\(column(of: open)), "
                        + "found \(describeHere)")
            }
            let key = try readValue(depth: depth + 1)
            try skipIgnorable()
            if i >= end || bytes[i] == UInt8(ascii: "}") || bytes[i] == UInt8(ascii: ")")
                || bytes[i] == UInt8(ascii: "]")
            {
                throw error("expected a value for the map key \(key.text), found \(describeHere)")
            }
            let valuePosition = position
            let value = try readValue(depth: depth + 1)
            entries.append(EDNEntry(key: key, value: value, valuePosition: valuePosition))
        }
    }

    private mutating func readNumber() throws(HistoryError) -> EDN {
        let start = position
        let token = readToken()
        var body = Substring(token)
        if body.hasSuffix("N") { body = body.dropLast() }
        var digits = body
        if digits.first == "+" || digits.first == "-" { digits = digits.dropFirst() }
        if !digits.isEmpty && digits.utf8.allSatisfy({ $0 &- 0x30 < 10 }) {
            guard let v = Int(body.first == "+" ? body.dropFirst() : body) else {
                throw error("integer out of range (more than 64 bits): \(token)", at: start)
            }
            return .int(v)
        }
        if Self.isOtherNumber(token) { return .float(token) }
        throw error("invalid number \(token)", at: start)
    }

    /// Decimal, exponent, `M` and ratio forms: `1.5`, `-2e10`, `3.0M`, `1/2`.
    private static func isOtherNumber(_ token: String) -> Bool {
        var u = Substring(token).utf8[...]
        if u.first == UInt8(ascii: "+") || u.first == UInt8(ascii: "-") { u = u.dropFirst() }
        if u.last == UInt8(ascii: "M") { u = u.dropLast() }
        func digits(_ s: Substring.UTF8View.SubSequence) -> Bool {
            !s.isEmpty && s.allSatisfy { $0 &- 0x30 < 10 }
        }
        if let slash = u.firstIndex(of: UInt8(ascii: "/")) {
            return digits(u[..<slash]) && digits(u[u.index(after: slash)...])
        }
        var mantissa = u
        if let e = u.firstIndex(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
            mantissa = u[..<e]
            var exponent = u[u.index(after: e)...]
            if exponent.first == UInt8(ascii: "+") || exponent.first == UInt8(ascii: "-") {
                exponent = exponent.dropFirst()
            }
            guard digits(exponent) else { return false }
        }
        if let dot = mantissa.firstIndex(of: UInt8(ascii: ".")) {
            let fraction = mantissa[mantissa.index(after: dot)...]
            return digits(mantissa[..<dot]) && (fraction.isEmpty || digits(fraction))
        }
        return digits(mantissa)
    }

    private mutating func readString() throws(HistoryError) -> String {
        let open = position
        i += 1
        var out: [UInt8] = []
        while true {
            guard i < end else {
                throw error("unterminated string: expected '\"' to close the string opened here", at: open)
            }
            let c = bytes[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                return String(decoding: out, as: UTF8.self)
            }
            if c == 0x0A { newline() }
            if c != UInt8(ascii: "\\") {
                out.append(c)
                i += 1
                continue
            }
            guard i + 1 < end else {
                throw error("unterminated string: expected '\"' to close the string opened here", at: open)
            }
            let e = bytes[i + 1]
            if let plain = singleCharacterEscape(e) {
                out.append(plain)
                i += 2
                continue
            }
            switch e {
            case UInt8(ascii: "u"):
                let escape = position
                i += 2
                guard var v = readHex4() else {
                    throw error("expected 4 hexadecimal digits after \\u", at: escape)
                }
                // A high surrogate followed by an escaped low one is one character (as in Java).
                if v >= 0xD800 && v < 0xDC00, i + 1 < end, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") {
                    let save = i
                    i += 2
                    if let low = readHex4(), low >= 0xDC00 && low < 0xE000 {
                        v = 0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        i = save
                    }
                }
                guard let scalar = Unicode.Scalar(v) else { throw error(UTF8Text.loneSurrogate(v), at: escape) }
                out.append(contentsOf: Array(String(scalar).utf8))
                continue
            default:
                throw error("invalid escape in a string: expected one of \\\" \\\\ \\n \\t \\r \\b \\f \\u")
            }
        }
    }

    /// The 4 hexadecimal digits at `i` as a number (consumed), or nil (nothing consumed).
    private mutating func readHex4() -> UInt32? {
        guard i + 4 <= end, bytes[i..<(i + 4)].allSatisfy({ ($0 | 0x20) &- 0x61 < 6 || $0 &- 0x30 < 10 }),
            let v = UInt32(String(decoding: bytes[i..<(i + 4)], as: UTF8.self), radix: 16)
        else { return nil }
        i += 4
        return v
    }

    private mutating func readChar() throws(HistoryError) -> EDN {
        let start = position
        i += 1
        guard i < end, bytes[i] != 0x0A else { throw error("expected a character after '\\'", at: start) }
        // The first character is taken whatever it is (`\(` is the character '('), then the token.
        var k = i + 1
        while k < end && bytes[k] & 0xC0 == 0x80 { k += 1 }
        while k < end && !Self.isDelimiter(bytes[k]) { k += 1 }
        let token = String(decoding: bytes[i..<k], as: UTF8.self)
        i = k
        switch token {
        case "newline": return .char("\n")
        case "space": return .char(" ")
        case "tab": return .char("\t")
        case "return": return .char("\r")
        case "formfeed": return .char("\u{0C}")
        case "backspace": return .char("\u{08}")
        default:
            if token.count == 1 { return .char(token) }
            if token.count == 5, token.first == "u", let v = UInt32(token.dropFirst(), radix: 16),
                let scalar = Unicode.Scalar(v)
            {
                return .char(String(scalar))
            }
            throw error("invalid character literal \\\(token)", at: start)
        }
    }
}
