#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The JSON values of an event (`key`, `value`, strings, numbers), read byte by byte.
extension JSONLParser {
    /// Any JSON value. Objects become `.array` of `[key, value]` pairs; numbers with a fraction
    /// or exponent, which `Value` cannot hold exactly, become `.string` of their literal text.
    mutating func parseValue(depth: Int) throws(HistoryError) -> Value {
        let c = byte(i)
        switch c {
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "-"), 0x30...0x39:
            return try parseNumber()
        case UInt8(ascii: "["):
            guard depth < Self.maxDepth else { throw error("arrays and objects nested too deep") }
            i += 1
            var items: [Value] = []
            skipSpaces()
            if byte(i) == UInt8(ascii: "]") {
                i += 1
                return .array(items)
            }
            while true {
                items.append(try parseValue(depth: depth + 1))
                if try endOfItem(closing: UInt8(ascii: "]"), in: "an array") { return .array(items) }
            }
        case UInt8(ascii: "{"):
            guard depth < Self.maxDepth else { throw error("arrays and objects nested too deep") }
            i += 1
            var pairs: [Value] = []
            skipSpaces()
            if byte(i) == UInt8(ascii: "}") {
                i += 1
                return .array(pairs)
            }
            while true {
                guard byte(i) == UInt8(ascii: "\"") else {
                    throw error("expected '\"' to start a key in an object, found \(describeHere())")
                }
                let k = try parseString()
                skipSpaces()
                guard byte(i) == UInt8(ascii: ":") else {
                    throw error("expected ':' after a key in an object, found \(describeHere())")
                }
                i += 1
                skipSpaces()
                let v = try parseValue(depth: depth + 1)
                pairs.append(.array([.string(k), v]))
                if try endOfItem(closing: UInt8(ascii: "}"), in: "an object") { return .array(pairs) }
            }
        case UInt8(ascii: "t"):
            if i + 4 <= end && equals(i, 4, "true") {
                i += 4
                return .bool(true)
            }
        case UInt8(ascii: "f"):
            if i + 5 <= end && equals(i, 5, "false") {
                i += 5
                return .bool(false)
            }
        case UInt8(ascii: "n"):
            if takeNull() { return .null }
        default:
            break
        }
        throw error(
            "expected a value (a string, number, array, object, true, false or null), found "
                + describeHere())
    }

    /// An integer, or a number with a fraction or exponent as `.string` of its text.
    mutating func parseNumber() throws(HistoryError) -> Value {
        let start = i
        var negative = false
        if base[i] == UInt8(ascii: "-") {
            negative = true
            i += 1
        }
        let digitsStart = i
        var magnitude: UInt64 = 0
        var overflow = false
        while i < end {
            let d = base[i] &- 0x30
            guard d < 10 else { break }
            let (m, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(d))
            overflow = overflow || o1 || o2
            magnitude = s
            i += 1
        }
        guard i > digitsStart else {
            throw error("expected a digit after '-'")
        }
        let c = byte(i)
        if c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
            if c == UInt8(ascii: ".") {
                i += 1
                let fractionStart = i
                while byte(i) &- 0x30 < 10 { i += 1 }
                guard i > fractionStart else { throw error("expected a digit after '.'") }
            }
            let e = byte(i)
            if e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
                i += 1
                if byte(i) == UInt8(ascii: "+") || byte(i) == UInt8(ascii: "-") { i += 1 }
                let exponentStart = i
                while byte(i) &- 0x30 < 10 { i += 1 }
                guard i > exponentStart else { throw error("expected a digit in the exponent") }
            }
            return .string(
                String(decoding: UnsafeBufferPointer(start: base + start, count: i - start), as: UTF8.self))
        }
        let limit: UInt64 = negative ? UInt64(Int.max) + 1 : UInt64(Int.max)
        guard !overflow && magnitude <= limit else {
            throw error("integer out of range (more than 64 bits)", at: start)
        }
        return .int(negative ? Int(truncatingIfNeeded: 0 &- magnitude) : Int(magnitude))
    }

    /// If the string at `i` (on its opening quote) is plain ASCII without escapes, consumes it and
    /// returns its content's range; otherwise leaves `i` unchanged and returns nil (and
    /// `parseString` reads it, checking that it is UTF-8).
    @inline(__always)
    mutating func plainStringBytes() -> (Int, Int)? {
        let start = i + 1
        var k = start
        while k < end {
            let c = base[k]
            if c == UInt8(ascii: "\"") {
                i = k + 1
                return (start, k - start)
            }
            if c == UInt8(ascii: "\\") || c < 0x20 || c >= 0x80 { return nil }
            k += 1
        }
        return nil
    }

    /// A JSON string, `i` on its opening quote.
    mutating func parseString() throws(HistoryError) -> String {
        if let (start, count) = plainStringBytes() {
            return String(decoding: UnsafeBufferPointer(start: base + start, count: count), as: UTF8.self)
        }
        let open = i
        i += 1
        var bytes: [UInt8] = []
        while true {
            guard i < end, base[i] != UInt8(ascii: "\n") else {
                throw error("unterminated string: expected '\"' to close the string opened here", at: open)
            }
            let c = base[i]
            if c == UInt8(ascii: "\"") {
                // Escapes are ASCII and decode to UTF-8, so the string is UTF-8 exactly when its
                // raw bytes are.
                let raw = UnsafeBufferPointer(start: base + open + 1, count: i - open - 1)
                if let bad = UTF8Text.firstInvalidByte(raw) {
                    throw error(UTF8Text.notUTF8(raw[bad]), at: open + 1 + bad)
                }
                i += 1
                return String(decoding: bytes, as: UTF8.self)
            }
            if c < 0x20 {
                throw error("control character in a string: write it escaped, e.g. \\t or \\u0001")
            }
            if c != UInt8(ascii: "\\") {
                bytes.append(c)
                i += 1
                continue
            }
            let e = byte(i + 1)
            if let plain = singleCharacterEscape(e) ?? (e == UInt8(ascii: "/") ? e : nil) {
                bytes.append(plain)
                i += 2
                continue
            }
            switch e {
            case UInt8(ascii: "u"):
                let escapeAt = i
                i += 2
                var scalar = try hex4()
                if scalar >= 0xD800 && scalar < 0xDC00 {
                    // A high surrogate must be followed by an escaped low surrogate.
                    if byte(i) == UInt8(ascii: "\\") && byte(i + 1) == UInt8(ascii: "u") {
                        i += 2
                        let low = try hex4()
                        guard low >= 0xDC00 && low < 0xE000 else {
                            throw error("invalid surrogate pair in a \\u escape", at: escapeAt)
                        }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        throw error(UTF8Text.loneSurrogate(scalar), at: escapeAt)
                    }
                } else if scalar >= 0xDC00 && scalar < 0xE000 {
                    throw error(UTF8Text.loneSurrogate(scalar), at: escapeAt)
                }
                bytes.append(contentsOf: Unicode.Scalar(scalar).map { Array(String($0).utf8) } ?? [])
                continue
            default:
                throw error("invalid escape in a string: expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u")
            }
        }
    }

    /// After an item of an array or object: consumes `,` (false: another item follows) or the
    /// closing bracket (true), or throws naming what was expected.
    mutating func endOfItem(closing: UInt8, in container: String) throws(HistoryError) -> Bool {
        skipSpaces()
        let d = byte(i)
        if d == UInt8(ascii: ",") {
            i += 1
            skipSpaces()
            return false
        }
        if d == closing {
            i += 1
            return true
        }
        throw error("expected ',' or '\(Character(Unicode.Scalar(closing)))' in \(container), found \(describeHere())")
    }

    mutating func hex4() throws(HistoryError) -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = byte(i)
            let d: UInt8
            switch c {
            case 0x30...0x39: d = c - 0x30
            case 0x41...0x46: d = c - 0x41 + 10
            case 0x61...0x66: d = c - 0x61 + 10
            default: throw error("expected 4 hexadecimal digits after \\u")
            }
            v = v << 4 | UInt32(d)
            i += 1
        }
        return v
    }
}
