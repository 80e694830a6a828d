/// Importer for the operation lines of a Jepsen log (`jepsen.log`, Porcupine's
/// `test_data/jepsen/etcd_NNN.log`).
///
/// An event is a line `INFO  jepsen.util - <process> <type> <f> <value>`, fields separated by
/// tabs or runs of spaces (text before `INFO`, such as a timestamp, is allowed):
/// - `<process>`: an integer, or `:nemesis`;
/// - `<type>`: `:invoke`, `:ok`, `:fail` or `:info`;
/// - `<f>`: a keyword such as `:read`, `:write`, `:cas` (it becomes `"read"`, …);
/// - `<value>`: one EDN value: `nil`, an integer, a vector `[0 3]`, a keyword such as
///   `:timed-out`, a string, …; anything after it on the line is kept as the event's `error`.
///
/// Lines that do not start this way (no `INFO jepsen.util -`, a process that is not an integer
/// or `:nemesis`, a type that is not one of the four) are skipped. A line that does, but whose
/// `<f>` or `<value>` is malformed, throws a `HistoryError` with file, line and column.
///
/// Semantics:
/// - `:ok` completes the process's pending invocation; `:fail` means it did not take effect.
/// - A completion whose value is `:timed-out` (`:info :cas :timed-out`, `:fail :read :timed-out`)
///   has an unknown outcome: it becomes an `info` event with value `.null` and error
///   `"timed-out"`; the operation's meaning stays in its invocation's value. A timed-out read thus
///   constrains nothing.
/// - Time is line order; there are no timestamps. `index` is the event's position, 0-based.
public enum JepsenLogHistory {
    /// Reads the Jepsen log at `path`.
    /// - Throws: `HistoryError` on line 0 if the file cannot be read, else at the first error.
    public static func read(path: String) throws(HistoryError) -> History {
        try parse(bytes: try FileBytes.read(path: path), source: path)
    }

    /// Parses Jepsen log text; `source` names it in errors and in the `History`.
    public static func parse(_ text: String, source: String = "<memory>") throws(HistoryError) -> History {
        try parse(bytes: Array(text.utf8), source: source)
    }

    /// Parses Jepsen log bytes (UTF-8); `source` names them in errors and in the `History`.
    public static func parse(bytes: [UInt8], source: String = "<memory>") throws(HistoryError) -> History {
        try UTF8Text.require(bytes, source: source)
        var history = History(events: [], source: source, lines: [])
        var lineStart = 0
        var line = 1
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count && bytes[lineEnd] != 0x0A { lineEnd += 1 }
            if let event = try parseLine(
                bytes, start: lineStart, end: lineEnd, line: line, source: source,
                index: history.events.count)
            {
                history.append(event, line: line)
            }
            lineStart = lineEnd + 1
            line += 1
        }
        return history
    }

    private static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0D }

    /// The event on one line, nil if the line is not an operation line.
    private static func parseLine(
        _ b: [UInt8], start: Int, end: Int, line: Int, source: String, index: Int
    ) throws(HistoryError) -> Event? {
        guard var k = afterMarker(b, start: start, end: end) else { return nil }

        func token() -> Range<Int> {
            let s = k
            while k < end && !isSpace(b[k]) { k += 1 }
            return s..<k
        }
        func spaces() -> Bool {
            let s = k
            while k < end && isSpace(b[k]) { k += 1 }
            return k > s
        }
        func text(_ r: Range<Int>) -> String { String(decoding: b[r], as: UTF8.self) }

        let processToken = text(token())
        let process: ProcessID
        if processToken == ":nemesis" {
            process = .nemesis
        } else if let p = Int(processToken), processToken.utf8.allSatisfy({ $0 &- 0x30 < 10 }) {
            process = .client(p)
        } else {
            return nil
        }
        guard spaces() else { return nil }
        let typeToken = text(token())
        guard typeToken.hasPrefix(":"), let type = EventType(rawValue: String(typeToken.dropFirst())) else {
            return nil
        }
        // From here on the line is an operation: anything malformed is an error.
        var reader = EDNReader(
            bytes: b, source: source, start: k, end: end, line: line, lineStart: start,
            endName: "the end of the line")
        _ = spaces()
        let fPosition = EDNPosition(line: line, offset: k, lineStart: start)
        let fToken = text(token())
        guard fToken.count > 1, fToken.hasPrefix(":") else {
            throw reader.error(
                "expected the operation's function as a keyword, such as :read, after \(typeToken)",
                at: fPosition)
        }
        let f = String(fToken.dropFirst())
        reader = EDNReader(
            bytes: b, source: source, start: k, end: end, line: line, lineStart: start,
            endName: "the end of the line")
        reader.skipWhitespace()
        if reader.atEnd {
            throw reader.error("expected the operation's value (such as nil, 3 or [0 3]) after \(fToken)")
        }
        let edn = try reader.readValue()
        reader.skipWhitespace()
        var errorText: String?
        if !reader.atEnd {
            let rest = text(reader.i..<end)
            var trimmed = Substring(rest)
            while let last = trimmed.last, last == "\r" || last == " " || last == "\t" {
                trimmed = trimmed.dropLast()
            }
            errorText = String(trimmed)
        }
        var event = Event(
            index: index, type: type, process: process, f: f, value: edn.value, error: errorText)
        if edn == .keyword("timed-out") && (type == .info || type == .fail) {
            event.type = .info
            event.value = .null
            event.error = errorText ?? "timed-out"
        }
        return event
    }

    /// The offset just after `INFO <ws> jepsen.util <ws> - <ws>` on the line, if it has it.
    private static func afterMarker(_ b: [UInt8], start: Int, end: Int) -> Int? {
        let info = Array("INFO".utf8)
        let util = Array("jepsen.util".utf8)
        var s = start
        while s + info.count <= end {
            defer { s += 1 }
            guard b[s] == info[0], b[s..<(s + info.count)].elementsEqual(info) else { continue }
            guard s == start || isSpace(b[s - 1]) else { continue }
            var k = s + info.count
            let afterInfo = k
            while k < end && isSpace(b[k]) { k += 1 }
            guard k > afterInfo, k + util.count <= end, b[k..<(k + util.count)].elementsEqual(util) else {
                continue
            }
            k += util.count
            let afterUtil = k
            while k < end && isSpace(b[k]) { k += 1 }
            guard k > afterUtil, k < end, b[k] == UInt8(ascii: "-") else { continue }
            k += 1
            let afterDash = k
            while k < end && isSpace(b[k]) { k += 1 }
            guard k > afterDash else { continue }
            return k
        }
        return nil
    }
}
