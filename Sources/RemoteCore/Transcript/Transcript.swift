import Foundation
import Synchronization

/// One command Faultline ran on a host (or one file it moved), as `transcript.jsonl` keeps it.
public struct TranscriptEntry: Sendable, Codable, Equatable {
    /// The host's name.
    public var host: String
    /// `run`, `upload` or `download`.
    public var action: String
    /// The command line as sent (never what it read on standard input), or `local -> remote`
    /// for a file transfer.
    public var command: String
    /// Run through `sudo -n`.
    public var sudo: Bool
    /// When it started, UTC, ISO 8601 with milliseconds.
    public var start: String
    /// How long it took until its result (or transport error) came back, in milliseconds.
    public var durationMillis: Double
    /// Exit code and signal of a command that finished; nil after a transport error.
    public var exitCode: Int32?
    public var signal: String?
    /// The transport error (unreachable host, timeout, lost connection, cancellation).
    public var error: String?

    public init(host: String, action: String, command: String, sudo: Bool, start: String, durationMillis: Double,
                exitCode: Int32? = nil, signal: String? = nil, error: String? = nil) {
        self.host = host
        self.action = action
        self.command = command
        self.sudo = sudo
        self.start = start
        self.durationMillis = durationMillis
        self.exitCode = exitCode
        self.signal = signal
        self.error = error
    }
}

/// An append-only JSON-lines file of `TranscriptEntry`s, shared by every host's
/// `TranscribingRemote` in a run.
///
/// Contract: `append` writes one whole line per entry with a single `write(2)` (no buffering:
/// what was appended is in the file when `append` returns); safe to call from many threads; lines
/// never interleave. A transcript whose file cannot be written keeps going and remembers the first
/// error (`writeError`), so auditing never breaks a run.
public final class Transcript: Sendable {
    private struct State {
        var handle: FileHandle?
        var entries = 0
        var writeError: String?
    }

    /// The file the transcript goes to.
    public let path: String
    private let state: Mutex<State>

    /// Opens (creating or truncating) the transcript at `path`.
    public init(path: String) {
        self.path = path
        var s = State()
        if FileManager.default.createFile(atPath: path, contents: nil) {
            s.handle = FileHandle(forWritingAtPath: path)
        }
        if s.handle == nil { s.writeError = "cannot open \(path) for writing" }
        state = Mutex(s)
    }

    /// Appends `entry` as one line.
    public func append(_ entry: TranscriptEntry) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard var line = try? encoder.encode(entry) else { return }
        line.append(0x0A)
        state.withLock { s in
            guard let handle = s.handle else { return }
            do {
                try handle.write(contentsOf: line)
                s.entries += 1
            } catch {
                if s.writeError == nil { s.writeError = "\(path): \(error)" }
            }
        }
    }

    /// How many entries were written.
    public var count: Int { state.withLock { $0.entries } }

    /// The first write error, if any.
    public var writeError: String? { state.withLock { $0.writeError } }

    /// Closes the file; later entries are dropped.
    public func close() {
        state.withLock { s in
            try? s.handle?.close()
            s.handle = nil
        }
    }

    /// Reads a transcript file back.
    public static func read(path: String) throws -> [TranscriptEntry] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let decoder = JSONDecoder()
        return try text.split(separator: "\n").map { try decoder.decode(TranscriptEntry.self, from: Data($0.utf8)) }
    }

    /// UTC ISO 8601 with milliseconds, the form of `TranscriptEntry.start`.
    public static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: true)
            .timeSeparator(.colon).timeZone(separator: .omitted))
    }
}
