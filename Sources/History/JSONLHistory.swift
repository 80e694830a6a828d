/// Faultline's own history format: JSON Lines, one event a line, field names as in Jepsen.
///
/// ```
/// {"index":12,"type":"invoke","process":3,"f":"cas","key":"k2","value":[1,4],"time":183920113,"node":"n2"}
/// ```
///
/// Reading contract:
/// - Required fields: `type` (`"invoke"`, `"ok"`, `"fail"` or `"info"`), `process` (an integer, or
///   the string `"nemesis"`), `f` (a string). Optional: `index` (default: the event's position,
///   0-based), `key`, `value` (default `null`), `time` (integer nanoseconds), `node` (a string),
///   `error` (a string; any other JSON value is kept as its JSON text). `null` counts as absent
///   for the optional fields. Unknown fields are ignored; a repeated field keeps its last value.
/// - `key` and `value` may be any JSON: objects become `.array` of `[key, value]` pairs, and
///   numbers with a fraction or exponent, which `Value` cannot hold exactly, become `.string` of
///   their literal text.
/// - Blank lines (only spaces, tabs or `\r`) are skipped; `\r\n` line ends are accepted.
/// - Any other deviation throws a `HistoryError` naming the file, the line, the column (in
///   characters, from 1) and what was expected, e.g.
///   `h.jsonl:7:23: expected ',' or '}' after a field, found ']'`.
/// - A last line cut short by a crash (no newline at its end, and not a valid event) is an error
///   too, unless `allowTruncatedTail` is set: then that line alone is dropped.
///
/// The reader is a hand-written byte-level parser over the whole file: no JSON tree is built.
public enum JSONLHistory {
    /// Reads the JSONL history at `path`.
    ///
    /// - Parameter allowTruncatedTail: drop an unterminated, unparsable last line instead of
    ///   throwing (for a history whose recorder crashed mid-write).
    /// - Throws: `HistoryError` on line 0 if the file cannot be read; otherwise at the first
    ///   malformed line.
    public static func read(path: String, allowTruncatedTail: Bool = false) throws(HistoryError)
        -> History
    {
        try readReportingTail(path: path, allowTruncatedTail: allowTruncatedTail).history
    }

    /// Like `read(path:allowTruncatedTail:)`, and also returns the error of the last line when it
    /// was dropped as truncated (always nil unless `allowTruncatedTail`), so a caller can say so.
    public static func readReportingTail(path: String, allowTruncatedTail: Bool = true)
        throws(HistoryError) -> (history: History, droppedTail: HistoryError?)
    {
        let bytes = try FileBytes.read(path: path)
        return try parseReportingTail(bytes: bytes, source: path, allowTruncatedTail: allowTruncatedTail)
    }

    /// Parses JSONL history text; `source` names it in errors and in the resulting `History`.
    public static func parse(_ text: String, source: String = "<memory>", allowTruncatedTail: Bool = false)
        throws(HistoryError) -> History
    {
        var text = text
        let result = text.withUTF8 { utf8 in
            Result { () throws(HistoryError) in
                var parser = JSONLParser(buffer: utf8, source: source)
                return try parser.parseAll(allowTruncatedTail: allowTruncatedTail).history
            }
        }
        return try result.get()
    }

    /// Parses JSONL history bytes (UTF-8); `source` names them in errors and in the `History`.
    public static func parse(bytes: [UInt8], source: String = "<memory>", allowTruncatedTail: Bool = false)
        throws(HistoryError) -> History
    {
        try parseReportingTail(bytes: bytes, source: source, allowTruncatedTail: allowTruncatedTail).history
    }

    /// Like `parse(bytes:source:allowTruncatedTail:)`, and also returns the error of the last
    /// line when it was dropped as truncated.
    public static func parseReportingTail(bytes: [UInt8], source: String = "<memory>", allowTruncatedTail: Bool = true)
        throws(HistoryError) -> (history: History, droppedTail: HistoryError?)
    {
        let result = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(HistoryError) in
                var parser = JSONLParser(buffer: buffer, source: source)
                return try parser.parseAll(allowTruncatedTail: allowTruncatedTail)
            }
        }
        return try result.get()
    }
}
