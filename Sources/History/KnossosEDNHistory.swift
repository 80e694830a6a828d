/// Importer for Knossos's EDN histories (`knossos/data/**/*.edn`).
///
/// The file is one EDN vector or list of maps,
/// `[{:process 0, :type :invoke, :f :write, :value 3} …]`, or maps one after another (Jepsen's
/// `history.edn`); `;` comments are allowed and commas are whitespace. Each map becomes one
/// event (see the keys below); its line is the line of its `{`.
///
/// Keys: `:process` (an integer, or `:nemesis`), `:type` (`:invoke`, `:ok`, `:fail`, `:info`),
/// `:f` (a keyword or string) are required; `:value`, `:key`, `:time`, `:index` and `:error` are
/// optional; other keys are ignored. Keywords become `.string` without the colon.
///
/// Knossos semantics, as the events come out:
/// - events of process `:nemesis` are kept as nemesis events (`History.operations()` skips them);
/// - `:fail` stays `fail` (the checker drops failed operations);
/// - `:info` and never-completed invocations stay unknown;
/// - a completed `:ok` `:read` whose value is nil constrains nothing, so it becomes an `info`
///   completion (unknown read).
///
/// Malformed text throws a `HistoryError` with file, line, column and what was expected.
public enum KnossosEDNHistory {
    /// Reads the Knossos EDN history at `path`.
    /// - Throws: `HistoryError` on line 0 if the file cannot be read, else at the first error.
    public static func read(path: String) throws(HistoryError) -> History {
        try parse(bytes: try FileBytes.read(path: path), source: path)
    }

    /// Parses Knossos EDN history text; `source` names it in errors and in the `History`.
    public static func parse(_ text: String, source: String = "<memory>") throws(HistoryError) -> History {
        try parse(bytes: Array(text.utf8), source: source)
    }

    /// Parses Knossos EDN history bytes (UTF-8); `source` names them in errors and the `History`.
    public static func parse(bytes: [UInt8], source: String = "<memory>") throws(HistoryError) -> History {
        try EDNEvents.read(bytes: bytes, source: source) { event in
            if event.type == .ok && event.f == "read" && event.value == .null
                && event.process != .nemesis
            {
                event.type = .info
            }
        }
    }
}
