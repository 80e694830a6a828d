extension JSONLHistory {
    /// One event as a JSONL line, without the trailing newline.
    ///
    /// Fields in this order: `index`, `type`, `process`, `f`, `key` (when set), `value`, `time`,
    /// `node`, `error` (each when set). Strings are escaped as JSON requires (`"`, `\`, and
    /// control characters; other characters are written as UTF-8), so `parse(encode(e))` gives
    /// back `e` for every event, except that a `key` of `.null` reads back as no key.
    public static func encode(_ event: Event) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(96)
        encode(event, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A value as JSON text, as histories write it (nil as `null`, arrays as arrays).
    public static func json(_ value: Value) -> String {
        var bytes: [UInt8] = []
        appendValue(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A string as a JSON string literal, quoted and escaped.
    public static func json(_ string: String) -> String {
        var bytes: [UInt8] = []
        appendString(string, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `event` as a JSONL line, without the trailing newline, to `bytes`.
    static func encode(_ event: Event, into bytes: inout [UInt8]) {
        append("{\"index\":", to: &bytes)
        appendInt(event.index, to: &bytes)
        append(",\"type\":\"", to: &bytes)
        switch event.type {
        case .invoke: append("invoke\"", to: &bytes)
        case .ok: append("ok\"", to: &bytes)
        case .fail: append("fail\"", to: &bytes)
        case .info: append("info\"", to: &bytes)
        }
        append(",\"process\":", to: &bytes)
        switch event.process {
        case .client(let p): appendInt(p, to: &bytes)
        case .nemesis: append("\"nemesis\"", to: &bytes)
        }
        append(",\"f\":", to: &bytes)
        appendString(event.f, to: &bytes)
        if let key = event.key {
            append(",\"key\":", to: &bytes)
            appendValue(key, to: &bytes)
        }
        append(",\"value\":", to: &bytes)
        appendValue(event.value, to: &bytes)
        if let time = event.time {
            append(",\"time\":", to: &bytes)
            appendInt(Int(time), to: &bytes)
        }
        if let node = event.node {
            append(",\"node\":", to: &bytes)
            appendString(node, to: &bytes)
        }
        if let error = event.error {
            append(",\"error\":", to: &bytes)
            appendString(error, to: &bytes)
        }
        if let cause = event.cause {
            append(",\"cause\":", to: &bytes)
            appendString(cause, to: &bytes)
        }
        if let delay = event.delay {
            append(",\"delay\":", to: &bytes)
            appendInt(Int(delay), to: &bytes)
        }
        bytes.append(UInt8(ascii: "}"))
    }

    @inline(__always)
    private static func append(_ s: StaticString, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    private static func appendInt(_ v: Int, to bytes: inout [UInt8]) {
        if v >= 0 && v < 10 {
            bytes.append(0x30 + UInt8(v))
            return
        }
        var magnitude = v.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // room for 24 digits
        let count = withUnsafeMutableBytes(of: &digits) { raw -> Int in
            var n = 0
            repeat {
                raw[23 - n] = 0x30 + UInt8(magnitude % 10)
                magnitude /= 10
                n += 1
            } while magnitude > 0
            return n
        }
        if v < 0 { bytes.append(UInt8(ascii: "-")) }
        withUnsafeBytes(of: &digits) { raw in
            bytes.append(contentsOf: raw[(24 - count)...])
        }
    }

    private static func appendValue(_ value: Value, to bytes: inout [UInt8]) {
        switch value {
        case .null: append("null", to: &bytes)
        case .bool(let b): b ? append("true", to: &bytes) : append("false", to: &bytes)
        case .int(let v): appendInt(v, to: &bytes)
        case .string(let s): appendString(s, to: &bytes)
        case .array(let items):
            bytes.append(UInt8(ascii: "["))
            for (n, item) in items.enumerated() {
                if n > 0 { bytes.append(UInt8(ascii: ",")) }
                appendValue(item, to: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends `s` as a JSON string literal.
    static func appendString(_ s: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        for c in s.utf8 {
            switch c {
            case UInt8(ascii: "\""): append("\\\"", to: &bytes)
            case UInt8(ascii: "\\"): append("\\\\", to: &bytes)
            case 0x0A: append("\\n", to: &bytes)
            case 0x0D: append("\\r", to: &bytes)
            case 0x09: append("\\t", to: &bytes)
            case 0x08: append("\\b", to: &bytes)
            case 0x0C: append("\\f", to: &bytes)
            case 0..<0x20, 0x7F:
                append("\\u00", to: &bytes)
                bytes.append(hexDigits[Int(c >> 4)])
                bytes.append(hexDigits[Int(c & 0xF)])
            default: bytes.append(c)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
