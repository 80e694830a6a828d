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
    let base: UnsafePointer<UInt8>
    let end: Int
    let source: String
    var i = 0
    var line = 1
    var lineStart = 0

    static let maxDepth = 512

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

    func countNewlines() -> Int {
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

    func hasNewline(from start: Int) -> Bool {
        end > start && memchr(base + start, 0x0A, end - start) != nil
    }

    /// A `HistoryError` at byte `pos` (default: the current position) of the current line; the
    /// column counts characters from 1.
    func error(_ message: String, at pos: Int? = nil) -> HistoryError {
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
    func byte(_ k: Int) -> UInt8 { k < end ? base[k] : 0 }

    @inline(__always)
    mutating func skipSpaces() {
        while i < end {
            let c = base[i]
            guard c == 0x20 || c == 0x09 || c == 0x0D else { return }
            i += 1
        }
    }

    func describeHere() -> String {
        if i >= end { return "the end of the file" }
        var k = i + 1
        while k < end && base[k] & 0xC0 == 0x80 { k += 1 }
        return describeCharacter(UnsafeBufferPointer(start: base + i, count: k - i))
    }

    // MARK: - Events

    enum Field {
        case index, type, process, f, key, value, time, node, error, cause, delay, unknown
    }

    @inline(__always)
    func equals(_ start: Int, _ count: Int, _ name: StaticString) -> Bool {
        count == name.utf8CodeUnitCount && memcmp(base + start, name.utf8Start, count) == 0
    }

    func field(_ start: Int, _ count: Int) -> Field {
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
            if equals(start, count, "cause") { return .cause }
            if equals(start, count, "delay") { return .delay }
            return .unknown
        case 7: return equals(start, count, "process") ? .process : .unknown
        default: return .unknown
        }
    }

    mutating func parseEvent(defaultIndex: Int) throws(HistoryError) -> Event {
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
        var cause: String?
        var delay: Int64?

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
                case .cause:
                    if !takeNull() {
                        guard byte(i) == UInt8(ascii: "\"") else { throw error("cause must be a string or null") }
                        cause = try parseString()
                    }
                case .delay:
                    if !takeNull() { delay = Int64(try parseInteger(field: "delay")) }
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
            value: value, time: time, node: node, error: errorText, cause: cause, delay: delay)
    }

    /// Consumes `null` if it is next.
    @inline(__always)
    mutating func takeNull() -> Bool {
        if byte(i) == UInt8(ascii: "n") && i + 4 <= end && equals(i, 4, "null") {
            i += 4
            return true
        }
        return false
    }

    mutating func parseType() throws(HistoryError) -> EventType {
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

    mutating func parseProcess() throws(HistoryError) -> ProcessID {
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

    mutating func parseInteger(field: String) throws(HistoryError) -> Int {
        let at = i
        let c = byte(i)
        if c == UInt8(ascii: "-") || (c >= 0x30 && c <= 0x39) {
            if case .int(let v) = try parseNumber() { return v }
        }
        throw error("\(field) must be an integer", at: at)
    }
}
