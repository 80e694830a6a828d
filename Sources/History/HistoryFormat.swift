/// The history formats Faultline reads, by the names the command line uses.
public enum HistoryFormat: String, Sendable, CaseIterable {
    /// Faultline's own JSON Lines history (`JSONLHistory`).
    case jsonl = "jsonl"
    /// Operation lines of a Jepsen log (`JepsenLogHistory`).
    case jepsenLog = "jepsen-log"
    /// Porcupine's key-value logs, one EDN map a line (`PorcupineKVHistory`).
    case porcupineKV = "porcupine-kv"
    /// Knossos's EDN vector of operation maps (`KnossosEDNHistory`).
    case knossosEDN = "knossos-edn"

    /// The format a file's extension suggests: `.jsonl` → `jsonl`, `.edn` → `knossos-edn`,
    /// `.log` → `jepsen-log`, `.txt` → `porcupine-kv` (case-insensitive); nil for any other.
    public static func guess(path: String) -> HistoryFormat? {
        let name = path.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        switch name[name.index(after: dot)...].lowercased() {
        case "jsonl": return .jsonl
        case "edn": return .knossosEDN
        case "log": return .jepsenLog
        case "txt": return .porcupineKV
        default: return nil
        }
    }

    /// Reads the history at `path` in this format.
    ///
    /// - Parameter allowTruncatedTail: for `jsonl`, drop an unterminated, unparsable last line
    ///   (see `JSONLHistory`); ignored by the other formats.
    /// - Throws: `HistoryError` on line 0 if the file cannot be read, else at the first error.
    public func read(path: String, allowTruncatedTail: Bool = false) throws(HistoryError) -> History {
        try parse(bytes: try FileBytes.read(path: path), source: path, allowTruncatedTail: allowTruncatedTail)
    }

    /// Parses history bytes (UTF-8) in this format; `source` names them in errors.
    public func parse(bytes: [UInt8], source: String = "<memory>", allowTruncatedTail: Bool = false)
        throws(HistoryError) -> History
    {
        switch self {
        case .jsonl: return try JSONLHistory.parse(bytes: bytes, source: source, allowTruncatedTail: allowTruncatedTail)
        case .jepsenLog: return try JepsenLogHistory.parse(bytes: bytes, source: source)
        case .porcupineKV: return try PorcupineKVHistory.parse(bytes: bytes, source: source)
        case .knossosEDN: return try KnossosEDNHistory.parse(bytes: bytes, source: source)
        }
    }
}
