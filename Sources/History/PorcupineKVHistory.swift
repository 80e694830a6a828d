/// Importer for Porcupine's key-value test logs (`porcupine/test_data/kv/*.txt`).
///
/// One EDN map a line, `{:process 1, :type :invoke, :f :append, :key "0", :value "x 0 0 y"}`
/// (blank lines and `;` comments are skipped). Operations are `get` (its `:ok` carries the value
/// read, possibly `""`; its `:invoke` has `:value nil`), `put` and `append`; keys are strings.
/// Events are taken as written: `:invoke`, `:ok`, and also `:fail`/`:info` if present, with the
/// same keys as `KnossosEDNHistory` (the two share one EDN reader); the event's line is the line
/// of its `{`.
///
/// Malformed text throws a `HistoryError` with file, line, column and what was expected.
public enum PorcupineKVHistory {
    /// Reads the Porcupine kv log at `path`.
    /// - Throws: `HistoryError` on line 0 if the file cannot be read, else at the first error.
    public static func read(path: String) throws(HistoryError) -> History {
        try parse(bytes: try FileBytes.read(path: path), source: path)
    }

    /// Parses Porcupine kv log text; `source` names it in errors and in the `History`.
    public static func parse(_ text: String, source: String = "<memory>") throws(HistoryError) -> History {
        try parse(bytes: Array(text.utf8), source: source)
    }

    /// Parses Porcupine kv log bytes (UTF-8); `source` names them in errors and in the `History`.
    public static func parse(bytes: [UInt8], source: String = "<memory>") throws(HistoryError) -> History {
        try EDNEvents.read(bytes: bytes, source: source)
    }
}
