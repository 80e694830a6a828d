// The RaftKV target: raftkv's Raft as a deterministic state machine, its storage and key-value state, its bug switches.

import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A node's term, vote and log in a data directory: `state.json` (replaced atomically) and
/// `log.jsonl` (one entry a line, `{"i":index,"t":term,"c":command}`, or `"m":configuration`
/// for a membership entry, appended). A line for an index the log already holds replaces that
/// entry and everything after it, which is how Raft's truncation of conflicting entries reaches
/// the disk. Blocking: call it off the cooperative pool.
public final class FileStorage {
    public enum StorageError: Error, CustomStringConvertible {
        case io(String, errno: Int32)
        case corrupt(String)

        public var description: String {
            switch self {
            case .io(let what, let e): "\(what): \(String(cString: strerror(e)))"
            case .corrupt(let what): what
            }
        }
    }

    private struct Record: Codable {
        var i: Int
        var t: Int
        var c: KVCommand?
        var m: Membership?
    }

    public let directory: URL
    /// `no-fsync` bug: appends are written at once but never fsynced, so they are acknowledged
    /// before they are durable (a process crash keeps them, a power loss drops them).
    public let skipsFsync: Bool
    public private(set) var hardState = HardState()
    public private(set) var log: [LogEntry] = []
    private var logFD: Int32 = -1
    private let encoder = JSONEncoder()

    /// Opens (creating if needed) the data directory and reads what it holds. A torn last line,
    /// from a crash in the middle of an append that was never acknowledged, is cut off.
    public init(directory: URL, skipsFsync: Bool = false) throws {
        self.directory = directory
        self.skipsFsync = skipsFsync
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let statePath = directory.appendingPathComponent("state.json")
        if let data = FileManager.default.contents(atPath: statePath.path) {
            do { hardState = try JSONDecoder().decode(HardState.self, from: data) } catch {
                throw StorageError.corrupt("\(statePath.path): not a saved term and vote: \(error)")
            }
        }
        let logPath = directory.appendingPathComponent("log.jsonl").path
        logFD = open(logPath, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard logFD >= 0 else { throw StorageError.io("open \(logPath)", errno: errno) }
        syncDirectory()  // the log's name is durable before anything in it is acknowledged
        let data = FileManager.default.contents(atPath: logPath) ?? Data()
        var valid = 0
        let decoder = JSONDecoder()
        var start = data.startIndex
        while let newline = data[start...].firstIndex(of: UInt8(ascii: "\n")) {
            guard let record = try? decoder.decode(Record.self, from: data[start..<newline]),
                record.i >= 1, record.i <= log.count + 1
            else { break }
            log.removeSubrange((record.i - 1)...)
            log.append(LogEntry(term: record.t, command: record.c, membership: record.m))
            start = newline + 1
            valid = start - data.startIndex
        }
        if valid < data.count {
            guard ftruncate(logFD, off_t(valid)) == 0 else { throw StorageError.io("truncate \(logPath)", errno: errno) }
            try sync(logFD, logPath)
        }
    }

    deinit { if logFD >= 0 { close(logFD) } }

    /// Makes a `Ready`'s hard state and entries durable (fsynced) before returning, except that
    /// with `skipsFsync` the entries are written but not fsynced.
    public func save(hardState newState: HardState?, firstIndex: Int, entries: [LogEntry]) throws {
        if let newState, newState != hardState {
            try saveHardState(newState)
        }
        guard !entries.isEmpty else { return }
        log.removeSubrange(min(log.count, firstIndex - 1)...)
        log.append(contentsOf: entries)
        var pending: [UInt8] = []
        for (offset, entry) in entries.enumerated() {
            pending += try encoder.encode(Record(i: firstIndex + offset, t: entry.term, c: entry.command, m: entry.membership))
            pending.append(UInt8(ascii: "\n"))
        }
        var written = 0
        while written < pending.count {
            let n = pending.withUnsafeBytes { write(logFD, $0.baseAddress! + written, $0.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw StorageError.io("write log", errno: errno)
            }
            written += n
        }
        if !skipsFsync { try sync(logFD, "log") }
    }

    private func saveHardState(_ state: HardState) throws {
        let path = directory.appendingPathComponent("state.json").path
        let tmp = path + ".tmp"
        let data = try encoder.encode(state)
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StorageError.io("open \(tmp)", errno: errno) }
        defer { close(fd) }
        let n = data.withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) }
        guard n == data.count else { throw StorageError.io("write \(tmp)", errno: errno) }
        try sync(fd, tmp)
        guard rename(tmp, path) == 0 else { throw StorageError.io("rename \(tmp)", errno: errno) }
        syncDirectory()
        hardState = state
    }

    /// fsync of the data directory: the names created or replaced in it become durable.
    private func syncDirectory() {
        let dirFD = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirFD >= 0 {
            fsync(dirFD)
            close(dirFD)
        }
    }

    private func sync(_ fd: Int32, _ what: String) throws {
        guard fsync(fd) == 0 else { throw StorageError.io("fsync \(what)", errno: errno) }
    }
}
