#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The byte-level parser behind `JSONLHistory`: one JSON object a line, decoded straight from
/// the file's bytes into `Event`s, without building an intermediate JSON tree.
///
/// Only valid while the buffer it was made from is alive: use it inside `withUnsafeBufferPointer`.
struct JSONLParser {
    private let base: UnsafePointer<UInt8>
    private let end: Int
    private let source: String
    private var i = 0
    private var line = 1
    private var lineStart = 0

    private static let maxDepth = 512

    init(buffer: UnsafeBufferPointer<UInt8>, source: String) {
        // An empty buffer may have no base address; any valid pointer will do, as nothing is read.
        self.base = buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!
        self.end = buffer.count
        self.source = source
    }

    /// Parses every line. With `allowTruncatedTail`, an unparsable last line that has no newline
    /// (a write cut short by a crash) is dropped, and its error returned as `droppedTail`.
    mutating func parseAll(allowTruncatedTail: Bool) throws(HistoryError) -> (
        history: History, droppedTail: HistoryError?
    ) {
        var events: [Event] = []
        var lines: [Int] = []
        let estimate = countNewlines() + 1
        events.reserveCapacity(estimate)
        lines.reserveCapacity(estimate)
        while i < end {
            lineStart = i
            skipSpaces()
            if i == end { break }
            if base[i] == UInt8(ascii: "\n") {
                i += 1
                line += 1
                continue
            }
            do throws(HistoryError) {
                let event = try parseEvent(defaultIndex: events.count)
                skipSpaces()
                if i < end {
                    guard base[i] == UInt8(ascii: "\n") else {
                        throw error("expected the end of the line after the event's closing '}'")
                    }
                    i += 1
                }
                events.append(event)
                lines.append(line)
                line += 1
            } catch {
                if allowTruncatedTail && !hasNewline(from: lineStart) {
                    return (History(events: events, source: source, lines: lines), error)
                }
                throw error
            }
        }
        return (History(events: events, source: source, lines: lines), nil)
    }

    // MARK: - Positions and errors

    private func countNewlines() -> Int {
        var n = 0
        var p = UnsafeRawPointer(base)
        var left = end
        while left > 0, let hit = memchr(p, 0x0A, left) {
            n += 1
            let next = UnsafeRawPointer(hit) + 1
            left -= next - p
            p = next
        }
        return n
    }

    private func hasNewline(from start: Int) -> Bool {
        end > start && memchr(base + start, 0x0A, end - start) != nil
    }

    /// A `HistoryError` at byte `pos` (default: the current position) of the current line; the
    /// column counts characters from 1.
    private func error(_ message: String, at pos: Int? = nil) -> HistoryError {
        let pos = min(pos ?? i, end)
        var column = 1
        var k = lineStart
        while k < pos {
            if base[k] & 0xC0 != 0x80 { column += 1 }
            k += 1
        }
        return HistoryError(file: source, line: line, column: column, message: message)
    }

    /// The byte at `k`, or 0 past the end (0 never starts a valid token, so it reads as an error).
    @inline(__always)
    private func byte(_ k: Int) -> UInt8 { k < end ? base[k] : 0 }

    @inline(__always)
    private mutating func skipSpaces() {
        while i < end {
            let c = base[i]
            guard c == 0x20 || c == 0x09 || c == 0x0D else { return }
            i += 1
        }
    }

    private func describeHere() -> String {
        if i >= end { return "the end of the file" }
        var k = i + 1
        while k < end && base[k] & 0xC0 == 0x80 { k += 1 }
        return describeCharacter(UnsafeBufferPointer(start: base + i, count: k - i))
    }

    // MARK: - Events

    private enum Field {
        case index, type, process, f, key, value, time, node, error, unknown
    }

    @inline(__always)
    private func equals(_ start: Int, _ count: Int, _ name: StaticString) -> Bool {
        count == name.utf8CodeUnitCount && memcmp(base + start, name.utf8Start, count) == 0
    }

    private func field(_ start: Int, _ count: Int) -> Field {
        switch count {
        case 1: return base[start] == UInt8(ascii: "f") ? .f : .unknown
        case 3: return equals(start, count, "key") ? .key : .unknown
        case 4:
            if equals(start, count, "type") { return .type }
            if equals(start, count, "time") { return .time }
            if equals(start, count, "node") { return .node }
            return .unknown
        case 5:
            if equals(start, count, "value") { return .value }
            if equals(start, count, "index") { return .index }
            if equals(start, count, "error") { return .error }
            return .unknown
        case 7: return equals(start, count, "process") ? .process : .unknown
        default: return .unknown
        }
    }

    private mutating func parseEvent(defaultIndex: Int) throws(HistoryError) -> Event {
        let objectStart = i
        guard byte(i) == UInt8(ascii: "{") else {
            throw error("expected '{' to start an event, found \(describeHere())")
        }
        i += 1
        var index: Int?
        var type: EventType?
        var process: ProcessID?
        var f: String?
        var key: Value?
        var value = Value.null
        var time: Int64?
        var node: String?
        var errorText: String?

        skipSpaces()
        if byte(i) == UInt8(ascii: "}") {
            i += 1
        } else {
            while true {
                guard byte(i) == UInt8(ascii: "\"") else {
                    throw error("expected '\"' to start a field name, found \(describeHere())")
                }
                let which: Field
                if let (start, count) = plainStringBytes() {
                    which = field(start, count)
                } else {
                    // A field name with escapes: rare, never one of ours in practice.
                    var name = try parseString()
                    which = name.withUTF8 { u in
                        JSONLParser(buffer: u, source: source).field(0, u.count)
                    }
                }
                skipSpaces()
                guard byte(i) == UInt8(ascii: ":") else {
                    throw error("expected ':' after a field name, found \(describeHere())")
                }
                i += 1
                skipSpaces()
                switch which {
                case .index:
                    if !takeNull() { index = try parseInteger(field: "index") }
                case .type: type = try parseType()
                case .process: process = try parseProcess()
                case .f:
                    guard byte(i) == UInt8(ascii: "\"") else {
                        throw error("f must be a string, such as \"read\"")
                    }
                    f = try parseString()
                case .key:
                    let k = try parseValue(depth: 0)
                    key = k == .null ? nil : k
                case .value: value = try parseValue(depth: 0)
                case .time:
                    if !takeNull() { time = Int64(try parseInteger(field: "time")) }
                case .node:
                    if !takeNull() {
                        guard byte(i) == UInt8(ascii: "\"") else {
                            throw error("node must be a string or null")
                        }
                        node = try parseString()
                    }
                case .error:
                    if !takeNull() {
                        if byte(i) == UInt8(ascii: "\"") {
                            errorText = try parseString()
                        } else {
                            let start = i
                            _ = try parseValue(depth: 0)
                            errorText = String(
                                decoding: UnsafeBufferPointer(start: base + start, count: i - start),
                                as: UTF8.self)
                        }
                    }
                case .unknown:
                    _ = try parseValue(depth: 0)
                }
                skipSpaces()
                let c = byte(i)
                if c == UInt8(ascii: ",") {
                    i += 1
                    skipSpaces()
                    continue
                }
                if c == UInt8(ascii: "}") {
                    i += 1
                    break
                }
                throw error("expected ',' or '}' after a field, found \(describeHere())")
            }
        }
        guard let type else { throw error("missing field \"type\"", at: objectStart) }
        guard let process else { throw error("missing field \"process\"", at: objectStart) }
        guard let f else { throw error("missing field \"f\"", at: objectStart) }
        return Event(
            index: index ?? defaultIndex, type: type, process: process, f: f, key: key,
            value: value, time: time, node: node, error: errorText)
    }

    /// Consumes `null` if it is next.
    @inline(__always)
    private mutating func takeNull() -> Bool {
        if byte(i) == UInt8(ascii: "n") && i + 4 <= end && equals(i, 4, "null") {
            i += 4
            return true
        }
        return false
    }

    private mutating func parseType() throws(HistoryError) -> EventType {
        let at = i
        if byte(i) == UInt8(ascii: "\""), let (start, count) = plainStringBytes() {
            switch count {
            case 6 where equals(start, count, "invoke"): return .invoke
            case 2 where equals(start, count, "ok"): return .ok
            case 4 where equals(start, count, "fail"): return .fail
            case 4 where equals(start, count, "info"): return .info
            default: break
            }
        }
        throw error("type must be invoke, ok, fail or info", at: at)
    }

    private mutating func parseProcess() throws(HistoryError) -> ProcessID {
        let at = i
        let c = byte(i)
        if c == UInt8(ascii: "-") || (c >= 0x30 && c <= 0x39) {
            if case .int(let p) = try parseNumber() { return .client(p) }
        } else if c == UInt8(ascii: "\""), let (start, count) = plainStringBytes(),
            equals(start, count, "nemesis")
        {
            return .nemesis
        }
        throw error("process must be an integer or \"nemesis\"", at: at)
    }

    private mutating func parseInteger(field: String) throws(HistoryError) -> Int {
        let at = i
        let c = byte(i)
        if c == UInt8(ascii: "-") || (c >= 0x30 && c <= 0x39) {
            if case .int(let v) = try parseNumber() { return v }
        }
        throw error("\(field) must be an integer", at: at)
    }

    // MARK: - JSON values

    /// Any JSON value. Objects become `.array` of `[key, value]` pairs; numbers with a fraction
    /// or exponent, which `Value` cannot hold exactly, become `.string` of their literal text.
    private mutating func parseValue(depth: Int) throws(HistoryError) -> Value {
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
    private mutating func parseNumber() throws(HistoryError) -> Value {
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
    private mutating func plainStringBytes() -> (Int, Int)? {
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
    private mutating func parseString() throws(HistoryError) -> String {
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
    private mutating func endOfItem(closing: UInt8, in container: String) throws(HistoryError) -> Bool {
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

    private mutating func hex4() throws(HistoryError) -> UInt32 {
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
